#!/usr/bin/env bash
# The seeds' own examples, exactly as a user types them (issue 15): each
# example recipe and command copied into a fresh project, run as an
# unprivileged user. For each: the command runs (where the tool is installed
# here), a temporary file it makes lands in the sandbox's private /tmp and is
# gone afterwards, nothing of the host's /tmp is visible (a planted marker),
# and an older spelling is refused with the full line to write instead, which
# pasted back makes the recipe load.
. "${CAN_SRCDIR}/test/lib.sh"
t_drop_to_user
export XDG_CONFIG_HOME="$T_HOME/cfg-seeds"
rm -rf "$XDG_CONFIG_HOME"
export PATH=/usr/local/bin:/usr/bin:/bin
marker=/tmp/can-lang-seed-marker.$$
echo host-secret >"$marker"
work=$(mktemp -d "$T_HOME/seeds.XXXXXX")
trap 'rm -rf "$work" "$marker"' EXIT

# tmp_checks WHAT: the run printed "tmpfile PATH" and "tmpdir LISTING".
tmp_checks() {
	local what=$1 f listing
	f=$(printf '%s\n' "$T_OUT" | sed -n 's/^tmpfile //p' | head -n 1)
	listing=$(printf '%s\n' "$T_OUT" | sed -n 's/^tmpdir //p' | head -n 1)
	case $f in
	/tmp/?*) t_ok "$what: its temporary file lands in /tmp ($f), not the project" ;;
	*) t_fail "$what: its temporary file lands in /tmp"; t_diag "$T_OUT" "$T_ERR" ;;
	esac
	t_grep "$what: ... and is there while it runs" "${f##*/}" "$listing"
	if [ -n "$f" ] && [ ! -e "$f" ]; then
		t_ok "$what: ... and is gone afterwards (never on the host)"
	else
		t_fail "$what: ... and is gone afterwards (never on the host)"
	fi
	t_nogrep "$what: nothing of the host's /tmp is visible (the marker)" \
		'can-lang-seed-marker' "$listing"
}

# --- seed 002: my-analysis.toml and `can run -r my-analysis.toml -- python3 analyze.py`
p=$work/analysis && mkdir -p "$p" && cd "$p" || exit 1
cat >my-analysis.toml <<'EOF'
# my-analysis.toml
[filesystem]
allow = ["/usr/lib", "/usr/bin", "/lib", "/tmp"]
deny = ["/etc/shadow", "/root"]
[network]
deny_all = true
[process]
max_pids = 32
allow_execve = ["/usr/bin/python3"]
env_passthrough = ["PATH", "LANG"]
EOF
cat >analyze.py <<'EOF'
import os, tempfile
fd, path = tempfile.mkstemp(prefix="analyze-")
os.write(fd, b"partial results\n")
os.close(fd)
print("tmpfile", path)
print("tmpdir", " ".join(sorted(os.listdir(tempfile.gettempdir()))))
EOF
t_expect "seed 002 my-analysis.toml as written: refused (exit 2)" 2 \
	"$CAN" run -r my-analysis.toml -- python3 analyze.py
t_grep "... at deny_all's position, with the full line to write" \
	"^my-analysis.toml:6:1: error: unknown key 'deny_all' in \[network\]: an older spelling; today write egress = \"none\"$" "$T_ERR"
line=$(printf '%s\n' "$T_ERR" | sed -n 's/.*today write //p')
sed -i "s/^deny_all = true\$/$line/" my-analysis.toml
t_expect "... the printed line pasted in its place: the seed's command runs" 0 \
	"$CAN" run -r my-analysis.toml -- python3 analyze.py
tmp_checks "my-analysis.toml"
t_grep "... naming /tmp warns that it is the sandbox's own" "'/tmp' is the sandbox's own private" "$T_ERR"
t_ok_if() { if eval "$2"; then t_ok "$1"; else t_fail "$1"; fi; }
t_ok_if "... and tempfile did not fall back to the project folder" \
	'[ -z "$(find "$p" -name "analyze-*")" ]'

# --- seed 002: `can run --recipe recipes/python-pip.toml -- python3 untrusted_script.py`,
# with a recipes/ folder in the project written as Canister's are.
p=$work/pip && mkdir -p "$p/recipes" && cd "$p" || exit 1
cat >recipes/python-pip.toml <<'EOF'
[recipe]
name = "python-pip"
description = "Python with pip, in the Rust Canister's style"

