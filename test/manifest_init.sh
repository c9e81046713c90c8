#!/usr/bin/env bash
# can init driven through a pseudo-terminal (tmux) for a Node project with a
# lockfile, a Python project with pyproject.toml and a Go project; the
# written file validates and can up runs the project's tests with it.
# Also: nothing is replaced without asking, --yes, --json, no terminal.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

if ! command -v tmux >/dev/null; then
	t_skip "tmux is not installed (Debian package tmux)"
	t_done
fi
H=$T_HOME
TOP=$(mktemp -d "$H/caninit.XXXXXX")
SOCK=$TOP/tmux.sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; rm -rf "$TOP"' EXIT

# pty_start DIR: runs can init in DIR on a fresh terminal.
pty_start() {
	tmux -S "$SOCK" kill-server 2>/dev/null
	rm -f "$1/.init-exit"
	tmux -S "$SOCK" new-session -d -x 220 -y 60 \
		"cd '$1' && '$CAN' init; echo \$? > '$1/.init-exit'; sleep 600"
}
screen() { tmux -S "$SOCK" capture-pane -p -S -200; }
# pty_wait REGEX: until the terminal shows it (bounded; not a timing assertion).
pty_wait() {
	local i
	for i in $(seq 1 300); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
	done
	t_diag "terminal never showed /$1/:" "$(screen | tail -20)"
	return 1
}
# pty_answer REGEX TEXT: waits for the question, types TEXT and Enter.
pty_answer() {
	pty_wait "$1" || return 1
	tmux -S "$SOCK" send-keys -l -- "$2"
	tmux -S "$SOCK" send-keys Enter
}
pty_exit() {
	local i
	for i in $(seq 1 300); do
		[ -f "$1/.init-exit" ] && { cat "$1/.init-exit"; return 0; }
		sleep 0.1
	done
	echo none
}
# The answers of one interview, in order; "" takes the default.
interview() {
	local dir=$1
	shift
	local q
	local qs=("Where does the code live" "Language" "How is the tool chain installed"
		"Editor used inside" "Network" "Sandbox name" "Command to run"
		"Recipes \(space-separated\)" "Write .*canister.toml" "Also write .*\.envrc")
	pty_start "$dir"
	for q in "${qs[@]}"; do
		pty_answer "$q" "$1" || return 1
		shift
	done
	[ "$(pty_exit "$dir")" = 0 ]
}

# --- Node, with a lockfile ---
N=$TOP/node
mkdir -p "$N"
printf '{"name":"demo","version":"1.0.0","scripts":{"test":"node test.js"}}\n' >"$N/package.json"
printf '{"name":"demo","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"demo","version":"1.0.0"}}}\n' >"$N/package-lock.json"
printf 'const assert = require("assert");\nassert.strictEqual(1 + 1, 2);\nconsole.log("node tests passed");\n' >"$N/test.js"
if interview "$N" "" "" "" "" "" "" "" "" "" "y"; then t_ok "node: the interview ends, exit 0"
else t_fail "node: the interview ends, exit 0"; t_diag "$(screen | tail -30)"; fi
t_grep "node: detected with its lockfile" "Detected: a node project built with npm \(package.json and package-lock.json\)" "$(screen)"
t_grep "node: companions pre-selected with a reason" "\[x\] npm +package-lock.json: the project is built with npm" "$(screen)"
t_grep "node: the result is shown before writing" "recipes = \[\"node\", \"npm\"\]" "$(screen)"
t_grep "node: the equivalent can run line" "The same as: +can run -r node -r npm -- npm test" "$(screen)"
t_grep "node: canister.toml written" "^command = \[\"npm\", \"test\"\]" "$(cat "$N/canister.toml" 2>/dev/null)"
t_grep "node: each recipe's reason is in the file" "^# npm: package-lock.json: the project is built with npm$" "$(cat "$N/canister.toml" 2>/dev/null)"
t_grep "node: .envrc written" "^use canister test$" "$(cat "$N/.envrc" 2>/dev/null)"
t_expect "node: the file validates" 0 sh -c "cd '$N' && '$CAN' up --list"
if command -v npm >/dev/null; then
	t_expect "node: can up runs npm test (node test.js)" 0 sh -c "cd '$N' && '$CAN' up"
	t_grep "... and the tests passed" "node tests passed" "$T_OUT"
else
	t_skip "npm is not installed: can up npm test not run (Debian package npm)"
fi

# Never replaces without asking: the default answer is no.
cp "$N/canister.toml" "$TOP/node.before"
pty_start "$N"
for q in "Where does the code live" "Language" "How is the tool chain installed" \
	"Editor used inside" "Network" "Sandbox name" "Command to run" "Recipes \(space-separated\)"; do
	pty_answer "$q" "" || break
