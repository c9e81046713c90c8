#!/usr/bin/env bash
# Monitor round trips with real projects (issue 12): `can recipe suggest --
# CMD` writes a recipe from one monitored run, and `can run -r
# ./suggested.toml -- CMD` on a fresh copy then passes with nothing refused.
# Three projects: a Python one (a venv and a pip install from a local
# wheel), a Node one (npm install from a local registry on the host's
# loopback) and this project's own build (configure and make -j2 of the
# source tree).
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
# This project's source, as committed, for the third round trip.
if [ "${CAN_TEST_DROPPED:-}" != 1 ]; then
	SRC_TAR=${CAN_BUILDDIR:-/tmp}/test/recipe_tools_suggest_src.tar
	mkdir -p "$(dirname "$SRC_TAR")"
	git -C "$CAN_SRCDIR" archive -o "$SRC_TAR" HEAD 2>/dev/null || { rm -f "$SRC_TAR"; SRC_TAR=; }
fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh" "$CAN_SRCDIR/test/recipe_tools_registry.py" \
	${SRC_TAR:+"$SRC_TAR"}
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"

# round_trip NAME SETUP CMD: runs SETUP (a shell function making a fresh
# project in the current folder), suggests a recipe for CMD there, makes a
# fresh project again and runs CMD with only the suggested recipe (and the
# layers in RT_LAYERS, -r options every run gets: the local registry's).
RT_LAYERS=()
round_trip() {
	local name=$1 setup=$2
	shift 2
	"$setup"
	t_run "$CAN" recipe suggest "${RT_LAYERS[@]}" -- "$@"
	if [ "$T_RC" = 0 ]; then
		t_ok "$name: the monitored run succeeds under can recipe suggest"
	else
		t_fail "$name: the monitored run succeeds under can recipe suggest (exit $T_RC)"
		t_diag "stderr: $T_ERR"
	fi
	printf '%s\n' "$T_OUT" >"$RT_TOP/$name.toml"
	t_diag "$name: suggested: $(grep -v '^#' "$RT_TOP/$name.toml" | tr '\n\t' '  ')"
	t_expect "$name: the suggested recipe validates" 0 "$CAN" recipe validate "$RT_TOP/$name.toml"
	rt_not_wide "$name" "$RT_TOP/$name.toml"
	"$setup"
	t_run "$CAN" run "${RT_LAYERS[@]}" -r "$RT_TOP/$name.toml" -- "$@"
	if [ "$T_RC" = 0 ]; then
		t_ok "$name: can run -r suggested.toml succeeds"
	else
		t_fail "$name: can run -r suggested.toml succeeds (exit $T_RC)"
		t_diag "recipe: $(cat "$RT_TOP/$name.toml")" "stderr: $T_ERR"
	fi
	t_nogrep "$name: ... with nothing refused" "can: (refused|monitor)" "$T_ERR"
}

# rt_not_wide NAME FILE: the suggested recipe names no shared folder
# ($HOME, ~/.cache, ~/.config, ~/.local/share, /, /usr, /etc) and no
# credential file (ADR 0205).
rt_not_wide() {
	local wide
	wide=$(grep -E '^[[:space:]]*"(\$HOME|\$HOME/\.cache|\$HOME/\.config|\$HOME/\.local|\$HOME/\.local/share|/|/usr|/etc|/home|/opt)",' "$2")
	if [ -z "$wide" ]; then
		t_ok "$1: ... names no shared folder"
	else
		t_fail "$1: ... names no shared folder"
		t_diag "$wide"
	fi
	t_nogrep "$1: ... and no credential file" '"\$HOME/(\.npmrc|\.netrc|\.ssh|\.pypirc|\.git-credentials)' "$(cat "$2")"
}

# --- a Python project ---
mkdir -p "$RT_TOP/py/src/hello"
(cd "$RT_TOP/py/src" &&
	printf '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "hello"\nversion = "1.0"\n' >pyproject.toml &&
	echo 'X = 42' >hello/__init__.py &&
	python3 -m pip wheel -q --no-index --no-build-isolation --no-deps -w "$RT_TOP/py/wheels" . >/dev/null 2>&1)
py_setup() { rm -rf "$RT_TOP/py/app" && mkdir -p "$RT_TOP/py/app" && cp -r "$RT_TOP/py/wheels" "$RT_TOP/py/app/" && cd "$RT_TOP/py/app"; }
if ls "$RT_TOP/py/wheels"/hello-*.whl >/dev/null 2>&1; then
	round_trip python py_setup sh -c 'python3 -m venv .venv && .venv/bin/pip install --no-index --find-links wheels hello && .venv/bin/python -c "import hello; print(hello.X)"'
	t_grep "python: ... and the installed package works" "^42$" "$T_OUT"
else
	t_skip "python: cannot build a wheel on this host"
fi

