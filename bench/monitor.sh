#!/usr/bin/env bash
# bench/monitor.sh: what monitor mode costs on a real build, side by side in
# one hyperfine run: `make -s -j2` of this project from clean (a configured
# copy of the committed tree), three ways:
#   bare                    make on the host
#   can run                 make in the sandbox (every wall)
#   can run -m              the same under monitor mode (what
#                           `can recipe suggest` runs)
# Each run starts from `make clean` (hyperfine --prepare). Prints medians
# and the ratios to can run and to bare (issue 12's goal: -m within 1.3x of
# can run). Usage: CAN=path/to/can bench/monitor.sh [RUNS]   (default 3;
# as root it drops to $BENCH_USER, else cantest, else nobody).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CAN=${CAN:-$here/../_build/core/can}
CAN=$(cd "$(dirname "$CAN")" && pwd)/$(basename "$CAN")
RUNS=${1:-3}
if [ "$(id -u)" = 0 ]; then
	tmp=$(mktemp -d /tmp/canbench.XXXXXX)
	cp "$CAN" "$tmp/can"
	cp "$0" "$tmp/monitor.sh"
	git -C "$here/.." archive -o "$tmp/src.tar" HEAD
	chmod -R a+rX "$tmp"
	user=nobody
	id cantest >/dev/null 2>&1 && user=cantest
	user=${BENCH_USER:-$user}
	chown -R "$user" "$tmp"
	home=$(getent passwd "$user" | cut -d: -f6)
	cd "$tmp"
	exec setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups env -i \
		PATH=/usr/bin:/bin HOME="$home" BENCH_TMP="$tmp" CAN="$tmp/can" SRC_TAR="$tmp/src.tar" \
		bash "$tmp/monitor.sh" "$RUNS"
fi
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
# The copy lives under the home, not /tmp: the sandbox's /tmp is its own.
work=$(mktemp -d "$HOME/canbench-monitor.XXXXXX")
trap 'rm -rf "$work"; [ -n "${BENCH_TMP:-}" ] && rm -rf "$BENCH_TMP"' EXIT
if [ -n "${SRC_TAR:-}" ]; then
	tar xf "$SRC_TAR" -C "$work"
else
	git -C "$here/.." archive HEAD | tar x -C "$work"
fi
cd "$work"
(autoreconf -fi && ./configure -q) >/dev/null 2>&1 || { echo "cannot configure the copy" >&2; exit 1; }
make -s -j2 >/dev/null 2>&1 || { echo "the copy does not build on the host" >&2; exit 1; }
make -s clean >/dev/null
"$CAN" run -- make -s -j2 >/dev/null 2>&1 || { echo "the copy does not build under can run" >&2; exit 1; }
make -s clean >/dev/null

json=$(mktemp)
hyperfine --runs "$RUNS" --prepare 'make -s clean' --export-json "$json" \
	-n bare 'make -s -j2' \
	-n 'can run' "$CAN run -- make -s -j2" \
	-n 'can run -m' "$CAN run -m -- make -s -j2" >/dev/null 2>&1
python3 - "$json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
run = r["can run"]["median"]
bare = r["bare"]["median"]
print("%-12s %10s %10s %10s %10s" % ("", "median s", "mean s", "vs can run", "vs bare"))
for name, x in r.items():
    print("%-12s %10.2f %10.2f %9.2fx %9.2fx" % (name, x["median"], x["mean"], x["median"] / run, x["median"] / bare))
PY
rm -f "$json"
