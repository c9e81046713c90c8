#!/usr/bin/env bash
# `can run` with the notification engine (docs/adr/0070, 0071):
# [process] allow_execve decided by the engine and backed by Landlock's
# execute right, connect rules, fail-closed supervision, --monitor's report
# and patch, --events.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "${CAN_TESTBIN}/try_syscall" "${CAN_TESTBIN}/check_busy_listener"
TRY=${CAN_TESTBIN}/try_syscall
BUSY=${CAN_TESTBIN}/check_busy_listener
W=$(mktemp -d /tmp/canrunnotify.XXXXXX)
trap 'rm -rf "$W"' EXIT
cp "$TRY" "$W/try_syscall"
cd "$W" || exit 1

# Line 2 holds the list: events must name it.
cat >r.toml <<EOF
[process]
allow_execve = ["/bin/sh", "/usr/bin/sh", "/usr/bin/dash", "/usr/bin/true", "/usr/bin/cp", "/usr/bin/sleep",
	"$W/later", "$W/s.sh"]
EOF
EV=$W/events.jsonl
run() { "$CAN" run -r ./r.toml --events "$EV" "$@"; }
last_event() { tail -n 1 "$EV" 2>/dev/null; }

# --- allow_execve -----------------------------------------------------------
t_run run -- sh -c 'true && echo ran'
t_grep "an allowed exec runs (sh, then true)" "^ran$" "$T_OUT"
t_expect "control: cat runs without the recipe" 0 "$CAN" run -- cat /proc/self/comm

: >"$EV"
t_run run -- sh -c 'cat /proc/self/comm; echo rc=$?'
t_grep "cat, not in allow_execve, is refused (the shell reports 126)" "^rc=126$" "$T_OUT"
t_grep "the program gets EACCES (Permission denied)" "Permission denied" "$T_ERR"
t_grep "the run continued after the refusal" "^rc=" "$T_OUT"
E=$(grep '"path":"/usr/bin/cat"' "$EV" | head -n 1)
t_grep "an event names the refused exec" '"syscall":"execve"' "$E"
t_grep "the event names the rule" '"rule":"no process.allow_execve entry names it"' "$E"
t_grep "the event names the recipe file and line" '"recipe":"[^"]*r\.toml:2"' "$E"
t_grep "the event says refused with EACCES" '"verdict":"refused","errno":"EACCES"' "$E"
# The refusal is explained at exit, with the patch to paste.
t_grep "at exit, can names the refused exec" "^  exec +/usr/bin/cat " "$T_ERR"
printf '%s\n' "$T_ERR" | sed -n '/^# can refusal patch/,$p' >refusal.toml
t_grep "... and prints a patch that allows it" '^allow_execve = \[$' "$(cat refusal.toml)"
t_grep "... naming the program" '^	"/usr/bin/cat",$' "$(cat refusal.toml)"
t_expect "the refusal patch validates (can recipe validate)" 0 "$CAN" recipe validate ./refusal.toml
t_run "$CAN" run -r ./r.toml -r ./refusal.toml -- sh -c 'cat /proc/self/comm; echo rc=$?'
t_grep "re-run with the patch: cat runs" "^cat$" "$T_OUT"
t_nogrep "re-run with the patch: nothing refused at exit" "can: refused" "$T_ERR"
t_run run -- sh -c 'true'
t_nogrep "a run with no refusal prints no report" "can: refused" "$T_ERR"

ln -s /usr/bin/cat lnk
t_expect "control: the symlink to cat works on the host" 0 ./lnk /dev/null
t_run run -- sh -c './lnk /dev/null; echo rc=$?'
t_grep "via a symlink: refused" "^rc=126$" "$T_OUT"
t_grep "the event shows the resolved program" '"path":"/usr/bin/cat"' "$(last_event)"

cp /usr/bin/cat mycat
t_expect "control: the copy of cat works on the host" 0 ./mycat /dev/null
t_run run -- sh -c './mycat /dev/null; echo rc=$?'
t_grep "via a copy in the working directory: refused" "^rc=126$" "$T_OUT"
t_grep "the event names the copy" "\"path\":\"$W/mycat\"" "$(last_event)"

