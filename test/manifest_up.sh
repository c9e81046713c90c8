#!/usr/bin/env bash
# can up: a sandbox named in canister.toml, found from a subfolder, run in
# the project root through can run's code; the choice remembered; the
# manifest read-only inside; a manifest that tries to weaken the baseline,
# and one planted by another user, refused.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi

# A manifest another user owns, in a shared sticky folder (as /tmp is):
# prepared as root, before the re-run as the test user. It stays in /tmp
# (the test user cannot remove nobody's file) until the next run replaces it.
if [ "${CAN_TEST_DROPPED:-}" = 1 ]; then PLANT=/tmp/canup-plant.$USER
else PLANT=/tmp/canup-plant.${CAN_TEST_USER:-cantest}; fi
if [ "$(id -u)" = 0 ] && [ "${CAN_TEST_DROPPED:-}" != 1 ]; then
	rm -rf "$PLANT"
	mkdir -m 1777 "$PLANT"
	printf '[sandbox.evil]\ncommand = "true"\n[sandbox.evil.filesystem]\nallow = ["/"]\n' \
		>"$PLANT/canister.toml"
	chown nobody "$PLANT/canister.toml"
fi
t_drop_to_user

H=$T_HOME
TOP=$(mktemp -d "$H/canup.XXXXXX")
trap 'rm -rf "$TOP"' EXIT
rm -rf "$H/.local/state/canister"
mkdir -p "$H/.ssh"
echo "FAKE-PRIVATE-KEY" >"$H/.ssh/id_ed25519"
P=$TOP/proj
mkdir -p "$P/src/deep" "$P/.canister"
cat >"$P/canister.toml" <<EOF
[sandbox.test]
description = "the unit tests"
recipes = ["python"]
command = "python3 -m unittest -q"

[sandbox.where]
command = ["sh", "-c", "pwd; echo made > made-inside.txt"]

[sandbox.cache]
command = ["sh", "-c", "echo x > $H/cache-dir/f"]
[sandbox.cache.filesystem]
allow_write = ["\$HOME/cache-dir"]

[sandbox.nocache]
command = ["sh", "-c", "echo x > $H/cache-dir/f"]

[sandbox.weaken]
command = ["cat", "$H/.ssh/id_ed25519"]
strict = false
[sandbox.weaken.filesystem]
allow = ["\$HOME"]
allow_write = ["\$HOME/.ssh"]

[sandbox.ns]
command = ["unshare", "-U", "true"]

[sandbox.ns-strict]
command = ["unshare", "-U", "true"]
strict = true

[sandbox.mon]
command = ["sh", "-c", "cat canister.toml >/dev/null && echo cat-ran"]
[sandbox.mon.process]
allow_execve = ["/bin/sh", "/usr/bin/sh", "/bin/dash", "/usr/bin/dash"]

[sandbox.protected]
command = ["sh", "-c", "echo x >> canister.toml; touch .canister/new; echo done"]
EOF
cat >"$P/test_ok.py" <<'EOF'
import unittest
class T(unittest.TestCase):
    def test_add(self):
        self.assertEqual(1 + 1, 2)
EOF
mkdir -p "$H/cache-dir"
cd "$P/src/deep" || exit 1

# --- discovery, running, the project root ---
t_expect "can up test runs python3 -m unittest, found from a subfolder" 0 "$CAN" up test
t_grep "... and the tests ran" "OK" "$T_ERR"
t_expect "-- CMD replaces the command" 0 "$CAN" up test -- python3 -c 'print("over")'
t_grep "... and ran" "^over$" "$T_OUT"
t_expect "the command runs in the project root" 0 "$CAN" up where
t_grep "... pwd is the root" "^$P\$" "$T_OUT"
t_expect "... where the file it wrote stays" 0 test -f "$P/made-inside.txt"

# --- remembering ---
t_expect "can up without a name runs the one chosen last (where)" 0 "$CAN" up
t_grep "... which was 'where'" "^$P\$" "$T_OUT"
t_expect "... kept under XDG_STATE_HOME's default" 0 sh -c "grep -qx where $H/.local/state/canister/up/*"
t_expect "--dry-run does not change the choice" 0 "$CAN" up --dry-run test
t_expect "... so can up still runs 'where'" 0 "$CAN" up
t_grep "... (pwd printed)" "^$P\$" "$T_OUT"
t_expect "another project has its own choice: the first defined" 0 sh -c \
	"mkdir -p $TOP/other && cd $TOP/other && printf '[sandbox.one]\ncommand = \"echo one\"\n[sandbox.two]\ncommand = \"echo two\"\n' > canister.toml && $CAN up"
