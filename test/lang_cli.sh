#!/usr/bin/env bash
# The recipe language from the command line (issues 12, 16): what `can
# recipe show` prints is a recipe `can run -r` accepts; always-refused
# syscalls are a load error that does not point at dropping the filter, and
# ptrace stays refused inside (ADR 0165).
. "${CAN_SRCDIR}/test/lib.sh"
t_drop_to_user
export XDG_CONFIG_HOME="$T_HOME/cfg-lang-cli"
rm -rf "$XDG_CONFIG_HOME"
export PATH=/usr/local/bin:/usr/bin:/bin
work=$(mktemp -d "$T_HOME/langcli.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# --- round trip: show -r node > mine.toml, then run -r ./mine.toml
t_run "$CAN" recipe show -r node
printf '%s\n' "$T_OUT" >mine.toml
t_expect "show -r node > mine.toml: validate accepts it as a user recipe" 0 "$CAN" recipe validate mine.toml
t_expect "can run -r ./mine.toml works" 0 "$CAN" run -r ./mine.toml -- node -e 'console.log("round-trip")'
t_grep "... and the command ran" '^round-trip$' "$T_OUT"
t_is_empty() { if [ -z "$2" ]; then t_ok "$1"; else t_fail "$1"; t_diag "$2"; fi; }
t_is_empty "... with no warning or error" "$T_ERR"
# A user editing the printed policy gets a recipe: add a syscall.
sed -i 's/^seccomp_mode = /allow_extra = ["mlock"]\nseccomp_mode = /' mine.toml
t_expect "the printed policy, edited (allow_extra added), still loads" 0 "$CAN" recipe validate mine.toml
t_run "$CAN" recipe show -r ./mine.toml
t_grep "... and its policy has the addition" '"mlock",' "$T_OUT"
t_run "$CAN" recipe show -r node
printf '%s\n' "$T_OUT" | sed 's/^# allow: .*/allow = ["read"]/' >abs.toml
t_expect "control: a complete [syscalls] allow in a user file is still refused" 2 "$CAN" recipe validate abs.toml

# --- always-refused syscalls: a load error at their position
printf '[syscalls]\nallow_extra = ["mlock", "ptrace"]\n' >trace.toml
t_expect "allow_extra = [\"ptrace\"]: can run refuses the recipe (exit 2)" 2 "$CAN" run -r ./trace.toml -- /bin/true
t_grep "... at file:line:col, with the reason" "trace.toml:2:25: error: 'allow_extra' in \[syscalls\]: 'ptrace' is always refused: it reads and writes" "$T_ERR"
t_nogrep "... never suggesting --allow-degraded=seccomp" 'allow-degraded' "$T_ERR"
printf '[syscalls]\nallow_extra = ["mlock"]\n' >mlock.toml
t_expect "control: an allowable extra runs" 0 "$CAN" run -r ./mlock.toml -- /bin/true

# --- ptrace inside a run is refused (the decision of ADR 0165)
if command -v python3 >/dev/null; then
	t_run "$CAN" run -- python3 -c 'import ctypes, os; libc = ctypes.CDLL(None, use_errno=True); r = libc.ptrace(0, 0, 0, 0); print(r, os.strerror(ctypes.get_errno()))'
	t_grep "ptrace(PTRACE_TRACEME) inside a run fails with EPERM" '^-1 Operation not permitted$' "$T_OUT"
else
	t_skip "python3 is not installed: ptrace inside a run"
fi
# --- a recipe in Canister's style: allow_domains loads, warns once, and
# show prints the [[host]] form, which loads without a warning (issue 16)
R=$XDG_CONFIG_HOME/canister/recipes
mkdir -p "$R"
cat >"$R/pipc.toml" <<'EOT'
[recipe]
description = "pip, as Canister writes it"
[network]
allow_domains = ["pypi.org", "files.pythonhosted.org"]
EOT
t_expect "a Canister recipe with allow_domains validates" 0 "$CAN" recipe validate "$R/pipc.toml"
t_grep "... with a warning at the key" "pipc.toml:4:1: warning: 'allow_domains' in \[network\] is Canister's older spelling" "$T_ERR"
t_grep "... that prints the replacement TOML" '^    domain = "files.pythonhosted.org"$' "$T_ERR"
t_expect "can run without it runs" 0 "$CAN" run -- /bin/true
t_nogrep "... and says nothing of a recipe it only scanned" 'allow_domains' "$T_ERR"
t_expect "can run -r pipc runs" 0 "$CAN" run -r pipc -- /bin/true
t_ok_if() { if eval "$2"; then t_ok "$1"; else t_fail "$1"; t_diag "$T_ERR"; fi; }
t_ok_if "... warning once for the file" '[ "$(grep -c "allow_domains" <<<"$T_ERR")" = 1 ]'
t_run "$CAN" recipe show -r pipc
printf '%s\n' "$T_OUT" >shown.toml
t_grep "show prints the [[host]] form" '^domain = "pypi.org"$' "$T_OUT"
t_grep "... with the relaxed contract" '^contract_mode = "relaxed"$' "$T_OUT"
t_nogrep "... and not the old key" 'allow_domains' "$T_OUT"
t_expect "the shown form loads" 0 "$CAN" recipe validate shown.toml
t_is_empty "... without a warning" "$T_ERR"
rm -f "$R/pipc.toml"

# --- can recipe list: the baseline line, auto-detected recipes, grants
mkdir -p "$R" .canister
printf '[recipe]\ndescription = "mine"\nmatch_prefix = ["/opt/mine/"]\n[filesystem]\nallow_write = ["/opt/w"]\n[[host]]\ndomain = "a.example"\n' >"$R/mine.toml"
printf '[recipe]\ndescription = "plain"\n' >"$R/plain.toml"
printf '[recipe]\ndescription = "project"\nmatch_prefix = ["/opt/p/"]\n' >.canister/proj.toml
t_expect "recipe list exits 0" 0 "$CAN" recipe list
t_grep "list starts with the baseline's syscall counts" '^default: [0-9]{3} syscalls allowed, [0-9]+ always refused' "$(head -n 1 <<<"$T_OUT")"
t_grep "... the built-in node is marked auto-detected" '^node +built-in +auto ' "$T_OUT"
t_grep "... a user recipe with match_prefix is too" '^mine +user +auto mine$' "$T_OUT"
t_grep "... one without is not" '^plain +user +plain$' "$T_OUT"
t_grep "... nor a project's own, which is never auto-detected" '^proj +project +project$' "$T_OUT"
t_grep "... base is not" '^base +built-in +Paths' "$T_OUT"
t_grep "... what a recipe grants, in one line" '^ +grants: writes /opt/w; hosts a.example$' "$T_OUT"
t_grep "... nothing beyond the baseline said so" '^ +grants: nothing beyond the baseline$' "$T_OUT"
rm -rf "$R/mine.toml" "$R/plain.toml" .canister

# --- can recipe show CMD: the policy can run -- CMD gets (auto-detection too)
if command -v node >/dev/null; then
	t_expect "recipe show node -e 1 (a bare command) exits 0" 0 "$CAN" recipe show node -e 1
	shown=$(sed -n 's/^# recipe: //p' <<<"$T_OUT")
	t_grep "... node is auto-detected" '^node \(built-in, auto-detected' "$shown"
	t_grep "... and the command is named with its arguments" "^# the policy of 'can run -- node -e 1'" "$T_OUT"
	t_expect "can run -v -- node -e 1" 0 "$CAN" run -v -- node -e 1
	ran=$(sed -n 's/^can: recipe: //p' <<<"$T_ERR")
	t_ok_if "... show's recipes are exactly the ones can run loads" '[ -n "$ran" ] && [ "$shown" = "$ran" ]'
	t_run "$CAN" recipe show -r npm -- node -e 1
	shown=$(sed -n 's/^# recipe: //p' <<<"$T_OUT")
	t_run "$CAN" run -v -r npm -- node -e 1
	ran=$(sed -n 's/^can: recipe: //p' <<<"$T_ERR")
	t_ok_if "... with -r as well" '[ -n "$ran" ] && [ "$shown" = "$ran" ]'
	t_run "$CAN" recipe show -r python -- node -e 1
	t_ok_if "control: another -r gives another list" '[ "$(sed -n "s/^# recipe: //p" <<<"$T_OUT")" != "$ran" ]'
else
	t_skip "node is not installed: recipe show CMD against can run -v"
fi
# --- variables of the user's environment in paths (ADR 0164)
gp=$T_HOME/go-lang-cli
rm -rf "$gp"
mkdir -p "$gp/pkg" "$T_HOME/.ssh"
echo FAKE-KEY-LANG >"$T_HOME/.ssh/id_lang_test"
printf '[filesystem]\nallow_write = ["$GOPATH/pkg"]\n' >gopath.toml
t_expect "control: without the recipe the sandbox cannot write \$GOPATH/pkg" 2 \
	"$CAN" run -- /bin/sh -c "echo made >$gp/pkg/f"
t_expect "allow_write = [\"\$GOPATH/pkg\"] with GOPATH set: the write works" 0 \
	env GOPATH="$gp" "$CAN" run -r ./gopath.toml -- /bin/sh -c "echo made >$gp/pkg/f"
t_grep "... and the file is on the host" '^made$' "$(cat "$gp/pkg/f" 2>/dev/null)"
t_expect "GOPATH unset: the recipe is refused (exit 2)" 2 env -u GOPATH "$CAN" run -r ./gopath.toml -- /bin/true
t_grep "... at its position, with the clear error" 'gopath.toml:2:16: error: .allow_write. in \[filesystem\]: variable \$GOPATH is not set' "$T_ERR"
t_expect "GOPATH empty: refused" 2 env GOPATH= "$CAN" run -r ./gopath.toml -- /bin/true
t_grep "... saying it is empty" 'variable \$GOPATH is set but empty' "$T_ERR"
t_expect "GOPATH relative: refused" 2 env GOPATH=tok-3f9a1c "$CAN" run -r ./gopath.toml -- /bin/true
t_nogrep "... without printing the value" 'tok-3f9a1c' "$T_ERR"
t_expect "GOPATH=/: refused" 2 env GOPATH=/ "$CAN" run -r ./gopath.toml -- /bin/true
printf '[filesystem]\nallow = ["$KEYS/.ssh"]\n' >keys.toml
t_run env KEYS="$T_HOME" "$CAN" run -r ./keys.toml -- /bin/cat "$T_HOME/.ssh/id_lang_test"
t_nogrep "a variable pointing at \$HOME/.ssh cannot undo base's deny" 'FAKE-KEY-LANG' "$T_OUT"
printf '[process]\nenv = { X = "$GOPATH" }\n' >envvar.toml
t_expect "a host variable in an env value is refused (it would bypass env_passthrough)" 2 \
	env GOPATH="$gp" "$CAN" recipe validate envvar.toml
rm -rf "$gp" "$T_HOME/.ssh/id_lang_test"
t_done