# Landlock backs the engine: "later" is in allow_execve, so the engine lets
# the exec through, but it did not exist when the sandbox started, so
# Landlock has no execute rule for it (the working directory has none).
rm -f later
: >"$EV"
t_run run -- sh -c 'cp /usr/bin/true ./later && ./later; echo rc=$?'
t_grep "an engine-allowed program without Landlock's execute right is refused" "^rc=126$" "$T_OUT"
t_nogrep "the engine did not refuse it (Landlock did)" "later" "$(cat "$EV")"

LDSO=""
for f in /lib64/ld-linux-x86-64.so.2 /lib/ld-linux-aarch64.so.1; do
	[ -x "$f" ] && LDSO=$f && break
done
if [ -n "$LDSO" ]; then
	t_expect "control: the loader runs cat on the host" 0 "$LDSO" /usr/bin/cat /dev/null
	t_run run -- sh -c "$LDSO /usr/bin/cat /dev/null; echo rc=\$?"
	t_grep "the dynamic loader executing cat is refused" "^rc=126$" "$T_OUT"
	t_grep "the event names the loader" '"syscall":"execve".*ld-linux' "$(last_event)"
else
	t_skip "no dynamic loader at the usual place"
	t_skip "no dynamic loader at the usual place"
	t_skip "no dynamic loader at the usual place"
fi

printf '#!/usr/bin/cat\nhello\n' >s.sh
chmod +x s.sh
t_run ./s.sh
t_grep "control: the #! script runs cat on the host" "hello" "$T_OUT"
t_run run -- sh -c './s.sh; echo rc=$?'
t_grep "a script in allow_execve whose #! interpreter is not is refused" "^rc=126$" "$T_OUT"
t_grep "the event names the script and its interpreter" "\"path\":\"$W/s.sh\",\"path2\":\"/usr/bin/cat\"" "$(last_event)"

t_run "$CAN" run -r ./r.toml --strict -- sh -c 'cat /dev/null; echo rc=$?'
t_grep "--strict: a refused exec is an error (EACCES), not a kill" "^rc=126$" "$T_OUT"

t_expect "the first command itself refused: 126" 126 run -- cat /dev/null
t_grep "with a message naming allow_execve" "allow_execve does not name it" "$T_ERR"

# --- connect ---------------------------------------------------------------
# A server on 127.0.0.1 and one on ::1; inside, also a connect to a
# documentation address (192.0.2.1, not in allow_ips): the engine's EACCES.
cat >cn.py <<'EOF'
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
s6 = socket.socket(socket.AF_INET6); s6.bind(("::1", 0)); s6.listen(4)
dests = [(socket.AF_INET, s.getsockname()[:2]), (socket.AF_INET6, s6.getsockname()[:2])]
if len(sys.argv) > 1:
    dests.append((socket.AF_INET, ("192.0.2.1", 80)))
for fam, addr in dests:
    c = socket.socket(fam); c.settimeout(10)
    try:
        c.connect(addr); print("connect", addr[0], "ok")
    except OSError as e:
        print("connect", addr[0], "errno", e.errno)
EOF
printf '[network]\nallow_ips = ["127.0.0.1"]\n' >net.toml
t_run python3 cn.py
t_grep "control: both connects work on the host" "^connect ::1 ok$" "$T_OUT"
: >"$EV"
t_run "$CAN" run -r python -r ./net.toml --events "$EV" -- python3 cn.py outside
t_grep "connect to an allow_ips address (a server inside, on lo) works" "^connect 127.0.0.1 ok$" "$T_OUT"
t_grep "connect to loopback not in allow_ips works: the sandbox's own (ADR 0125)" "^connect ::1 ok$" "$T_OUT"
t_grep "connect to an address not in allow_ips is refused (EACCES)" "^connect 192.0.2.1 errno 13$" "$T_OUT"
E=$(grep '"syscall":"connect"' "$EV" | head -n 1)
t_grep "an event names the refused address" '"addr":"192\.0\.2\.1:80"' "$E"
t_grep "and the allow_ips list that decided" '"rule":"not the proxy, the DNS stub or a network.allow_ips entry".*"recipe":"[^"]*net\.toml:2"' "$E"
t_nogrep "the exit report suggests no loopback address" 'allow_ips = .*(127\.0\.0\.1|::1)' "$T_ERR"
t_grep "... but the refused one" 'allow_ips = .*192\.0\.2\.1' "$T_ERR"

