#!/usr/bin/env bash
# The prompt hook's cost per prompt (docs/adr/0221-prompt-hook-writes-without-waiting.md):
# the hook as shipped (a builtin write to the FIFO opened read-write), side
# by side with the alternatives it was chosen over, in one run, as ratios
# to an empty prompt function:
#   empty        a PROMPT_COMMAND function that does nothing
#   hook         __canister_prompt from `can hook bash` (and fish's)
#   timeout      `timeout 1 sh -c 'printf ... >FIFO'` (a bounded blocking write)
#   can-exec     one exec of can per prompt (what a C helper would cost)
#   direnv       the peer: direnv's own prompt hook (_direnv_hook), which
#                execs direnv at every prompt, in a directory without .envrc
# and the rc file's cost at shell start, bash -c with nothing, with
# `eval "$(direnv hook bash)"` (the peer) and with `eval "$(can hook bash)"`.
# Usage: CAN=_build/core/can bench/hook_prompt.sh [N]
set -eu
: "${CAN:?CAN must point at the can binary}"
n=${1:-2000}
tmp=$(mktemp -d)
trap 'exec 9>&-; kill $reader 2>/dev/null; rm -rf "$tmp"' EXIT
mkfifo -m 600 "$tmp/fifo"
exec 9<>"$tmp/fifo"
cat <&9 >/dev/null &
reader=$!
CANISTER_SESSION=$$ CANISTER_SESSION_FIFO=$tmp/fifo CAN=$CAN N=$n bash -c '
eval "$("$CAN" hook bash)"
us() { echo $(( (${2/./} - ${1/./}) / $3 )); }
empty() { :; }
t0=$EPOCHREALTIME; for ((i = 0; i < N; i++)); do empty; done; e=$(us "$t0" "$EPOCHREALTIME" "$N")
t0=$EPOCHREALTIME; for ((i = 0; i < N; i++)); do __canister_prompt; done; h=$(us "$t0" "$EPOCHREALTIME" "$N")
m=$((N / 10))
t0=$EPOCHREALTIME; for ((i = 0; i < m; i++)); do timeout 1 sh -c "printf \"canister 1 refresh\\n\" >\"\$1\"" _ "$CANISTER_SESSION_FIFO"; done; t=$(us "$t0" "$EPOCHREALTIME" "$m")
t0=$EPOCHREALTIME; for ((i = 0; i < m; i++)); do "$CAN" hook bash >/dev/null; done; c=$(us "$t0" "$EPOCHREALTIME" "$m")
d=-1
if command -v direnv >/dev/null; then
	eval "$(direnv hook bash)"
	t0=$EPOCHREALTIME; for ((i = 0; i < m; i++)); do _direnv_hook; done; d=$(us "$t0" "$EPOCHREALTIME" "$m")
fi
[ "$e" -gt 0 ] || e=1
printf "%-10s %8s us/prompt  %8s x empty\n" empty "$e" 1
printf "%-10s %8s us/prompt  %8s x empty\n" hook "$h" "$((h / e))"
printf "%-10s %8s us/prompt  %8s x empty  %6s x hook\n" timeout "$t" "$((t / e))" "$((t / (h > 0 ? h : 1)))"
printf "%-10s %8s us/prompt  %8s x empty  %6s x hook\n" can-exec "$c" "$((c / e))" "$((c / (h > 0 ? h : 1)))"
[ "$d" -ge 0 ] && printf "%-10s %8s us/prompt  %8s x empty  %6s x hook\n" direnv "$d" "$((d / e))" "$((d / (h > 0 ? h : 1)))"
m=$((N / 20))
st() { local t0=$EPOCHREALTIME; for ((i = 0; i < m; i++)); do bash --norc --noprofile -c "$1"; done; us "$t0" "$EPOCHREALTIME" "$m"; }
b=$(st :)
[ "$b" -gt 0 ] || b=1
c=$(st "eval \"\$(\"$CAN\" hook bash)\"")
printf "%-10s %8s us/start   %8s x bare\n" bare "$b" 1
if command -v direnv >/dev/null; then
	d=$(st "eval \"\$(direnv hook bash)\"")
	printf "%-10s %8s us/start   %8s x bare  (direnv hook bash)\n" rc-direnv "$d" "$(awk -v a="$d" -v b="$b" "BEGIN { printf \"%.2f\", a / b }")"
fi
printf "%-10s %8s us/start   %8s x bare  (can hook bash, in a session)\n" rc-can "$c" "$(awk -v a="$c" -v b="$b" "BEGIN { printf \"%.2f\", a / b }")"
'
if command -v fish >/dev/null; then
	CANISTER_SESSION=$$ CANISTER_SESSION_FIFO=$tmp/fifo fish -c "
		\"$CAN\" hook fish | source
		set t0 (date +%s%N); for i in (seq $n); __canister_prompt; end; set t1 (date +%s%N)
		printf '%-10s %8s us/prompt\n' fish-hook (math --scale=0 \"(\$t1 - \$t0) / $n / 1000\")"
fi
