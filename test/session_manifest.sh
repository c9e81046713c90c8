#!/usr/bin/env bash
# `use canister NAME` in a session (issue 13, docs/session.md, ADR 0184):
# the layer is the sandbox NAME of the nearest canister.toml, and its
# approval covers the .envrc, canister.toml and the project's .canister
# recipes. Real supervisor, started as session_core.sh does.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

H=$T_HOME
TOP=$(mktemp -d /tmp/cansessm.XXXXXX)
chmod 755 "$TOP"
trap 'rm -rf "$TOP"' EXIT
unset XDG_RUNTIME_DIR CANISTER_SESSION CANISTER_SESSION_FIFO CANISTER_SESSION_SOCK CANISTER_SESSION_STATE
rm -rf "$H/.local/state/canister"
mkdir -p "$H/.ssh"
echo "FAKE-PRIVATE-KEY" >"$H/.ssh/id_x"
echo "SECRET-TWO" >"$H/secret2"
P=$TOP/proj
mkdir -p "$P/.canister"
printf 'use canister dev\n' >"$P/.envrc"
echo "project data" >"$P/data.txt"
printf '[recipe]\nname = "x"\ndescription = "project recipe"\nversion = "1"\n\n[filesystem]\nallow = []\n' >"$P/.canister/x.toml"
cat >"$P/canister.toml" <<EOF
[sandbox.dev]
description = "a session layer"
recipes = ["./.canister/x.toml"]
command = "true"
EOF
export CAN P H TOP
cd "$TOP" || exit 1

HELPERS='
declare_layer() { echo "canister 1 declare $1" >"$CANISTER_SESSION_FIFO"; }
wait_state() { for _ in $(seq 200); do grep -q -- "$1" "$CANISTER_SESSION_STATE" && return 0; sleep 0.05; done; return 1; }
approve() { (cd / && "$CAN" allow "$1" >/dev/null) && wait_state "^layer active $1"; }
'
sess() { t_run "$CAN" session -- bash -c "$HELPERS$1"; }
LAYERED='declare_layer "$P"; wait_state "^layer [a-z]* $P"; approve "$P" || echo APPROVE-FAILED
'

# --- the sandbox as a layer ---
sess "$LAYERED"'
cd "$P"; "$CAN" status; echo "rc=$?"
cat "$HOME/.ssh/id_x" 2>&1 && echo LEAK-IN-DIR
cat data.txt; echo written >new.txt && cat new.txt
echo "x" >>canister.toml 2>/dev/null && echo MANIFEST-WRITTEN
echo "x" >>.canister/x.toml 2>/dev/null && echo RECIPE-WRITTEN
cd /; cat "$HOME/.ssh/id_x" && echo outside-ok'
t_nogrep "use canister dev: approving from outside works" "APPROVE-FAILED" "$T_OUT"
t_grep "can status in the approved sandbox layer: can:proj (exit 0)" "can:proj rc=0" "$(echo "$T_OUT" | tr '\n' ' ')"
t_nogrep "cat ~/.ssh/id_x in the sandbox layer is refused" "LEAK-IN-DIR" "$T_OUT"
t_grep "... with EACCES" "id_x: Permission denied" "$T_OUT"
t_grep "legitimate work: the project's files read and written" "project data.written" "$(echo "$T_OUT" | tr '\n' '.')"
t_nogrep "canister.toml is read-only from inside the layer" "MANIFEST-WRITTEN" "$T_OUT"
t_nogrep ".canister/x.toml is read-only from inside the layer" "RECIPE-WRITTEN" "$T_OUT"
t_grep "outside the layer the same cat works" "FAKE-PRIVATE-KEY.outside-ok" "$(echo "$T_OUT" | tr '\n' '.')"