t_grep "... one" "^one$" "$T_OUT"
XDG_STATE_HOME=$TOP/state t_expect "XDG_STATE_HOME is honoured" 0 "$CAN" up test
t_expect "... the choice is there" 0 sh -c "grep -qx test $TOP/state/canister/up/*"

# --- dry run ---
t_expect "--dry-run" 0 "$CAN" up --dry-run cache
t_grep "... prints the merged policy with the override" "\"$H/cache-dir\"" "$T_OUT"
t_grep "... and the baseline" '"/etc/shadow"' "$T_OUT"
t_grep "... and the equivalent can run line" "^cd $P && can run -r ./canister-cache.toml -- sh -c" "$T_OUT"
t_expect "--dry-run without overrides" 0 "$CAN" up --dry-run test
t_grep "... a plain can run line" "^cd $P && can run -r python -- python3 -m unittest -q$" "$T_OUT"
t_expect "--list checks every sandbox" 0 "$CAN" up --list
t_grep "... and lists them" "test +the unit tests" "$T_OUT"

# --- overrides through can up ---
t_refused() {
	local desc=$1
	shift
	t_run "$@"
	# 2 is sh's own failure here; can's usage errors start with "can:".
	if [ "$T_RC" != 0 ] && [ "$T_RC" != 126 ] && [ "$T_RC" != 127 ] &&
		! printf '%s' "$T_ERR" | grep -q '^can:'; then
		t_ok "$desc"
	else
		t_fail "$desc (exit $T_RC)"
		t_diag "stdout: $T_OUT" "stderr: $T_ERR"
	fi
}
t_refused "control: without the override, writing ~/cache-dir fails" "$CAN" up nocache
t_expect "with [sandbox.cache.filesystem] allow_write it works" 0 "$CAN" up cache
t_grep "... and the file is on the host" "^x$" "$(cat "$H/cache-dir/f")"

# --- the manifest cannot weaken the baseline ---
t_expect "control: the fake key is readable on the host" 0 cat "$H/.ssh/id_ed25519"
t_refused "a sandbox allowing \$HOME and allow_write ~/.ssh still cannot read the key" "$CAN" up weaken
t_nogrep "... the key did not leak" "FAKE-PRIVATE-KEY" "$T_OUT"
mkdir -p "$TOP/sys"
printf '[sandbox.weaken-sys]\ncommand = "true"\n[sandbox.weaken-sys.syscalls]\nallow_extra = ["ptrace"]\n' \
	>"$TOP/sys/canister.toml"
t_expect "allow_extra = [\"ptrace\"] in a manifest: a load error, nothing runs (2)" 2 \
	sh -c "cd $TOP/sys && $CAN up weaken-sys"
t_grep "... at its position, saying it is always refused" "canister.toml:4:16: error: .*'ptrace' is always refused" "$T_ERR"
t_nogrep "... and not suggesting to drop the filter" "allow-degraded" "$T_ERR"
t_expect "... --dry-run refuses it the same way" 2 sh -c "cd $TOP/sys && $CAN up --dry-run weaken-sys"
mkdir -p "$TOP/abs"
printf '[sandbox.a]\ncommand = "true"\n[sandbox.a.syscalls]\ndeny = []\n' >"$TOP/abs/canister.toml"
t_expect "[syscalls] deny = [] in a manifest is refused" 2 sh -c "cd $TOP/abs && $CAN up a"
t_grep "... at file:line:col" "canister.toml:4:1: error: 'deny' in \[sandbox.a.syscalls\] is only valid in the built-in default.toml" "$T_ERR"