# --- fail closed -------------------------------------------------------------
t_expect "the engine gone: a trapped call (execve) fails, the run stops (126)" 126 \
	env CAN_TEST_NOTIFY_STOP_EARLY=1 "$CAN" run -r ./r.toml -- true
t_grep "with ENOSYS" "ENOSYS" "$T_ERR"

"$CAN" run -r ./r.toml -- sh -c 'exec sleep 300' >/dev/null 2>&1 &
CANPID=$!
# The sandbox's sleep: can -> init -> sleep.
SLEEP=""
for _ in $(seq 200); do
	INIT=$(pgrep -P "$CANPID" | head -n 1)
	[ -n "$INIT" ] && SLEEP=$(pgrep -P "$INIT" -x sleep | head -n 1)
	[ -n "$SLEEP" ] && break
	sleep 0.05
done
t_grep "the sandboxed sleep is running" "^[0-9]+$" "$SLEEP"
kill -9 "$CANPID"
wait "$CANPID" 2>/dev/null
gone=no
for _ in $(seq 100); do
	if ! kill -0 "$SLEEP" 2>/dev/null; then gone=yes; break; fi
	sleep 0.05
done
t_grep "killing the supervisor (can) kills the sandbox" "^yes$" "$gone"

t_expect "a listener that cannot be created (another supervisor holds one): 126" 126 \
	"$BUSY" "$CAN" run -r ./r.toml -- true
t_grep "the message names the notifier wall" "can: notifier: .*EBUSY.*--allow-degraded=notifier" "$T_ERR"
t_run "$BUSY" "$CAN" run -r ./r.toml --allow-degraded=notifier -- sh -c 'true && echo ran; cat /dev/null; echo rc=$?'
t_grep "--allow-degraded=notifier runs without the engine" "^ran$" "$T_OUT"
t_grep "and says so" "warning: notifier" "$T_ERR"
t_grep "allow_execve still holds through Landlock alone" "^rc=126$" "$T_OUT"
if [ -n "$LDSO" ]; then
	# The documented limit (docs/adr/0071): Landlock must grant the loader
	# the execute right (the kernel opens it for every dynamic program) and
	# does not check mmap, so without the engine the loader can run a
	# readable program. The engine refuses the loader named in execve.
	t_run "$BUSY" "$CAN" run -r ./r.toml --allow-degraded=notifier -- sh -c "$LDSO /usr/bin/cat /proc/self/comm; echo rc=\$?"
	t_grep "limit: Landlock alone lets the loader run a non-allowed program" "^rc=0$" "$T_OUT"
else
	t_skip "no dynamic loader at the usual place"
fi

# --- monitor -----------------------------------------------------------------
t_run "$CAN" run -- ./try_syscall sysfs
t_grep "control: sysfs is refused by the filter (EPERM)" "^EPERM$" "$T_OUT"
: >"$EV"
t_run run -m -- sh -c './try_syscall sysfs; ./try_syscall sysfs; cat /dev/null && echo cat-ran'
t_grep "under --monitor the run completes (exit 0)" "^0$" "$T_RC"
t_grep "the refused syscall went ahead" "^ok$" "$T_OUT"
t_grep "the refused exec went ahead" "^cat-ran$" "$T_OUT"
t_grep "the report counts the syscall" "syscall +sysfs \(2 times\)" "$T_ERR"
t_grep "the report names the exec" "exec +/usr/bin/cat" "$T_ERR"
t_grep "--events records would-be refusals" '"verdict":"would-refuse"' "$(cat "$EV")"
printf '%s\n' "$T_ERR" | sed -n '/^# can monitor patch/,$p' >patch.toml
t_grep "the patch allows the syscall" '^allow_extra = \["sysfs"\]' "$(cat patch.toml)"
t_grep "the patch allows the execs" "^	\"/usr/bin/cat\",\$" "$(cat patch.toml)"
t_expect "the patch validates (can recipe validate)" 0 "$CAN" recipe validate ./patch.toml
: >"$EV"
t_run run -r ./patch.toml -- sh -c './try_syscall sysfs; cat /dev/null && echo cat-ran'
t_grep "re-run with the patch: the syscall is allowed" "^ok$" "$T_OUT"
t_grep "re-run with the patch: the exec is allowed" "^cat-ran$" "$T_OUT"
t_grep "re-run with the patch: no refusal recorded" "^0$" "$(wc -l <"$EV")"

