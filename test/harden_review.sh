#!/usr/bin/env bash
# Review items of issue 14: `can up` says the loader's warnings when the
# manifest loads and the run goes ahead (they were printed only on failure).
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

P=$(mktemp -d /tmp/canreview.XXXXXX)
trap 'rm -rf "$P"' EXIT
cd "$P" || exit 1
cat >w.toml <<'TOML'
[recipe]
name = "w"
[filesystem]
allow = ["/tmp"]
TOML
cat >canister.toml <<'TOML'
[sandbox.w]
command = ["true"]
recipes = ["./w.toml"]

[sandbox.quiet]
command = ["true"]
TOML
t_expect "can up runs a sandbox whose recipe has a warning" 0 "$CAN" up w
t_grep "... and says the warning (a recipe naming /tmp)" "w.toml:4:[0-9]+: warning: \[filesystem\] '/tmp'" "$T_ERR"
t_expect "control: a sandbox without one runs" 0 "$CAN" up quiet
t_nogrep "... and says no warning" "warning" "$T_ERR"

# can recipe validate canister.toml checks it as a manifest.
t_expect "can recipe validate canister.toml: ok" 0 "$CAN" recipe validate canister.toml
t_grep "... as a manifest" "canister.toml: ok \(a manifest\)" "$T_OUT"
cp canister.toml other.toml
t_expect "control: the same text named other.toml is a recipe, and not a valid one" 2 \
	"$CAN" recipe validate other.toml
mkdir -p bad
printf '[sandbox.x]\ncommand = 3\n' >bad/canister.toml
t_expect "a broken canister.toml fails validation (2)" 2 "$CAN" recipe validate bad/canister.toml
t_grep "... with file:line:col and the manifest's own words" \
	"bad/canister.toml:2:[0-9]+: error: 'command' in \[sandbox.x\]" "$T_ERR"
t_done