# --- editing canister.toml from outside: pending until can allow ---
sess "$LAYERED"'
cd "$P"; cat "$HOME/secret2" >/dev/null 2>&1 || echo refused-before
printf "[sandbox.dev.filesystem]\nallow = [\"%s/secret2\"]\n" "$HOME" >>"$TOP/loose.part"
(cd /; cat "$TOP/loose.part" >>"$P/canister.toml") && echo edited-outside
cd /; declare_layer "$P"; wait_state "^layer pending $P" && echo now-pending
cd "$P"; "$CAN" status; echo "st=$?"
cat "$HOME/secret2" 2>/dev/null && echo LOOSENED-WITHOUT-APPROVAL
cd /; approve "$P" && echo approved-outside
cd "$P"; cat "$HOME/secret2"'
t_grep "before: the sandbox layer refuses the file" "refused-before" "$T_OUT"
t_grep "canister.toml edited from outside" "edited-outside" "$T_OUT"
t_grep "... the layer becomes pending" "now-pending" "$T_OUT"
t_grep "... can status says pending (can:proj?, exit 3)" "can:proj\? st=3" "$(echo "$T_OUT" | tr '\n' ' ')"
t_nogrep "... and the old policy stays in force" "LOOSENED-WITHOUT-APPROVAL" "$T_OUT"
t_grep "approved from outside, the new manifest applies" "approved-outside.SECRET-TWO" "$(echo "$T_OUT" | tr '\n' '.')"

# --- a project recipe the sandbox pulls in changed: pending ---
sess "$LAYERED"'
printf "\n# changed\n" >>"$P/.canister/x.toml"
declare_layer "$P"; wait_state "^layer pending $P" && echo recipe-pending'
t_grep "a changed .canister/x.toml makes the layer pending" "recipe-pending" "$T_OUT"

# --- an approved layer whose manifest breaks keeps its approved policy ---
sess "$LAYERED"'
(cd /; printf "[sandbox.dev]\ncommand = 3\n" >"$P/canister.toml")
declare_layer "$P"; wait_state "^layer invalid $P" && echo broke-invalid
cd "$P"; cat "$HOME/.ssh/id_x" 2>&1 && echo LEAK-AFTER-BREAK'
t_grep "an approved layer whose canister.toml breaks is invalid" "broke-invalid" "$T_OUT"
t_nogrep "... and its approved policy stays in force (never no layer)" "LEAK-AFTER-BREAK" "$T_OUT"
printf '[sandbox.dev]\nrecipes = ["./.canister/x.toml"]\n' >"$P/canister.toml"

# --- an unknown sandbox name: an error state with the message ---
printf 'use canister nosuch\n' >"$P/.envrc"
sess 'declare_layer "$P"; wait_state "^layer invalid $P" && echo invalid-seen
cd "$P"; "$CAN" layers; "$CAN" status; echo "st=$?"
cat "$HOME/.ssh/id_x" 2>&1 && echo READ-INVALID'
t_grep "use canister NOSUCH: the layer is invalid" "invalid-seen" "$T_OUT"
t_grep "... can layers says why" "nosuch" "$T_OUT"
# --- mixing a sandbox name with -r: refused with a message ---
printf 'use canister dev -r default\n' >"$P/.envrc"
sess 'declare_layer "$P"; wait_state "^layer invalid $P" && echo mixed-invalid; cat "$CANISTER_SESSION_STATE"'
t_grep "use canister NAME -r R: invalid" "mixed-invalid" "$T_OUT"
t_grep "... saying a layer is one or the other" "either a sandbox of canister.toml or a list of recipes" "$T_OUT"
# --- an invalid manifest: invalid with file:line:col ---
printf 'use canister dev\n' >"$P/.envrc"
printf '[sandbox.dev]\ncommand = 3\n' >"$P/canister.toml"
sess 'declare_layer "$P"; wait_state "^layer invalid $P" && echo bad-invalid; cat "$CANISTER_SESSION_STATE"'
t_grep "an invalid canister.toml: the layer is invalid" "bad-invalid" "$T_OUT"
t_grep "... with file:line:col" "canister.toml:2:[0-9]+:" "$T_OUT"
t_done
