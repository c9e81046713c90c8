#!/usr/bin/env bash
# recipes/pipx.toml with the real pipx: `pipx run` of an application (a
# wheel with a console script, built here) from a local simple index on
# the host's loopback, given by PIP_INDEX_URL with credentials (the
# token-by-environment path pipx.toml documents), through the proxy. pipx
# also tries to upgrade its shared pip from the same index, which does not
# have it; that fails and pipx goes on. The wall: pip's config and
# ~/.netrc do not exist inside, and nothing lands in ~/.local/bin.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh" "$CAN_SRCDIR/test/recipe_tools_registry.py"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need pipx python3

H=$T_HOME
rm -rf "$H/.local/share/pipx" "$H/.cache/pipx" "$H/.local/bin" "$H/.config/pip"
mkdir -p "$RT_TOP/src/hello" "$RT_TOP/app" "$H/.config/pip"
printf '[global]\nindex-url = https://u:PIPXCONF-SECRET-27@pypi.example/simple\n' >"$H/.config/pip/pip.conf"
(cd "$RT_TOP/src" &&
	printf '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "hello"\nversion = "1.0"\n[project.scripts]\nhello = "hello:main"\n' >pyproject.toml &&
	printf 'def main():\n    print("hello from pipx")\n' >hello/__init__.py &&
	python3 -m pip wheel -q --no-index --no-build-isolation --no-deps -w "$RT_TOP/wheels" . >/dev/null 2>&1)
W=$(cd "$RT_TOP/wheels" 2>/dev/null && ls hello-1.0-*.whl 2>/dev/null)
if [ -z "$W" ]; then
	t_skip "recipe_tools_pipx.sh: cannot build a wheel on this host"
	t_done
fi
R=$RT_TOP/index
mkdir -p "$R/simple/hello" "$R/files"
cp "$RT_TOP/wheels/$W" "$R/files/"
printf '<html><body><a href="../../files/%s">%s</a></body></html>\n' "$W" "$W" >"$R/simple/hello/index.html"
rt_registry "$R"
cd "$RT_TOP/app" || exit 1
# pipx runs the app from $PIPX_HOME/.cache/*/bin: an allow_execve entry.
# On a fresh account that folder does not exist before the first run, and
# an entry missing when the sandbox starts is not granted (Landlock, ADR
# 0203), even though can creates it then as an allow_write folder: the
# first pipx run would be refused. Made here as a user's earlier run would.
mkdir -p "$H/.local/share/pipx"

PIP_INDEX_URL="http://__token__:pipx-env-token-28@$RT_HOST/simple/" PIP_TRUSTED_HOST=$RT_HOST t_run \
	"$CAN" run -r python -r pipx -r "$RT_TOP/loop.toml" -- pipx run --spec hello hello
t_grep "pipx run of an application from the index given by PIP_INDEX_URL works inside" "^hello from pipx$" "$T_OUT"
t_nogrep "... with no refused program or path" "^  (exec|path) " "$T_ERR"
basic=$(printf '%s' '__token__:pipx-env-token-28' | base64)
t_logged "the credentials from PIP_INDEX_URL reached the index" "^GET /simple/hello/ auth=Basic $basic$"
t_expect "... its venvs where pipx.toml says (~/.local/share/pipx)" 0 test -d "$H/.local/share/pipx"
t_expect "nothing was put into ~/.local/bin" 0 test ! -e "$H/.local/bin"
t_hidden "$H/.config/pip/pip.conf" PIPXCONF-SECRET-27 -r python -r pipx
rm -rf "$H/.local/share/pipx" "$H/.cache/pipx" "$H/.config/pip"
t_done
