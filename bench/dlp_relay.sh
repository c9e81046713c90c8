#!/usr/bin/env bash
# What DLP costs honest transfers through the egress proxy, in one run:
# a 32 MiB text upload (scanned as a stream, its last window held until the
# scan passed, ADR 0146), against CAN_BASE (another build, e.g. one without
# the hold) when given; and downloads of 64 MiB of random bytes and 32 MiB
# of text with and without canary_tokens (responses scanned for canaries,
# ADR 0147). Best of 3 seconds each; the origins are python's on loopback.
# Run it as a normal user (can refuses nothing here). Nothing is asserted.
#   CAN=_build/core/can [CAN_BASE=/path/to/other/can] bench/dlp_relay.sh
set -eu
: "${CAN:?CAN must point at the can binary}"
CAN=$(realpath "$CAN")
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d "${TMPDIR:-/tmp}/candlprelay.XXXXXX")
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; rm -rf "$W"' EXIT
cd "$W"
python3 -c "
import random
r = random.Random(1)
w = 'build log step done artifact cache layer commit branch merge test pass module package'.split()
open('up.txt', 'w').write(' '.join(r.choice(w) for _ in range(6000000))[:32 << 20])"
head -c $((64 << 20)) /dev/urandom >down.bin
python3 "$HERE/../test/dlp_server.py" serve "$W/port" /dev/null &
PIDS+=($!)
DP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server -b 127.0.0.1 -d "$W" "$DP" >/dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ -s port ] && curl -s -o /dev/null "http://127.0.0.1:$DP/" && break; sleep 0.1; done
UP=host.canister.local:$(cat port) DOWN=host.canister.local:$DP
printf '[network]\negress = "proxy-only"\nallow_host_loopback = true\n' >plain.toml
printf '%s\n' '[network]' 'egress = "proxy-only"' 'allow_host_loopback = true' '[network.dlp]' \
	'canary_tokens = true' >canary.toml
# best BIN RECIPE URL [CURL-ARGS...]: the best of 3 total times, in seconds
best() {
	local bin=$1 r=$2 url=$3 t b=
	shift 3
	for _ in 1 2 3; do
		t=$("$bin" run -r "./$r" -- curl -sS -o /dev/null -w '%{time_total}' "$@" "$url")
		b=$(python3 -c "print(min(float('$t'), float('${b:-1e9}')))")
	done
	echo "$b"
}
printf '%-44s %s\n' "transfer" "seconds (best of 3)"
printf '%-44s %s\n' "upload 32 MiB text, this build" "$(best "$CAN" plain.toml "http://$UP/up" -T up.txt)"
if [ -n "${CAN_BASE:-}" ]; then
	printf '%-44s %s\n' "upload 32 MiB text, CAN_BASE" "$(best "$(realpath "$CAN_BASE")" plain.toml "http://$UP/up" -T up.txt)"
fi
for f in down.bin up.txt; do
	for r in plain canary; do
		printf '%-44s %s\n' "download $f, $r" "$(best "$CAN" $r.toml "http://$DOWN/$f")"
	done
done
