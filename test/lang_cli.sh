#!/usr/bin/env bash
# The recipe language from the command line (issues 12, 16): what `can
# recipe show` prints is a recipe `can run -r` accepts; always-refused
# syscalls are a load error that does not point at dropping the filter, and
# ptrace stays refused inside (ADR 0165).
. "${CAN_SRCDIR}/test/lib.sh"
t_drop_to_user
export XDG_CONFIG_HOME="$T_HOME/cfg-lang-cli"
rm -rf "$XDG_CONFIG_HOME"
export PATH=/usr/local/bin:/usr/bin:/bin
work=$(mktemp -d "$T_HOME/langcli.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# --- round trip: show -r node > mine.toml, then run -r ./mine.toml
t_run "$CAN" recipe show -r node
printf '%s\n' "$T_OUT" >mine.toml
t_expect "show -r node > mine.toml: validate accepts it as a user recipe" 0 "$CAN" recipe validate mine.toml
t_expect "can run -r ./mine.toml works" 0 "$CAN" run -r ./mine.toml -- node -e 'console.log("round-trip")'
t_grep "... and the command ran" '^round-trip$' "$T_OUT"
t_is_empty() { if [ -z "$2" ]; then t_ok "$1"; else t_fail "$1"; t_diag "$2"; fi; }
t_is_empty "... with no warning or error" "$T_ERR"
# A user editing the printed policy gets a recipe: add a syscall.
sed -i 's/^seccomp_mode = /allow_extra = ["mlock"]\nseccomp_mode = /' mine.toml
t_expect "the printed policy, edited (allow_extra added), still loads" 0 "$CAN" recipe validate mine.toml
t_run "$CAN" recipe show -r ./mine.toml
t_grep "... and its policy has the addition" '"mlock",' "$T_OUT"
t_run "$CAN" recipe show -r node
printf '%s\n' "$T_OUT" | sed 's/^# allow: .*/allow = ["read"]/' >abs.toml
t_expect "control: a complete [syscalls] allow in a user file is still refused" 2 "$CAN" recipe validate abs.toml

# --- always-refused syscalls: a load error at their position
printf '[syscalls]\nallow_extra = ["mlock", "ptrace"]\n' >trace.toml
t_expect "allow_extra = [\"ptrace\"]: can run refuses the recipe (exit 2)" 2 "$CAN" run -r ./trace.toml -- /bin/true
t_grep "... at file:line:col, with the reason" "trace.toml:2:25: error: 'allow_extra' in \[syscalls\]: 'ptrace' is always refused: it reads and writes" "$T_ERR"
t_nogrep "... never suggesting --allow-degraded=seccomp" 'allow-degraded' "$T_ERR"
printf '[syscalls]\nallow_extra = ["mlock"]\n' >mlock.toml
t_expect "control: an allowable extra runs" 0 "$CAN" run -r ./mlock.toml -- /bin/true

# --- ptrace inside a run is refused (the decision of ADR 0165)
if command -v python3 >/dev/null; then
	t_run "$CAN" run -- python3 -c 'import ctypes, os; libc = ctypes.CDLL(None, use_errno=True); r = libc.ptrace(0, 0, 0, 0); print(r, os.strerror(ctypes.get_errno()))'
	t_grep "ptrace(PTRACE_TRACEME) inside a run fails with EPERM" '^-1 Operation not permitted$' "$T_OUT"
else
	t_skip "python3 is not installed: ptrace inside a run"
fi
t_done
