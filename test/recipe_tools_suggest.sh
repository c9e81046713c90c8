#!/usr/bin/env bash
# Monitor round trips with real projects (issue 12): `can recipe suggest --
# CMD` writes a recipe from one monitored run, and `can run -r
# ./suggested.toml -- CMD` on a fresh copy then passes with nothing refused.
# Three kinds of project: Python (a venv, a pip install from a local
# wheel, then the project's tests with python -m unittest), Node (npm ci of
# a file: dependency; npm ci from a local registry on the host's loopback
# through the egress proxy, then the project's test script) and C (a
# ccache build, and this project's own configure and make -j2).
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
# The app: its tests import the installed package and write a report in
# the project (python -m unittest, the standard library's runner).
mkdir -p "$RT_TOP/py/seed/tests"
cat >"$RT_TOP/py/seed/tests/test_hello.py" <<'PY'
import pathlib
import unittest

import hello


class HelloTest(unittest.TestCase):
    def test_answer(self):
        self.assertEqual(hello.X, 42)

    def test_writes_in_project(self):
        out = pathlib.Path("build/report.txt")
        out.parent.mkdir(exist_ok=True)
        out.write_text("X=%d\n" % hello.X)
        self.assertEqual(out.read_text(), "X=42\n")
PY
py_setup() {
	rm -rf "$RT_TOP/py/app" && cp -r "$RT_TOP/py/seed" "$RT_TOP/py/app" &&
		cp -r "$RT_TOP/py/wheels" "$RT_TOP/py/app/" && cd "$RT_TOP/py/app"
}
if ls "$RT_TOP/py/wheels"/hello-*.whl >/dev/null 2>&1; then
	round_trip python py_setup sh -c 'python3 -m venv .venv && .venv/bin/pip install --no-index --find-links wheels hello && .venv/bin/python -c "import hello; print(hello.X)" && .venv/bin/python -m unittest discover -s tests -v'
	t_grep "python: ... and the installed package works" "^42$" "$T_OUT"
	t_grep "python: ... and its unittest run passes" "^OK$" "$T_ERR"
	t_grep "python: ... both tests ran" "^Ran 2 tests" "$T_ERR"
	t_expect "python: ... the test wrote its report in the project" 0 test -s build/report.txt
else
	t_skip "python: cannot build a wheel on this host"
fi

# --- a Node project ---
# A lockfile project whose dependency is a packed tarball in the project
# (file:), with a postinstall script: `npm ci` needs no registry. The one
# after it fetches from a registry.
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

	# npm ci from a registry, then the project's test script: the
	# package "dep" from the local registry (host.canister.local through
	# the egress proxy; the loopback layer every run gets, since monitor
	# never relaxes an address check, ADR 0204) with an empty cache each
	# time, so the rerun fetches again through what the recipe allows.
	# Two rounds, as for ccache below: under -m npm's mkdir of ~/.npm
	# fails inside (monitor only observes) and npm stops there, so round 1
	# names the cache and round 2, with it, sees the fetch and the test.
	rt_npm_registry
	mkdir -p "$RT_TOP/npmseed/test"
	tgz=$RT_TOP/registry/dep/-/dep-1.0.0.tgz
	integrity=sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)
	(cd "$RT_TOP/npmseed" &&
		cat >package.json <<J &&
{"name":"app","version":"1.0.0","scripts":{"test":"node test/dep.test.js"},
 "dependencies":{"dep":"^1.0.0"}}
J
		cat >package-lock.json <<J &&
{"name":"app","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{
 "":{"name":"app","version":"1.0.0","dependencies":{"dep":"^1.0.0"}},
 "node_modules/dep":{"version":"1.0.0","resolved":"http://$RT_HOST/dep/-/dep-1.0.0.tgz","integrity":"$integrity"}}}
J
		printf 'registry=http://%s/\n' "$RT_HOST" >.npmrc &&
		cat >test/dep.test.js <<'J')
const assert = require("assert");
assert.strictEqual(require("dep"), 42);
require("fs").writeFileSync("test/passed", "yes");
console.log("dep test passed");
J
	npm_setup() {
		rm -rf "$RT_TOP/npmapp" "$T_HOME/.npm" && cp -r "$RT_TOP/npmseed" "$RT_TOP/npmapp" &&
			cd "$RT_TOP/npmapp" && : >"$RT_LOG"
	}
	npm_setup
	"$CAN" recipe suggest -r "$RT_TOP/loop.toml" -- sh -c 'npm ci --no-audit && npm test' \
		>"$RT_TOP/n1.toml" 2>"$RT_TOP/n1.err"
	t_grep "node-registry: round 1 names npm's cache, writable" \
		'allow_write = \[[^]]*"\$HOME/\.npm",' "$(tr -d '\n\t' <"$RT_TOP/n1.toml")"
	RT_LAYERS=(-r "$RT_TOP/loop.toml" -r "$RT_TOP/n1.toml")
	round_trip node-registry npm_setup sh -c 'npm ci --no-audit && npm test'
	RT_LAYERS=()
	t_grep "node-registry: ... the rerun fetched the tarball from the registry" \
		"^GET /dep/-/dep-1.0.0.tgz " "$(cat "$RT_LOG")"
	t_grep "node-registry: ... and the project's test script passed" "^dep test passed$" "$T_OUT"
	t_expect "node-registry: ... (its mark is in the project)" 0 test -f test/passed
	t_nogrep "node-registry: ... and the proxy refused nothing" "proxy: refused" "$T_ERR"
	# Control: the rerun passes because the suggestions are complete:
	# without their node entry, the pinned programs refuse node.
	grep -v '"/usr/bin/node"' "$RT_TOP/n1.toml" >"$RT_TOP/n1-less.toml"
	grep -v '"/usr/bin/node"' "$RT_TOP/node-registry.toml" >"$RT_TOP/node-registry-less.toml"
	npm_setup
	t_run "$CAN" run -r "$RT_TOP/loop.toml" -r "$RT_TOP/n1-less.toml" -r "$RT_TOP/node-registry-less.toml" -- \
		sh -c 'npm ci --no-audit && npm test'
	if [ "$T_RC" != 0 ] && printf '%s' "$T_ERR" | grep -q "refused"; then
		t_ok "node-registry: control: without the suggested node entry the rerun is refused"
	else
		t_fail "node-registry: control: without the suggested node entry the rerun is refused (exit $T_RC)"
	fi
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
