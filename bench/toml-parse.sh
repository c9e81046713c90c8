#!/usr/bin/env bash
# Times can's TOML reader on 10 MB generated documents, side by side with
# Python's tomllib on the same files (a reference point, not a target).
# Usage: bench/toml-parse.sh [BUILDDIR]   (default _build; run .ci/build first)
# Prints one row per document: bytes, can ms, tomllib ms, can/tomllib ratio.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
lib=$build/core/libcan.a
[ -f "$lib" ] || { echo "toml-parse.sh: $lib missing: run .ci/build first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/time_toml.c" <<'EOF'
#include "lang/toml.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
/* Best of three runs of toml_parse on the whole file, in milliseconds. */
int main(int argc, char **argv)
{
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		return 2;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *b = malloc((size_t)n);
	if (fread(b, 1, (size_t)n, f) != (size_t)n)
		return 2;
	fclose(f);
	double best = 1e9;
	for (int r = 0; r < 3; r++) {
		struct timespec a, z;
		struct diags d = { 0 };
		clock_gettime(CLOCK_MONOTONIC, &a);
		struct toml_table *t = toml_parse(argv[1], b, (size_t)n, &d);
		clock_gettime(CLOCK_MONOTONIC, &z);
		if (!t) {
			diags_print(&d, stderr);
			return 1;
		}
		toml_free(t);
		diags_free(&d);
		double ms = (double)(z.tv_sec - a.tv_sec) * 1e3 + (double)(z.tv_nsec - a.tv_nsec) / 1e6;
		if (ms < best)
			best = ms;
	}
	printf("%.1f\n", best);
	free(b);
	return 0;
}
EOF
cc -O2 -std=gnu11 -I"$top/core" -I"$build" "$tmp/time_toml.c" "$lib" -lm -o "$tmp/time_toml"

python3 - "$tmp" <<'EOF'
import sys
tmp = sys.argv[1]
size = 10 << 20
def write(name, gen):
    parts, n = [], 0
    for line in gen():
        parts.append(line)
        n += len(line)
        if n >= size:
            break
    with open(f"{tmp}/{name}.toml", "w") as f:
        f.write("".join(parts))
def count():
    i = 0
    while True:
        yield i
        i += 1
write("keys", lambda: (f'key_{i} = "value {i}"\n' for i in count()))
write("tables", lambda: (f"[t{i}]\nx = {i}\n" for i in count()))
write("array-of-tables", lambda: ("[[a]]\nx = 1\n" for _ in count()))
write("dotted-keys", lambda: (f"a.b.c.k{i} = {i}\n" for i in count()))
write("float-array", lambda: (["a = ["] + ["1.5e3, "] * ((size - 16) // 7) + ["]\n"]))
write("strings-with-escapes", lambda: (f's{i} = "tab\\there \\u00e9 \\"q\\""\n' for i in count()))
write("comments", lambda: ("# " + "c" * 100 + "\n" for _ in count()))
EOF

printf '%-22s %10s %10s %12s %8s\n' document bytes can_ms tomllib_ms ratio
for f in "$tmp"/*.toml; do
	name=$(basename "$f" .toml)
	bytes=$(stat -c %s "$f")
	can=$("$tmp/time_toml" "$f")
	py=$(python3 -c '
import sys, time, tomllib
data = open(sys.argv[1], "rb").read()
best = 1e9
for _ in range(3):
    a = time.perf_counter(); tomllib.loads(data.decode()); best = min(best, time.perf_counter() - a)
print(f"{best * 1e3:.1f}")' "$f")
	ratio=$(awk -v a="$can" -v b="$py" 'BEGIN { printf "%.3f", a / b }')
	printf '%-22s %10s %10s %12s %8s\n' "$name" "$bytes" "$can" "$py" "$ratio"
done
