#!/usr/bin/env bash
# bench/degraded.sh: the no-namespace mode (can run --allow-degraded=userns,
# docs/adr/0240) against the full sandbox and the bare command, side by side
# in one hyperfine run: a small C build (N files, make -B -j2) and a
# start-up (/bin/true). User namespaces are made to fail for the degraded
# run only, by test/userns_exhausted. Prints medians and ratios to the full
# sandbox.
# Usage: CAN=_build/core/can UX=_build/test/userns_exhausted bench/degraded.sh [RUNS] [FILES]
# As root it drops to $CAN_TEST_USER (default cantest) when it exists, else nobody.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CAN=${CAN:-$here/../_build/core/can}
UX=${UX:-$here/../_build/test/userns_exhausted}
RUNS=${1:-10}
FILES=${2:-40}
if [ "$(id -u)" = 0 ]; then
	tmp=$(mktemp -d /tmp/canbench.XXXXXX)
	cp "$CAN" "$tmp/can"
	cp "$UX" "$tmp/ux"
	cp "$0" "$tmp/degraded.sh"
	chmod -R a+rX "$tmp"
	user=nobody
	id "${CAN_TEST_USER:-cantest}" >/dev/null 2>&1 && user=${CAN_TEST_USER:-cantest}
	chown -R "$user" "$tmp"
	cd "$tmp"
	home=$(getent passwd "$user" | cut -d: -f6)
	exec setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups env -i \
		PATH=/usr/bin:/bin HOME="$home" CAN="$tmp/can" UX="$tmp/ux" \
		bash "$tmp/degraded.sh" "$RUNS" "$FILES"
fi
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
proj=$(mktemp -d "${TMPDIR:-/tmp}/candegbench.XXXXXX")
trap 'rm -rf "$proj"' EXIT
cd "$proj"
for i in $(seq "$FILES"); do
	printf '#include <stdio.h>\n#include <string.h>\nint f%d(const char *s) { return (int)strlen(s) + %d; }\n' "$i" "$i" >"f$i.c"
done
printf 'int main(void) { return 0; }\n' >main.c
{
	printf 'OBJS = main.o'
	for i in $(seq "$FILES"); do printf ' f%d.o' "$i"; done
	printf '\nprog: $(OBJS)\n\tcc -o $@ $(OBJS)\n%%.o: %%.c\n\tcc -O1 -c $<\n'
} >Makefile
deg="$UX $CAN run --allow-degraded=userns"
out=$(mktemp)
hyperfine -N -w 2 -r "$RUNS" --export-json "$out" \
	-n bare "make -s -B -j2" \
	-n full "$CAN run -- make -s -B -j2" \
	-n degraded "$deg -- make -s -B -j2" \
	-n true-full "$CAN run -- /bin/true" \
	-n true-degraded "$deg -- /bin/true" >/dev/null 2>&1
python3 - "$out" "$FILES" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"C build, {sys.argv[2]} files, make -B -j2 (median):")
for k in ("bare", "full", "degraded"):
    print(f"  {k:9s} {r[k]*1000:8.1f} ms  {r[k]/r['full']:5.2f}x of full")
print("can run -- /bin/true (median):")
for k in ("true-full", "true-degraded"):
    print(f"  {k:13s} {r[k]*1000:8.1f} ms  {r[k]/r['true-full']:5.2f}x of full")
PY
rm -f "$out"
