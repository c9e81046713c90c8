#!/usr/bin/env bash
# recipes/elixir.toml with the real mix: `mix compile`, `mix test` and
# `mix run` of a small project (no dependencies: hex.pm is not reachable
# here). The wall: ~/.hex/hex.config (the hex.pm API key after `mix
# hex.user auth`) does not exist inside; HEX_API_KEY, the token-by-
# environment path elixir.toml documents, reaches mix.
#
# Known noise, not the recipe's: the VM looks up the sandbox's host name
# ("can", not in /etc/hosts) by DNS at start, and the connect to the host's
# name server is refused and reported; the checks below look for refused
# execs, paths and system calls only.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need mix elixir

H=$T_HOME
mkdir -p "$H/.hex" "$RT_TOP/app/lib" "$RT_TOP/app/test"
printf '{"$HOME/.hex", [{api_key, <<"hex-HOME-SECRET-17">>}]}.\n' >"$H/.hex/hex.config"
cd "$RT_TOP/app" || exit 1
cat >mix.exs <<'X'
defmodule Hello.MixProject do
  use Mix.Project
  def project, do: [app: :hello, version: "0.1.0", deps: []]
end
X
printf 'defmodule Hello do\n  def x, do: 42\nend\n' >lib/hello.ex
printf 'ExUnit.start()\n' >test/test_helper.exs
printf 'defmodule HelloTest do\n  use ExUnit.Case\n  test "x" do\n    assert Hello.x() == 42\n  end\nend\n' >test/hello_test.exs
refused_other() { t_nogrep "$1" "^  (exec|path|syscall) " "$T_ERR"; }

# --- the workload ---
t_expect "mix compile succeeds inside" 0 "$CAN" run -r elixir -- mix compile
t_grep "... generating the app" "Generated hello app" "$T_OUT"
refused_other "... with no refused exec, path or system call"
t_expect "mix test succeeds inside" 0 "$CAN" run -r elixir -- mix test
t_grep "... and the test passes" "1 test, 0 failures" "$T_OUT"
refused_other "... with no refused exec, path or system call"
t_run env HEX_API_KEY=hex-env-token-18 "$CAN" run -r elixir -- mix run -e 'IO.puts(Hello.x()); IO.puts(System.get_env("HEX_API_KEY"))'
t_grep "mix run runs the compiled code inside" "^42$" "$T_OUT"
t_grep "HEX_API_KEY reaches mix" "^hex-env-token-18$" "$T_OUT"

# --- the wall ---
t_hidden "$H/.hex/hex.config" hex-HOME-SECRET-17 -r elixir
t_visible "$RT_TOP/app/mix.exs" -r elixir
rm -rf "$H/.hex"
t_done
