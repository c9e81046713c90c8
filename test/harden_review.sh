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
t_done