done
pty_answer "canister.toml exists: replace it\? \[y/N\]" ""
t_expect "an existing canister.toml: asked, and no by default" 0 test "$(pty_exit "$N")" = 0
t_grep "... nothing written" "Nothing written" "$(screen)"
t_expect "... the file is unchanged" 0 cmp "$N/canister.toml" "$TOP/node.before"
t_expect "--yes leaves an existing canister.toml alone (exit 1)" 1 sh -c "cd '$N' && '$CAN' init --yes"
t_grep "... saying so" "exists; left alone" "$T_ERR"
t_expect "... unchanged" 0 cmp "$N/canister.toml" "$TOP/node.before"

# --- Python, with pyproject.toml; a wrong answer is asked again ---
P=$TOP/py
mkdir -p "$P"
printf '[project]\nname = "demo"\nversion = "0.1"\n' >"$P/pyproject.toml"
printf 'import unittest\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(1 + 1, 2)\n' >"$P/test_demo.py"
pty_start "$P"
pty_answer "Where does the code live" ""
pty_answer "Language" "pyton"
pty_wait "unknown language 'pyton'; did you mean 'python'\?" && t_ok "python: a wrong answer is explained" ||
	t_fail "python: a wrong answer is explained"
tmux -S "$SOCK" send-keys -l -- python
tmux -S "$SOCK" send-keys Enter
for a in "How is the tool chain installed:" "Editor used inside:" "Network:" "Sandbox name:unit" \
	"Command to run:" "Recipes \(space-separated\):" "Write .*canister.toml:" "Also write .*\.envrc:"; do
	pty_answer "${a%%:*}" "${a#*:}" || break
done
t_expect "python: the interview ends, exit 0" 0 test "$(pty_exit "$P")" = 0
t_grep "python: detected" "Detected: a python project built with pip \(pyproject.toml\)" "$(screen)"
t_grep "python: the sandbox is named as answered" "^\[sandbox.unit\]" "$(cat "$P/canister.toml" 2>/dev/null)"
t_expect "python: no .envrc unless asked" 1 test -e "$P/.envrc"
t_expect "python: the file validates" 0 sh -c "cd '$P' && '$CAN' up --list"
t_expect "python: can up runs python3 -m unittest" 0 sh -c "cd '$P' && '$CAN' up unit"
t_grep "... and the test passed" "Ran 1 test" "$T_ERR"

# --- Go ---
G=$TOP/go
mkdir -p "$G"
printf 'module example.com/demo\n\ngo 1.19\n' >"$G/go.mod"
printf 'package demo\n\nfunc Add(a, b int) int { return a + b }\n' >"$G/demo.go"
printf 'package demo\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal("Add")\n\t}\n}\n' >"$G/demo_test.go"
if interview "$G" "" "" "" "" "" "" "" "" "" ""; then t_ok "go: the interview ends, exit 0"
else t_fail "go: the interview ends, exit 0"; t_diag "$(screen | tail -30)"; fi
t_grep "go: detected" "Detected: a go project built with go \(go.mod\)" "$(screen)"
t_grep "go: the file runs go test ./..." "^command = \[\"go\", \"test\", \"./...\"\]" "$(cat "$G/canister.toml" 2>/dev/null)"
t_grep "go: the caches go to the sandbox's /tmp" "GOCACHE = \"/tmp/go-build\"" "$(cat "$G/canister.toml" 2>/dev/null)"
t_expect "go: the file validates" 0 sh -c "cd '$G' && '$CAN' up --list"
if command -v go >/dev/null; then
	t_expect "go: can up runs go test ./..." 0 sh -c "cd '$G' && '$CAN' up"
	t_grep "... and the test passed" "^ok[[:space:]]+example.com/demo" "$T_OUT"
else
	t_skip "go is not installed: can up go test not run (detection and the file are tested above)"
fi

# --- without a terminal ---
E=$TOP/empty
mkdir -p "$E"
t_expect "without a terminal and without --yes: a usage error" 2 sh -c "cd '$E' && '$CAN' init </dev/null"
t_grep "... saying what to do" "the questions need a terminal.*--yes" "$T_ERR"
t_expect "--json prints the plan and writes nothing" 0 sh -c "cd '$N' && '$CAN' init --json"
t_grep "... the plan" '"detected":\{"language":"node","tool":"npm"' "$T_OUT"
t_expect "--yes --envrc in a Python folder" 0 sh -c "cd '$E' && cp '$P/pyproject.toml' . && '$CAN' init --yes --envrc"
t_grep "... wrote .envrc" "^use canister test$" "$(cat "$E/.envrc" 2>/dev/null)"
t_done
