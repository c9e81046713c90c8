#!/usr/bin/env bash
# recipes/python.toml + venv.toml + pip.toml with the real tools: `python3
# -m venv` inside, `pip install --no-index --find-links` of a wheel built
# in the test, then the same package from a local simple index (PEP 503,
# served on the host's loopback) with the credentials given by
# PIP_INDEX_URL, the token-by-environment path pip.toml documents. The
# wall: ~/.pypirc, ~/.netrc and ~/.config/pip/pip.conf do not exist inside
# and pip does not read them. No run reports a refusal.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh" "$CAN_SRCDIR/test/recipe_tools_registry.py"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need python3
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
	t_skip "recipe_tools_pip.sh: python3-venv is not installed"
	t_done
fi

H=$T_HOME
P=$RT_TOP/app
mkdir -p "$RT_TOP/src/hello" "$P"
# The wheel, built here by pip from a pyproject project.
(cd "$RT_TOP/src" &&
	printf '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n[project]\nname = "hello"\nversion = "1.0"\n' >pyproject.toml &&
	echo 'X = 42' >hello/__init__.py &&
	python3 -m pip wheel -q --no-index --no-build-isolation --no-deps -w "$P/wheels" . >/dev/null 2>&1)
W=$(cd "$P/wheels" && ls hello-1.0-*.whl 2>/dev/null)
if [ -z "$W" ]; then
	t_skip "recipe_tools_pip.sh: cannot build a wheel on this host (python3-setuptools, python3-wheel)"
	t_done
fi
# Credential files a hostile setup.py would look for.
mkdir -p "$H/.config/pip"
printf '[pypi]\nusername = __token__\npassword = pypi-HOME-SECRET-2\n' >"$H/.pypirc"
printf 'machine pypi.org login x password NETRC-SECRET-3\n' >"$H/.netrc"
printf '[global]\nindex-url = https://u:PIPCONF-SECRET-4@pypi.example/simple\n' >"$H/.config/pip/pip.conf"
cd "$P" || exit 1
PIP=(-r python -r venv -r pip)

# --- the workload ---
t_expect "python3 -m venv .venv succeeds inside (ensurepip included)" 0 \
	"$CAN" run -r python -r venv -- python3 -m venv .venv
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_expect "pip install --no-index --find-links of the local wheel succeeds inside" 0 \
	"$CAN" run "${PIP[@]}" -- .venv/bin/pip install --no-index --find-links wheels hello
t_grep "... installing it" "Successfully installed hello-1.0" "$T_OUT"
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_run "$CAN" run -r python -r venv -- .venv/bin/python -c 'import hello; print(hello.X)'
t_grep "the venv's python imports it inside" "^42$" "$T_OUT"

# The same package from a local index, the credentials by environment.
R=$RT_TOP/index
mkdir -p "$R/simple/hello" "$R/files"
cp "wheels/$W" "$R/files/"
printf '<html><body><a href="../../files/%s">%s</a></body></html>\n' "$W" "$W" >"$R/simple/hello/index.html"
rt_registry "$R"
PIP_INDEX_URL="http://__token__:pypi-env-token-5@$RT_HOST/simple/" PIP_TRUSTED_HOST=$RT_HOST t_expect \
	"pip install from an index given by PIP_INDEX_URL succeeds inside" 0 \
	"$CAN" run "${PIP[@]}" -r "$RT_TOP/loop.toml" -- .venv/bin/pip install --force-reinstall hello
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
basic=$(printf '%s' '__token__:pypi-env-token-5' | base64)
t_logged "the credentials from PIP_INDEX_URL reached the index" "^GET /simple/hello/ auth=Basic $basic$"
t_logged "... and the wheel came from it" "^GET /files/$W"

# --- the wall ---
t_hidden "$H/.pypirc" pypi-HOME-SECRET-2 "${PIP[@]}"
t_hidden "$H/.netrc" NETRC-SECRET-3 "${PIP[@]}"
t_hidden "$H/.config/pip/pip.conf" PIPCONF-SECRET-4 "${PIP[@]}"
t_visible "$P/.venv/pyvenv.cfg" "${PIP[@]}"
t_run .venv/bin/pip config list
t_grep "control: pip on the host reads ~/.config/pip/pip.conf" "PIPCONF-SECRET-4" "$T_OUT"
t_run "$CAN" run "${PIP[@]}" -- .venv/bin/pip config list
t_nogrep "pip inside does not" "PIPCONF-SECRET-4" "$T_OUT$T_ERR"
rm -rf "$H/.pypirc" "$H/.netrc" "$H/.config/pip"
t_done
