#!/usr/bin/env bash
# What the session proxy's tag costs a layered client (docs/adr/0261), in
# one session, one run, as ratios to a connect outside layers:
#   bare      connect + close to a loopback listener, outside layers (not
#             trapped: the kernel alone)
#   emulated  the same from a layer whose allow_ips names 127.0.0.1
#             (the engine fetches the socket and connects for the caller)
#   tagged    connect + close to the session proxy from a proxy-only layer
#             (the same, plus SO_REUSE* cleared, bind 127.0.0.1:0,
#             getsockname and the record; the proxy then accepts and takes
#             the record)
# Run it as a user who can start a session (not root):
#   CAN=_build/core/can bench/session_proxy.sh [N]
set -eu
: "${CAN:?CAN must point at the can binary}"
CAN=$(realpath "$CAN")
n=${1:-2000}
top=$(mktemp -d /tmp/canbench-sproxy.XXXXXX)
trap 'kill $lsn 2>/dev/null; rm -rf "$top"' EXIT
state=${XDG_STATE_HOME:-$HOME/.local/state}/canister
# (the two layers are approved in $state/approved, and forgotten at the end)
cat >"$top/conn.py" <<'PY'
# conn.py PORT N: the mean of N connects (each closed with a reset, so no
# TIME_WAIT piles up on the client's ports and slows the next runs).
import socket, struct, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
rst = struct.pack("ii", 1, 0)
def one():
    s = socket.socket()
    s.connect(("127.0.0.1", port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, rst)
    s.close()
for _ in range(50):
    one()
t = time.perf_counter()
for _ in range(n):
    one()
print("%.1f" % ((time.perf_counter() - t) / n * 1e6))
PY
cat >"$top/listen.py" <<'PY'
import socket, sys
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(512)
open(sys.argv[1], "w").write("%d\n" % l.getsockname()[1])
while True:
    c, _ = l.accept(); c.close()
PY
python3 "$top/listen.py" "$top/port" &
lsn=$!
for _ in $(seq 100); do [ -s "$top/port" ] && break; sleep 0.05; done
lport=$(cat "$top/port")
mkdir -p "$top/emu" "$top/tag"
printf '[network]\negress = "none"\nallow_ips = ["127.0.0.1"]\n' >"$top/emu.toml"
printf '[network]\negress = "proxy-only"\n' >"$top/tag.toml"
printf 'use canister -r %s/emu.toml\n' "$top" >"$top/emu/.envrc"
printf 'use canister -r %s/tag.toml\n' "$top" >"$top/tag/.envrc"
export CAN top lport n
"$CAN" session -- bash -c '
ws() { for _ in $(seq 200); do grep -q -- "$1" "$CANISTER_SESSION_STATE" && return 0; sleep 0.05; done; return 1; }
for d in emu tag; do
	echo "canister 1 declare $top/$d" >"$CANISTER_SESSION_FIFO"; ws "^layer [a-z]* $top/$d	"
	(cd / && "$CAN" allow "$top/$d" >/dev/null); ws "^layer active $top/$d	"
done
ws "^proxy 127.0.0.1:" || { echo "no session proxy" >&2; exit 1; }
pport=$(sed -n "s/^proxy 127.0.0.1://p" "$CANISTER_SESSION_STATE")
# Three rounds, interleaved (the machine is shared: the load changes),
# the median of each kept.
med() { printf "%s\n" "$@" | sort -n | sed -n 2p; }
B=() E=() T=()
for _ in 1 2 3; do
	cd "$top"; B+=("$(python3 conn.py "$lport" "$n")")
	cd "$top/emu"; E+=("$(python3 "$top/conn.py" "$lport" "$n")")
	cd "$top/tag"; T+=("$(python3 "$top/conn.py" "$pport" "$n")")
done
echo "rounds (us): bare ${B[*]}; emulated ${E[*]}; tagged ${T[*]}"
b=$(med "${B[@]}") e=$(med "${E[@]}") t=$(med "${T[@]}")
cd /; for d in emu tag; do "$CAN" allow --forget "$top/$d" >/dev/null; done
printf "%-9s %8s us/connect %6s x bare\n" bare "$b" 1.00
printf "%-9s %8s us/connect %6s x bare\n" emulated "$e" "$(echo "$e $b" | awk "{printf \"%.2f\", \$1/\$2}")"
printf "%-9s %8s us/connect %6s x bare %6s x emulated\n" tagged "$t" \
	"$(echo "$t $b" | awk "{printf \"%.2f\", \$1/\$2}")" "$(echo "$t $e" | awk "{printf \"%.2f\", \$1/\$2}")"
' 2> >(grep -v "not registered" >&2)