[filesystem]
allow = ["/usr/lib", "/usr/bin", "/lib", "/tmp"]
deny = ["/etc/shadow", "/root"]

[network]
egress = "proxy-only"
allow_domains = ["pypi.org", "files.pythonhosted.org"]

[process]
allow_execve = ["/usr/bin/python3"]
env_passthrough = ["PATH", "LANG"]
EOF
cp ../analysis/analyze.py untrusted_script.py
t_expect "seed 002 --recipe recipes/python-pip.toml (allow_domains): the command runs" 0 \
	"$CAN" run --recipe recipes/python-pip.toml -- python3 untrusted_script.py
tmp_checks "recipes/python-pip.toml"
t_grep "... allow_domains loads with one warning printing the [[host]] form" \
	"python-pip.toml:11:1: warning: 'allow_domains' in \[network\] is Canister's older spelling" "$T_ERR"

# --- seed 002: `can run -r node-build -- npm install`, then
# `can run --monitor -r node-build -- npm run build`; seed 000: `can run -r node -- npm install`.
if command -v npm >/dev/null && command -v node >/dev/null; then
	p=$work/node && mkdir -p "$p" && cd "$p" || exit 1
	cat >tmp-file.js <<'EOF'
const fs = require("fs"), os = require("os"), path = require("path");
const f = path.join(os.tmpdir(), "npm-tmp-" + Math.random().toString(36).slice(2));
fs.writeFileSync(f, "x");
console.log("tmpfile", f);
console.log("tmpdir", fs.readdirSync(os.tmpdir()).join(" "));
EOF
	cat >package.json <<'EOF'
{
  "name": "seed-example",
  "version": "1.0.0",
  "private": true,
  "scripts": {
    "postinstall": "node tmp-file.js",
    "build": "node tmp-file.js"
  }
}
EOF
	t_expect "seed 002 -r node-build -- npm install: runs (the postinstall script too)" 0 \
		"$CAN" run -r node-build -- npm install
	tmp_checks "npm install (node-build)"
	t_grep "... node-build is the Canister name, said once" "'node-build' is the Canister name" "$T_ERR"
	t_expect "seed 002 --monitor -r node-build -- npm run build: runs" 0 \
		"$CAN" run --monitor -r node-build -- npm run build
	tmp_checks "npm run build (monitor)"
	t_expect "seed 000 -r node -- npm install: runs" 0 "$CAN" run -r node -- npm install
	tmp_checks "npm install (node)"
else
	t_skip "npm is not installed here: the seeds' npm commands"
fi

# --- seed 002: `can run -r nix -r elixir -- mix test`
if command -v mix >/dev/null; then
	p=$work/mix && mkdir -p "$p/test" && cd "$p" || exit 1
	cat >mix.exs <<'EOF'
defmodule SeedExample.MixProject do
  use Mix.Project
  def project, do: [app: :seed_example, version: "0.1.0", deps: []]
end
EOF
	echo 'ExUnit.start()' >test/test_helper.exs
	cat >test/tmp_test.exs <<'EOF'
defmodule TmpTest do
  use ExUnit.Case
  test "a temporary file" do
    f = Path.join(System.tmp_dir!(), "mix-tmp-#{:rand.uniform(1_000_000_000)}")
    File.write!(f, "x")
    IO.puts("tmpfile #{f}")
    IO.puts("tmpdir #{Enum.join(File.ls!(System.tmp_dir!()), " ")}")
  end
end
EOF
	t_expect "seed 002 -r nix -r elixir -- mix test: runs" 0 "$CAN" run -r nix -r elixir -- mix test
	tmp_checks "mix test"
else
	t_skip "mix is not installed here: the seed's mix test"
fi

# --- seed 000: `can run -r python -r uv -- uv run pytest`
t_expect "seed 000 -r python -r uv: both recipes resolve" 0 "$CAN" recipe show -r python -r uv
if command -v uv >/dev/null; then
	t_skip "uv is installed, but this test has no pytest project for it yet"
else
	t_skip "uv is not installed here: the seed's uv run pytest"
fi

# Every older spelling of the seeds' example gets its full line; a control:
# the same recipe without one loads without an error.
cd "$work" || exit 1
printf '[network]\nallow_domains = ["a.example"]\ndeny_all = true\n' >both.toml
t_expect "deny_all beside allow_domains: refused" 2 "$CAN" recipe validate both.toml
t_grep "... with the full line (proxy-only, the domains being the only reach)" \
	'both.toml:3:1: error: .*today write egress = "proxy-only"$' "$T_ERR"
t_done
