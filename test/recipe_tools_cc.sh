#!/usr/bin/env bash
# recipes/cc.toml, make (cc), cmake.toml, ninja.toml, meson.toml and
# ccache.toml with the real tools: a small C project built with make,
# cmake (Unix Makefiles and Ninja), meson + ninja, and ccache, whose cache
# in ~/.cache/ccache outlives the sandbox (a second run hits it). Each
# built program runs. None of these recipes has credential files of its
# own: the wall checked is base's (~/.ssh, ~/.netrc), which a build's
# scripts must not read either. No run reports a refusal.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need make gcc

H=$T_HOME
mkdir -p "$H/.ssh"
printf 'FAKE-KEY-SECRET-13\n' >"$H/.ssh/id_ed25519"
rm -rf "$H/.cache/ccache"
cd "$RT_TOP" || exit 1
printf '#include <stdio.h>\nint main(void) { puts("hello from C"); return 0; }\n' >hello.c
printf 'hello: hello.c\n\t$(CC) $(CFLAGS) -o $@ hello.c\n' >Makefile
printf 'cmake_minimum_required(VERSION 3.13)\nproject(h C)\nadd_executable(hello hello.c)\n' >CMakeLists.txt
cat >meson.build <<'M'
project('h', 'c')
executable('hello', 'hello.c')
M
ran() { t_grep "$1" "^hello from C$" "$("$2" 2>&1)"; }

# --- the workloads ---
CFLAGS=-O2 t_expect "make (cc) succeeds inside" 0 "$CAN" run -r cc -- make
t_grep "... with CFLAGS passed through" "-O2" "$T_OUT"
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
ran "... and the program runs" ./hello

if command -v cmake >/dev/null; then
	t_expect "cmake configure + build (make) succeeds inside" 0 \
		"$CAN" run -r cc -r cmake -- sh -c 'cmake -S . -B b-cmake && cmake --build b-cmake'
	t_nogrep "... with no refusal" "can: refused" "$T_ERR"
	ran "... and the program runs" ./b-cmake/hello
else
	t_skip "cmake is not installed"
fi
if command -v cmake >/dev/null && command -v ninja >/dev/null; then
	t_expect "cmake -G Ninja + build succeeds inside" 0 \
		"$CAN" run -r cc -r cmake -r ninja -- sh -c 'cmake -G Ninja -S . -B b-ninja && cmake --build b-ninja'
	t_nogrep "... with no refusal" "can: refused" "$T_ERR"
	ran "... and the program runs" ./b-ninja/hello
else
	t_skip "cmake or ninja is not installed"
fi
if command -v meson >/dev/null && command -v ninja >/dev/null; then
	t_expect "meson setup + meson compile (ninja) succeeds inside" 0 \
		"$CAN" run -r cc -r meson -r ninja -- sh -c 'meson setup b-meson && meson compile -C b-meson'
	t_nogrep "... with no refusal" "can: refused" "$T_ERR"
	ran "... and the program runs" ./b-meson/hello
else
	t_skip "meson or ninja is not installed"
fi
if command -v ccache >/dev/null; then
	t_expect "a compile through ccache succeeds inside" 0 \
		"$CAN" run -r cc -r ccache -- sh -c 'ccache -z && ccache gcc -c hello.c -o c1.o'
	t_nogrep "... with no refusal" "can: refused" "$T_ERR"
	rm -f c1.o
	t_expect "the same compile in a second sandbox succeeds" 0 \
		"$CAN" run -r cc -r ccache -- sh -c 'ccache -z && ccache gcc -c hello.c -o c1.o && ccache --print-stats'
	t_grep "... from the cache the first run filled (~/.cache/ccache)" "^(direct_cache_hit|cache_hit_direct)[[:space:]]+1$" "$T_OUT"
else
	t_skip "ccache is not installed"
fi

# --- the wall ---
t_hidden "$H/.ssh/id_ed25519" FAKE-KEY-SECRET-13 -r cc -r cmake -r meson -r ninja -r ccache
t_visible "$RT_TOP/hello.c" -r cc -r cmake -r meson -r ninja -r ccache
rm -rf "$H/.ssh" "$H/.cache/ccache"
t_done
