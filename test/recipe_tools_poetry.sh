#!/usr/bin/env bash
# recipes/poetry.toml with the real poetry: `poetry build` (sdist and
# wheel) and `poetry install` (a virtualenv in poetry's cache, the lock
# file written) of a project without dependencies, offline. The wall:
# ~/.config/pypoetry/auth.toml (repository passwords) does not exist
# inside while config.toml beside it is readable; POETRY_PYPI_TOKEN_PYPI,
# the token-by-environment path poetry.toml documents, reaches the run.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need poetry python3

H=$T_HOME
rm -rf "$H/.cache/pypoetry" "$H/.config/pypoetry"
mkdir -p "$H/.config/pypoetry" "$RT_TOP/app/hello"
printf '[http-basic.private]\nusername = "u"\npassword = "POETRY-HOME-SECRET-25"\n' >"$H/.config/pypoetry/auth.toml"
printf '[virtualenvs]\nprefer-active-python = false\n' >"$H/.config/pypoetry/config.toml"
cd "$RT_TOP/app" || exit 1
cat >pyproject.toml <<'T'
[tool.poetry]
name = "hello"
version = "1.0"
description = "test"
authors = ["test <test@example.invalid>"]

[tool.poetry.dependencies]
python = "^3.9"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
T
echo 'X = 42' >hello/__init__.py

t_expect "poetry build succeeds inside" 0 "$CAN" run -r python -r poetry -- poetry build
t_expect "... writing the wheel" 0 test -f dist/hello-1.0-py3-none-any.whl
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_expect "poetry install succeeds inside" 0 "$CAN" run -r python -r poetry -- poetry install
t_expect "... writing poetry.lock" 0 test -f poetry.lock
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_run "$CAN" run -r python -r poetry -- poetry run python -c 'import hello; print(hello.X)'
t_grep "poetry run imports the project from its virtualenv (in ~/.cache/pypoetry)" "^42$" "$T_OUT"

t_hidden "$H/.config/pypoetry/auth.toml" POETRY-HOME-SECRET-25 -r python -r poetry
t_visible "$H/.config/pypoetry/config.toml" -r python -r poetry
t_run env POETRY_PYPI_TOKEN_PYPI=poetry-env-token-26 "$CAN" run -r python -r poetry -- sh -c 'echo "$POETRY_PYPI_TOKEN_PYPI"'
t_grep "POETRY_PYPI_TOKEN_PYPI reaches the run" "^poetry-env-token-26$" "$T_OUT"
rm -rf "$H/.cache/pypoetry" "$H/.config/pypoetry"
t_done
