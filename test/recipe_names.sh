#!/usr/bin/env bash
# Recipe names as users type them (issues 15, 16): NAME.toml is a file,
# aliases, tool:NAME, a project's .canister/ (confined to the project),
# checksums.toml is not a recipe, private /tmp for a named /tmp, -v.
. "${CAN_SRCDIR}/test/lib.sh"
t_drop_to_user
proj=$(mktemp -d "$T_HOME/proj.XXXXXX")
cd "$proj" || exit 1
export XDG_CONFIG_HOME="$T_HOME/cfg"
mkdir -p "$XDG_CONFIG_HOME/canister/recipes"

printf '[recipe]\ndescription = "mine"\n[filesystem]\nallow = ["/opt/marker-mine"]\n' >my-analysis.toml
t_expect "-r my-analysis.toml (no '/') loads the file in the cwd" 0 "$CAN" recipe show -r my-analysis.toml
t_grep "... it is that file" '/opt/marker-mine' "$T_OUT"
cp my-analysis.toml my-analysis
t_expect "control: a bare name is never a file in the cwd" 2 "$CAN" recipe show -r my-analysis
t_grep "... it is looked up as a recipe name" "recipe 'my-analysis' not found" "$T_ERR"

t_expect "the seeds' name python-pip resolves (an alias)" 0 "$CAN" recipe show -r python-pip
t_grep "... to python and pip" 'pip' "$T_OUT"
t_grep "... with a warning naming what it stands for" 'python-pip' "$T_ERR"
t_expect "tool: without a name is a usage error" 2 "$CAN" recipe show -r tool:
t_grep "... that says how to write it" "tool:npm" "$T_ERR"
t_expect "tool:a/b is refused" 2 "$CAN" recipe show -r tool:a/b
t_expect "tool:npm finds the npm recipe" 0 "$CAN" recipe show -r tool:npm

# checksums.toml in the user's folder is not a recipe, and a broken file
# that is only scanned does not stop runs.
printf 'not = [valid\n' >"$XDG_CONFIG_HOME/canister/recipes/checksums.toml"
printf '[network]\nfrobnicate = 1\n' >"$XDG_CONFIG_HOME/canister/recipes/broken.toml"
t_expect "a broken scanned recipe does not stop can run" 0 "$CAN" run -- /bin/true
t_grep "... it is named once in a warning" 'broken.toml' "$T_ERR"
t_nogrep "checksums.toml is not read as a recipe" 'checksums' "$T_ERR"
t_expect "-r of the broken recipe is still exit 2" 2 "$CAN" run -r broken -- /bin/true
t_grep "... with its position" 'broken.toml:2:' "$T_ERR"
rm -f "$XDG_CONFIG_HOME/canister/recipes/broken.toml" "$XDG_CONFIG_HOME/canister/recipes/checksums.toml"

# A project's own .canister/ recipe: found last, confined to the project.
mkdir -p .canister
printf '[filesystem]\nallow_write = ["%s/out"]\n' "$proj" >.canister/local.toml
t_expect "a .canister/ recipe naming project paths loads" 0 "$CAN" recipe show -r local
t_grep "... with a warning that it is the project's" 'canister' "$T_ERR"
printf '[network]\negress = "direct"\n' >.canister/open.toml
t_expect "a .canister/ recipe may not open the network" 2 "$CAN" recipe show -r open
printf '[filesystem]\nallow = ["%s/.ssh"]\n' "$T_HOME" >.canister/reach.toml
t_expect "a .canister/ recipe may not name paths outside the project" 2 "$CAN" recipe show -r reach
t_grep "... and says so" 'outside the project' "$T_ERR"
printf '[recipe]\ndescription = "planted"\n' >.canister/python.toml
t_expect "a .canister/ recipe cannot replace a shipped name" 0 "$CAN" recipe show -r python
t_nogrep "... python is still the shipped one" 'planted' "$T_OUT"
rm -rf .canister

# /tmp named in allow is the sandbox's own private folder (issue 15).
marker=/tmp/can-host-marker.$$
echo host >"$marker"
printf '[filesystem]\nallow = ["/tmp"]\n' >tmp.toml
t_run "$CAN" run -r ./tmp.toml -- /bin/sh -c 'ls /tmp; echo inside >/tmp/made-inside.'"$$"'; cat /tmp/made-inside.'"$$"
t_ok_if() { if eval "$2"; then t_ok "$1"; else t_fail "$1"; t_diag "$T_OUT" "$T_ERR"; fi; }
t_ok_if "with /tmp in allow the run works and /tmp is writable inside" '[ "$T_RC" = 0 ] && printf "%s" "$T_OUT" | grep -q "^inside$"'
t_nogrep "... the host's /tmp is not visible inside" 'can-host-marker' "$T_OUT"
t_ok_if "... what was written there is gone (not on the host)" '[ ! -e /tmp/made-inside.$$ ]'
t_grep "... and the recipe gets a warning once" '/tmp' "$T_ERR"
rm -f "$marker"

t_expect "-v runs" 0 "$CAN" run -v -- /bin/true
t_grep "-v names the recipes loaded" 'base' "$T_ERR"
t_grep "-v lists the mounts" '/usr' "$T_ERR"
t_expect "control: without -v, can run is quiet" 0 "$CAN" run -- /bin/true
t_is_empty() { if [ -z "$2" ]; then t_ok "$1"; else t_fail "$1"; t_diag "$2"; fi; }
t_is_empty "... nothing on stderr" "$T_ERR"
cd / && rm -rf "$proj"
t_done