# Lookups of host paths the view does not show (opens only: ADR 0072).
echo host-note >"$HOME/canmon.txt"
t_run run -m -- cat "$HOME/canmon.txt"
t_grep "control: under -m the view still applies (ENOENT inside)" "No such file" "$T_ERR"
t_grep "the report names the host path missing from the view" "path +$HOME/canmon.txt" "$T_ERR"
printf '%s\n' "$T_ERR" | sed -n '/^# can monitor patch/,$p' >patch2.toml
t_expect "that patch validates too" 0 "$CAN" recipe validate ./patch2.toml
t_run run -r ./patch2.toml -- cat "$HOME/canmon.txt"
t_grep "re-run with it: the file is visible" "^host-note$" "$T_OUT"
# ... also when only stat, access or readlink looked (no open).
t_run run -m -- stat "$HOME/canmon.txt"
t_grep "stat of a host path missing from the view is reported" "path +$HOME/canmon.txt" "$T_ERR"
t_run run -m -- sh -c "test -e '$HOME/canmon.txt' || echo absent-inside"
t_grep "control: inside, the path is absent" "^absent-inside$" "$T_OUT"
t_grep "test -e (stat/access) of it is reported too" "path +$HOME/canmon.txt" "$T_ERR"
t_run run -m -- readlink "$HOME/canmon.txt"
# readlink alone is not observed: realpath() walks every path with it, more
# than half of a C build's lookups (docs/adr/0200).
t_nogrep "readlink alone is not observed (ADR 0200)" "path +$HOME/canmon.txt" "$T_ERR"
t_run run -m -- stat /usr/bin/env "$HOME/canmon.txt"
t_nogrep "a looked-up path that the view shows is not reported" "path +/usr/bin/env" "$T_ERR"
t_run run -m -- stat /nonexistent-on-the-host-too
t_nogrep "a path the host lacks too is not reported" "path +/nonexistent-on-the-host-too" "$T_ERR"
t_run run -m -- stat "$HOME/canmon.txt"
printf '%s\n' "$T_ERR" | sed -n '/^# can monitor patch/,$p' >patch3.toml
t_run run -r ./patch3.toml -- stat -c %s "$HOME/canmon.txt"
t_grep "re-run with the stat patch: the path is visible" "^10$" "$T_OUT"
rm -f "$HOME/canmon.txt"

# --- --events ----------------------------------------------------------------
: >"$EV"
run -- sh -c 'cat /dev/null; cat /dev/null' >/dev/null 2>&1
t_run python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    for k in ("time", "pid", "exe", "syscall", "args", "verdict", "errno", "rule", "recipe"):
        assert k in e, k
    n += 1
print("lines", n)' "$EV"
t_grep "every --events line parses as JSON with all fields" "^lines [1-9]" "$T_OUT"
rm -f new.jsonl
"$CAN" run -r ./r.toml --events new.jsonl -- true
t_run stat -c %a new.jsonl
t_grep "--events creates the file 0600" "^600$" "$T_OUT"
t_expect "--events in a missing folder is a usage error (2)" 2 \
	"$CAN" run -r ./r.toml --events /nonexistent/dir/ev.jsonl -- true
t_grep "with context" "events /nonexistent/dir/ev.jsonl.*ENOENT" "$T_ERR"
t_expect "a -p spec without a sandbox port is refused" 2 "$CAN" run -p 8080 -- true
printf 'strict = true\n' >strict.toml
t_expect "-m with a recipe's strict = true is a usage error" 2 "$CAN" run -m -r ./strict.toml -- true
t_grep "naming the recipe line" "strict\.toml:1" "$T_ERR"
t_done
