#!/usr/bin/env bash
# bench/supervisor.sh: what the session supervisor costs, side by side in one
# run, as ratios to bare:
#   opens   N open+close of a file (python3), bare / in a session outside any
#           layer (trapped, answered CONTINUE) / inside an approved layer
#           with Landlock-at-exec (python3 is exec'd into the layer and
#           gets its domain: its reads are answered CONTINUE and decided by
#           the kernel) and with emulation only (--no-landlock-at-exec:
#           every open copied, resolved, opened, ADDFD)
#   execs   N/20 fork+exec+wait of /bin/true from bash, same places (each
#           exec into the layer is armed and traced with Landlock-at-exec)
#   status  `can status` in a layer, per call, next to /bin/true
# Usage: CAN=path/to/can bench/supervisor.sh [N]   (as root it drops to the
# user cantest-sesscore, or cantest, or nobody).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CAN=${CAN:-$here/../_build/core/can}
CAN=$(cd "$(dirname "$CAN")" && pwd)/$(basename "$CAN")
N=${1:-20000}
if [ "$(id -u)" = 0 ]; then
	tmp=$(mktemp -d /tmp/canbench.XXXXXX)
	cp "$CAN" "$tmp/can"
	cp "$0" "$tmp/supervisor.sh"
	chmod -R a+rX "$tmp"
	user=nobody
	for u in ${CAN_TEST_USER:-} cantest-sesscore cantest; do id "$u" >/dev/null 2>&1 && { user=$u; break; }; done
	chown -R "$user" "$tmp"
	cd "$tmp"
	home=$(getent passwd "$user" | cut -d: -f6)
	exec setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups env -i \
		PATH=/usr/bin:/bin HOME="$home" CAN="$tmp/can" bash "$tmp/supervisor.sh" "$N"
fi
command -v python3 >/dev/null || { echo "bench/supervisor.sh: needs python3"; exit 1; }
work=$(mktemp -d /tmp/canbench-proj.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/proj"
printf 'use canister\n' >"$work/proj/.envrc"
echo data >"$work/proj/file"
export CAN N work
unset CANISTER_SESSION XDG_RUNTIME_DIR
opens='import time,sys
f=sys.argv[1]; n=int(sys.argv[2]); t=time.perf_counter()
for i in range(n): open(f).close()
print("%.3f" % ((time.perf_counter()-t)*1e6/n))'
execs='s=$(date +%s%N); for ((i=0;i<N/20;i++)); do /bin/true; done; e=$(date +%s%N); echo "scale=1; ($e-$s)/1000/($N/20)" | bc'
status='s=$(date +%s%N); for ((i=0;i<200;i++)); do "$CAN" status >/dev/null; done; e=$(date +%s%N); echo "scale=1; ($e-$s)/1000/200" | bc'
truth='s=$(date +%s%N); for ((i=0;i<200;i++)); do /bin/true; done; e=$(date +%s%N); echo "scale=1; ($e-$s)/1000/200" | bc'
cd "$work/proj"
bare_open=$(python3 -c "$opens" file "$N")
bare_exec=$(bash -c "$execs")
inside='
cd /; o1=$(python3 -c "$0" "$work/proj/file" "$N"); e1=$(bash -c "$1")
echo "canister 1 declare $work/proj" >"$CANISTER_SESSION_FIFO"
for _ in $(seq 100); do grep -q "^layer [a-z]* $work/proj" "$CANISTER_SESSION_STATE" && break; sleep 0.05; done
"$CAN" allow "$work/proj" >/dev/null
cd "$work/proj"; o2=$(python3 -c "$0" file "$N"); e2=$(bash -c "$1")
s=$(bash -c "$2"); t=$(bash -c "$3")
echo "$o1 $e1 $o2 $e2 $s $t"'
read -r out_open out_exec in_open in_exec st tr < <("$CAN" session -- bash -c "$inside" "$opens" "$execs" "$status" "$truth")
read -r _ _ em_open em_exec _ _ < <("$CAN" session --no-landlock-at-exec -- bash -c "$inside" "$opens" "$execs" "$status" "$truth")
ratio() { echo "scale=2; $1/$2" | bc; }
printf '%-44s %10s %8s\n' "" "us/call" "x bare"
printf '%-44s %10s %8s\n' "open+close, bare" "$bare_open" 1.00
printf '%-44s %10s %8s\n' "open+close, session, no layer" "$out_open" "$(ratio "$out_open" "$bare_open")"
printf '%-44s %10s %8s\n' "open+close, in a layer, landlock-at-exec" "$in_open" "$(ratio "$in_open" "$bare_open")"
printf '%-44s %10s %8s\n' "open+close, in a layer, emulation" "$em_open" "$(ratio "$em_open" "$bare_open")"
printf '%-44s %10s %8s\n' "fork+exec+wait, bare" "$bare_exec" 1.00
printf '%-44s %10s %8s\n' "fork+exec+wait, session, no layer" "$out_exec" "$(ratio "$out_exec" "$bare_exec")"
printf '%-44s %10s %8s\n' "fork+exec+wait, in a layer, landlock-at-exec" "$in_exec" "$(ratio "$in_exec" "$bare_exec")"
printf '%-44s %10s %8s\n' "fork+exec+wait, in a layer, emulation" "$em_exec" "$(ratio "$em_exec" "$bare_exec")"
printf '%-44s %10s %8s\n' "can status in a layer (x /bin/true)" "$st" "$(ratio "$st" "$tr")"