# --- -s, -m and strict = true, through can run's code ---
t_expect "control: a refused unshare fails with EPERM" 1 "$CAN" up ns
t_expect "can up -s kills on it (SIGSYS, as can run -s)" 159 "$CAN" up -s ns
t_expect "strict = true in the sandbox does the same" 159 "$CAN" up ns-strict
t_expect "the sandbox's allow_execve refuses cat (sh: 126)" 126 "$CAN" up mon
t_grep "... and can's report says so" "exec +/usr/bin/cat" "$T_ERR"
t_expect "can up -m runs it and refuses nothing" 0 "$CAN" up -m mon
t_grep "... the command ran" "^cat-ran$" "$T_OUT"
t_grep "... the report names the exec and the patch" '^allow_execve = \[$' "$T_ERR"
t_grep "... the patch lists the program" '^	"/usr/bin/cat",' "$T_ERR"
t_expect "-m with strict = true in the sandbox: a usage error, as for can run" 2 "$CAN" up -m ns-strict
t_grep "... pointing at the manifest's line" "a recipe sets strict = true \($P/canister.toml:[0-9]+\)" "$T_ERR"

# --- read-only inside ---
t_expect "can up protected runs" 0 "$CAN" up protected
t_grep "canister.toml is read-only inside" "canister.toml: Read-only file system" "$T_ERR"
t_grep ".canister/ is read-only inside" "\.canister/new.*Read-only file system" "$T_ERR"
t_nogrep "... the manifest is unchanged" "^x$" "$(tail -1 "$P/canister.toml")"
t_expect "... nothing was made in .canister/" 1 test -e "$P/.canister/new"

# --- errors ---
t_expect "an unknown sandbox is a usage error" 2 "$CAN" up tset
t_grep "... with a suggestion" "no sandbox 'tset' in $P/canister.toml; did you mean 'test'\?" "$T_ERR"
mkdir -p "$TOP/bad"
printf '[sandbox.a]\ncomand = "true"\n[sandbox.a.filesystem]\nalow = []\n' >"$TOP/bad/canister.toml"
t_expect "a bad manifest is refused" 2 sh -c "cd $TOP/bad && $CAN up a"
t_grep "... every error, file:line:col" "canister.toml:2:1: error: unknown key 'comand' in \[sandbox.a\]; did you mean 'command'\?" "$T_ERR"
t_grep "... the second too" "canister.toml:4:1: error: unknown key 'alow' in \[sandbox.a.filesystem\]; did you mean 'allow'\?" "$T_ERR"
printf '[sandbox.a]\nrecipes = ["pyhton"]\ncommand = "true"\n' >"$TOP/bad/canister.toml"
t_expect "an unknown recipe is refused" 2 sh -c "cd $TOP/bad && $CAN up a"
t_grep "... at its position, with a suggestion" "canister.toml:2:12: error: 'recipes' in \[sandbox.a\]: recipe 'pyhton' not found; did you mean 'python'\?" "$T_ERR"
t_expect "-m and -s contradict, as in can run" 2 "$CAN" up -m -s test
t_grep "... the same message" "--strict and --monitor contradict" "$T_ERR"
t_expect "-p is can run's -p" 2 "$CAN" up -p 80 test
t_grep "... the same message" "-p 80: expected \[ip:\]hostPort:sandboxPort" "$T_ERR"
t_expect "options after the name work" 0 "$CAN" up test --dry-run
t_expect "no manifest: a clear error" 2 sh -c "cd $H && $CAN up"
t_grep "... saying so" "no canister.toml in" "$T_ERR"

# --- discovery stops at home and refuses plants ---
mkdir -p "$H/inner"
t_expect "a folder under home without a manifest up to home: none found" 2 sh -c "cd $H/inner && $CAN up"
if [ -d "$PLANT" ]; then
	mkdir -p "$PLANT/$USER-proj"
	t_expect "a manifest another user planted in a shared folder is refused" 2 sh -c "cd $PLANT/$USER-proj && $CAN up evil"
	t_grep "... saying whose it is" "refusing $PLANT/canister.toml: it belongs to uid [0-9]+, not to you" "$T_ERR"
	rm -rf "$PLANT/$USER-proj"
else
	t_skip "a planted manifest (needs root to prepare another user's file)"
fi
chmod 666 "$P/canister.toml"
t_expect "a manifest anyone may write is refused" 2 "$CAN" up test
t_grep "... saying why" "anyone may write it" "$T_ERR"
chmod 644 "$P/canister.toml"
t_done