# --- a Node project ---
# A lockfile project whose dependency is a packed tarball in the project
# (file:), with a postinstall script: `npm ci` needs no registry. (With a
# registry the round trip does not hold today: the proxy's refusal and its
# patch go to stderr, not into the suggested recipe.)
if command -v npm >/dev/null; then
	mkdir -p "$RT_TOP/src/local" "$RT_TOP/nodeseed/vendor"
	(cd "$RT_TOP/src/local" &&
		cat >package.json <<'J' &&
{"name":"local","version":"1.0.0","main":"index.js",
 "scripts":{"postinstall":"node -e \"require('fs').writeFileSync('postinstall.ran','yes')\""}}
J
		echo 'module.exports = 42;' >index.js &&
		npm pack --silent >/dev/null && mv local-1.0.0.tgz "$RT_TOP/nodeseed/vendor/")
	(cd "$RT_TOP/nodeseed" &&
		echo '{"name":"app","version":"1.0.0","dependencies":{"local":"file:vendor/local-1.0.0.tgz"}}' >package.json &&
		npm install --offline --no-audit >/dev/null 2>&1 && rm -rf node_modules)
	node_setup() {
		rm -rf "$RT_TOP/node" "$T_HOME/.npm" && cp -r "$RT_TOP/nodeseed" "$RT_TOP/node" && cd "$RT_TOP/node"
	}
	round_trip node node_setup npm ci --offline --no-audit
	t_expect "node: ... and the postinstall script ran" 0 test -f node_modules/local/postinstall.ran
else
	t_skip "node: npm is not installed"
fi
# --- a make/C project with ccache: two rounds ---
# 40 files compiled through ccache with an empty cache. Monitor mode only
# observes (ADR 0200): inside, ccache's mkdir in ~/.cache/ccache fails and
# the build stops there, so the first recipe knows the cache (writable, as
# one folder however many files: ADR 0205) but not the compiler behind it.
# Suggesting again with the first recipe sees the rest; the two together
# then build with nothing refused. Every file the build touched in the
# cache is covered by the one entry "$HOME/.cache/ccache".
if command -v ccache >/dev/null && command -v gcc >/dev/null && command -v make >/dev/null; then
	mkdir -p "$RT_TOP/cseed/src"
	for i in $(seq 40); do echo "int f$i(void) { return $i; }" >"$RT_TOP/cseed/src/f$i.c"; done
	echo 'int main(void) { return 0; }' >"$RT_TOP/cseed/src/main.c"
	printf 'OBJS := $(patsubst %%.c,%%.o,$(wildcard src/*.c))
app: $(OBJS)
	ccache gcc -o $@ $^
%%.o: %%.c
	ccache gcc -c -o $@ $<
' \
		>"$RT_TOP/cseed/Makefile"
	c_setup() { rm -rf "$RT_TOP/c" && cp -r "$RT_TOP/cseed" "$RT_TOP/c" && cd "$RT_TOP/c"; }
	rm -rf "$T_HOME/.cache/ccache" "$T_HOME/.ccache"
	c_setup
	"$CAN" recipe suggest -- make -s -j2 >"$RT_TOP/c1.toml" 2>"$RT_TOP/c1.err"
	t_grep "c: round 1 names the cache, writable, as one folder" \
		'allow_write = \[[^]]*"\$HOME/\.cache/ccache",' "$(tr -d '\n\t' <"$RT_TOP/c1.toml")"
	t_nogrep "c: ... not ~/.ccache, which ccache only probes" '\.ccache"' "$(cat "$RT_TOP/c1.toml")"
	rt_not_wide c1 "$RT_TOP/c1.toml"
	RT_LAYERS=(-r "$RT_TOP/c1.toml")
	round_trip c c_setup make -s -j2
	RT_LAYERS=()
	t_expect "c: ... and the program was built" 0 test -x app
	n=$(find "$T_HOME/.cache/ccache" -type f 2>/dev/null | wc -l)
	if [ "$n" -ge 40 ]; then
		t_ok "c: ccache wrote $n files in its cache from inside, all under the one entry"
	else
		t_fail "c: ccache wrote its cache from inside (found $n files)"
	fi
	rm -rf "$T_HOME/.cache/ccache"
else
	t_skip "c: ccache, gcc or make is not installed"
fi

# --- a name looked up without a proxy ---
# The sandbox has no name server: the query to the host's (resolv.conf) is
# refused. The suggestion is the egress proxy, not an allow_ips entry for a
# name server the sandbox cannot reach anyway.
if grep -q '^nameserver' /etc/resolv.conf 2>/dev/null; then
	mkdir -p "$RT_TOP/dns" && cd "$RT_TOP/dns" || exit 1
	t_run "$CAN" recipe suggest -- python3 -c 'import socket
try:
    socket.getaddrinfo("pypi.org", 443)
except OSError as e:
    print("no name:", e)'
	printf '%s\n' "$T_OUT" >"$RT_TOP/dns.toml"
	t_grep "dns: a name looked up gets the egress proxy suggested" '^egress = "proxy-only"$' "$T_OUT"
	t_nogrep "dns: ... not the name server in allow_ips" "allow_ips" "$T_OUT"
	t_expect "dns: ... and the recipe validates" 0 "$CAN" recipe validate "$RT_TOP/dns.toml"
else
	t_skip "dns: no name server in /etc/resolv.conf"
fi

# --- this project's own build ---
# Dropped to the test user, the archive was copied next to this script.
SRC_TAR=${SRC_TAR:-$CAN_SRCDIR/recipe_tools_suggest_src.tar}
if [ -f "$SRC_TAR" ] && command -v autoreconf >/dev/null && command -v make >/dev/null; then
	can_setup() {
		rm -rf "$RT_TOP/can-src" && mkdir -p "$RT_TOP/can-src" && cd "$RT_TOP/can-src" && tar xf "$SRC_TAR"
	}
	round_trip "this-project" can_setup sh -c 'autoreconf -fi && ./configure -q && make -s -j2'
	t_expect "this-project: ... and the can it built runs" 0 test -x core/can
else
	t_skip "this-project: no source archive (git archive) or no autoreconf/make"
fi
t_done
