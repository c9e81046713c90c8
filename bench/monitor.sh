#!/usr/bin/env bash
# bench/monitor.sh: what monitor mode costs on a real build, side by side in
# one run: `make -s -j2` of this project from clean (a configured copy of
# the committed tree), three ways:
#   bare                    make on the host
#   can run                 make in the sandbox (every wall)
#   can run -m              the same under monitor mode (what
#                           `can recipe suggest` runs)
# Each run starts from `make clean`; the rounds interleave the three.
# Prints medians and the ratios to can run and to bare (issue 12's goal: -m within 1.3x of
# can run). Usage: CAN=path/to/can bench/monitor.sh [RUNS]   (default 3;
# as root it drops to $BENCH_USER, else cantest, else nobody). With
# CAN_BEFORE=path/to/another/can a fourth way, "-m before", runs that
# build's monitor mode in the same rounds (a before/after on a shared
# machine, ADR 0206).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CAN=${CAN:-$here/../_build/core/can}
CAN=$(cd "$(dirname "$CAN")" && pwd)/$(basename "$CAN")
RUNS=${1:-3}
if [ "$(id -u)" = 0 ]; then
	tmp=$(mktemp -d /tmp/canbench.XXXXXX)
	cp "$CAN" "$tmp/can"
	[ -n "${CAN_BEFORE:-}" ] && cp "$CAN_BEFORE" "$tmp/can-before"
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
		${CAN_BEFORE:+CAN_BEFORE="$tmp/can-before"} \
		bash "$tmp/monitor.sh" "$RUNS"
fi
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

# Interleaved rounds, not hyperfine's one command after the other: on a
# machine shared with other builds the load drifts, and a drift must hit
# the three ways alike. Each round runs them in a rotating order.
names=("bare" "can run" "can run -m")
cmds=("make -s -j2" "$CAN run -- make -s -j2" "$CAN run -m -- make -s -j2")
if [ -n "${CAN_BEFORE:-}" ]; then
	names+=("-m before")
	cmds+=("$CAN_BEFORE run -m -- make -s -j2")
fi
ways=${#names[@]}
times=$(mktemp)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$RUNS"); do
	for k in $(seq 0 $((ways - 1))); do
		i=$(((k + round) % ways))
		make -s clean >/dev/null
		t0=$(date +%s.%N)
		sh -c "${cmds[$i]}" >/dev/null 2>&1 || { echo "${names[$i]} failed" >&2; exit 1; }
		t1=$(date +%s.%N)
		echo "$i $t0 $t1" >>"$times"
	done
done
python3 - "$times" "$RUNS" "$ways" <<'PY'
import statistics, sys
names = ["bare", "can run", "can run -m", "-m before"][:int(sys.argv[3])]
t = {i: [] for i in range(len(names))}
for line in open(sys.argv[1]):
    i, a, b = line.split()
    t[int(i)].append(float(b) - float(a))
med = {i: statistics.median(v) for i, v in t.items()}
low = {i: min(v) for i, v in t.items()}
# On a shared machine the minimum is the run least disturbed by others:
# both ratios are printed.
print("make -s -j2 of this project from clean, %s interleaved rounds" % sys.argv[2])
print("%-12s %9s %9s %13s %13s %10s" % ("", "median s", "min s", "med/can run", "min/can run", "min/bare"))
for i in range(len(names)):
    print("%-12s %9.2f %9.2f %12.2fx %12.2fx %9.2fx" % (names[i], med[i], low[i], med[i] / med[1], low[i] / low[1], low[i] / low[0]))
PY
echo "load average at the start: $load0, at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$times"
