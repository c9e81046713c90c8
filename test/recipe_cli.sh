# can recipe: help, usage errors, show/explain/validate on the shipped recipes.
. "${CAN_SRCDIR}/test/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Only the built-in recipes, whatever the machine has installed.
export CAN_RECIPE_PATH="" XDG_CONFIG_HOME="$tmp/cfg"

t_expect "help recipe exits 0" 0 "$CAN" help recipe
t_grep "help recipe starts with Usage:" '^Usage: can recipe' "$T_OUT"
t_grep "help recipe names every subcommand" 'validate FILE' "$T_OUT"
t_expect "recipe --help exits 0" 0 "$CAN" recipe --help
t_expect "recipe without a subcommand is a usage error" 2 "$CAN" recipe
t_expect "unknown subcommand is a usage error" 2 "$CAN" recipe frob
t_grep "unknown subcommand names itself" "unknown subcommand 'frob'" "$T_ERR"
t_expect "unknown flag is a usage error" 2 "$CAN" recipe show --frob
t_grep "unknown flag gives a hint" "Try 'can help recipe'" "$T_ERR"
t_expect "-r without a value is a usage error" 2 "$CAN" recipe show -r
t_grep "-r without a value says so" "needs a value" "$T_ERR"
t_expect "--json is only for show" 2 "$CAN" recipe explain --json
t_expect "an operand to show is the command, as can run -- CMD" 0 "$CAN" recipe show node
t_grep "... whose recipes are auto-detected" '^# recipe: node \(built-in, auto-detected: ' "$T_OUT"
t_expect "a command both with -c and as an operand is a usage error" 2 "$CAN" recipe show -c node node
t_expect "validate without files is a usage error" 2 "$CAN" recipe validate

t_expect "list exits 0" 0 "$CAN" recipe list
for r in base default node npm python pip; do
	t_grep "list shows $r as built-in" "^$r +built-in " "$T_OUT"
done

t_expect "show -r node exits 0" 0 "$CAN" recipe show -r node
t_grep "show -r node has node's paths" '"/usr/share/nodejs",' "$T_OUT"
t_grep "show always includes base" '"/etc/ld.so.cache",' "$T_OUT"
t_grep "show always includes default (its syscall lists, named)" "^# allow: the built-in default's [0-9]+ syscalls" "$T_OUT"
t_nogrep "... not printed as a key a user recipe may not set" '^(allow|deny) = \[$' "$(sed -n '/^\[syscalls\]/,/^\[/p' <<<"$T_OUT")"
t_expect "show --json still lists them" 0 "$CAN" recipe show --json -r node
t_grep "... openat among them" '"openat"' "$T_OUT"
t_nogrep "show never lists /etc/shadow as allowed" '^\s*"/etc/shadow",\s*$' "$(sed -n '/^allow = \[/,/^\]/p' <<<"$T_OUT")"
t_expect "show --recipe=npm --recipe node" 0 "$CAN" recipe show --recipe=npm --recipe node
t_grep "npm brings its [[host]] blocks" 'domain = "registry.npmjs.org"' "$T_OUT"
t_grep "variables are expanded" "\"$HOME/.npm\"," "$T_OUT"
t_expect "show --json exits 0" 0 "$CAN" recipe show -r pip --json
if command -v python3 >/dev/null; then
	if printf '%s' "$T_OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["host"][0]["domain"]=="pypi.org"; assert "read" in d["syscalls"]["allow"]'; then
		t_ok "show --json is JSON with the merged values"
	else
		t_fail "show --json is JSON with the merged values"
	fi
else
	t_skip "python3 not installed"
fi
t_expect "an unknown recipe is an error" 2 "$CAN" recipe show -r nodee
t_grep "an unknown recipe gets a suggestion" "recipe 'nodee' not found; did you mean 'node'\\?" "$T_ERR"

t_expect "explain exits 0" 0 "$CAN" recipe explain -r npm
t_grep "explain gives base's line for /usr" '"/usr",  # builtin:base.toml:[0-9]+:[0-9]+$' "$T_OUT"
t_grep "explain gives default's line for read" '"read",  # builtin:default.toml:[0-9]+:[0-9]+$' "$T_OUT"
t_grep "explain gives npm's line for egress" '^egress = "proxy-only"  # builtin:npm.toml:[0-9]+:[0-9]+$' "$T_OUT"
line=$(grep -n '^egress' "$CAN_SRCDIR/recipes/npm.toml" | cut -d: -f1)
t_grep "explain's line is the real line" "egress = \"proxy-only\"  # builtin:npm.toml:$line:10" "$T_OUT"
# Every value line of explain carries an origin.
bare=$(grep -vE '^\[|^$|^\]|#|= \[$' <<<"$T_OUT" || true)
if [ -z "$bare" ]; then t_ok "explain annotates every value"; else t_fail "explain annotates every value"; t_diag "$bare"; fi

# Every shipped recipe validates.
for f in "$CAN_SRCDIR"/recipes/*.toml; do
	t_expect "shipped $(basename "$f") validates" 0 "$CAN" recipe validate "$f"
done

# validate reports every error of every file.
cat >"$tmp/a.toml" <<'T'
[filesystem]
allow = ["relative"]
[network]
deny_all = true
T
cat >"$tmp/b.toml" <<'T'
[syscalls]
allow_extra = ["opne"]
T
cp "$CAN_SRCDIR/recipes/node.toml" "$tmp/good.toml"
t_expect "validate with errors exits 2" 2 "$CAN" recipe validate "$tmp/a.toml" "$tmp/good.toml" "$tmp/b.toml"
t_grep "first error of a.toml" "^$tmp/a.toml:2:10: error: 'allow' in \\[filesystem\\]: 'relative' is a relative path" "$T_ERR"
t_grep "second error of a.toml" "^$tmp/a.toml:4:1: error: unknown key 'deny_all' in \\[network\\]: an older spelling; today write egress = \"none\"" "$T_ERR"
t_grep "error of b.toml" "^$tmp/b.toml:2:16: error: 'allow_extra' in \\[syscalls\\]: unknown syscall 'opne'; did you mean 'open'\\?" "$T_ERR"
t_grep "the good file is ok" "good.toml: ok" "$T_OUT"
printf '[syscalls]\nallow = ["read"]\n' >"$tmp/abs.toml"
t_expect "absolute syscall lists are refused outside default" 2 "$CAN" recipe validate "$tmp/abs.toml"
t_grep "and the message says why" "only valid in the built-in default.toml" "$T_ERR"
# A copy of default.toml that differs by one byte is a user file.
{ cat "$CAN_SRCDIR/recipes/default.toml"; echo "# changed"; } >"$tmp/default.toml"
t_expect "a modified default.toml is not the built-in" 2 "$CAN" recipe validate "$tmp/default.toml"

# '--' ends options: a file named like a flag.
cp "$CAN_SRCDIR/recipes/pip.toml" "$tmp/-r.toml"
cd "$tmp"
t_expect "validate -- -r.toml reads a file" 0 "$CAN" recipe validate -- -r.toml
cd - >/dev/null
t_done
