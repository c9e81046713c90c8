#!/usr/bin/env bash
# can update from a local git repository: a good update shown as a diff and
# applied (with --yes, and with a yes on a terminal), a no that changes
# nothing, and every refusal (checksum mismatch, unlisted recipe, a recipe
# that does not load, a baseline name, no such source) with nothing changed.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

if ! command -v git >/dev/null; then
	t_skip "git is not installed"
	t_done
fi
H=$T_HOME
TOP=$(mktemp -d "$H/canupdate.XXXXXX")
SOCK=$TOP/tmux.sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; rm -rf "$TOP"' EXIT
export XDG_CONFIG_HOME=$TOP/config
DEST=$XDG_CONFIG_HOME/canister/recipes
S=$TOP/source
mkdir -p "$S/recipes"
g() { git -C "$S" -c user.name=t -c user.email=t@example.invalid "$@" >/dev/null; }
g init -q
commit() { (cd "$S" && sha256sum recipes/*.toml >SHA256SUMS) && g add -A && g commit -qm "$1"; }
# state: every file of the user's recipes folder and its content.
state() { (cd "$DEST" 2>/dev/null && for f in *; do [ -e "$f" ] && { echo "== $f"; cat "$f"; }; done) ; }

printf '[recipe]\ndescription = "tool one"\n\n[filesystem]\nallow = ["/opt/one"]\n' >"$S/recipes/one.toml"
commit first

t_expect "no source named: nothing is fetched, usage error" 2 "$CAN" update
t_grep "... saying so" "nothing is fetched implicitly" "$T_ERR"
t_expect "without a terminal and without --yes: shown, not applied" 1 "$CAN" update "$S"
t_grep "... the diff is shown" '^\+allow = \["/opt/one"\]' "$T_OUT"
t_expect "... nothing written" 1 test -e "$DEST/one.toml"

t_expect "a good update with --yes" 0 "$CAN" update --yes "$S"
t_grep "... names the commit it took" "at [0-9a-f]{40}, checked against SHA256SUMS" "$T_OUT"
t_grep "... shows the diff before applying" '^\+\+\+ new/one.toml' "$T_OUT"
t_grep "... then applies it" "Updated 1 recipe in $DEST" "$T_OUT"
t_expect "... the recipe is the source's" 0 cmp "$S/recipes/one.toml" "$DEST/one.toml"
t_expect "... and -r one finds it" 0 sh -c "'$CAN' recipe show -r one | grep -q /opt/one"
t_expect "running it again: nothing to change" 0 "$CAN" update --yes "$S"
t_grep "... says so" "Nothing to change" "$T_OUT"

# A change, applied after a yes on a terminal; then one declined.
if command -v tmux >/dev/null; then
	pty_run() {
		tmux -S "$SOCK" kill-server 2>/dev/null
		rm -f "$TOP/exit"
		tmux -S "$SOCK" new-session -d -x 200 -y 60 "'$CAN' update '$S'; echo \$? > '$TOP/exit'; sleep 600"
		local i
		for i in $(seq 1 900); do
			tmux -S "$SOCK" capture-pane -p -S -200 | grep -q "Apply 1 change" && break
			sleep 0.1
		done
		SCREEN=$(tmux -S "$SOCK" capture-pane -p -S -200)
		tmux -S "$SOCK" send-keys -l -- "$1"
		tmux -S "$SOCK" send-keys Enter
		for i in $(seq 1 900); do [ -f "$TOP/exit" ] && break; sleep 0.1; done
		PTY_RC=$(cat "$TOP/exit" 2>/dev/null || echo none)
	}
	printf '[recipe]\ndescription = "tool one"\n\n[filesystem]\nallow = ["/opt/one", "/opt/one-data"]\n' >"$S/recipes/one.toml"
	commit second
	pty_run y
	t_grep "terminal: the diff comes before the question" '^\+allow = \["/opt/one", "/opt/one-data"\]' "$SCREEN"
	t_grep "... with what it replaces" '^-allow = \["/opt/one"\]' "$SCREEN"
	t_expect "... a yes applies it" 0 test "$PTY_RC" = 0
	t_expect "... the new content is in place" 0 cmp "$S/recipes/one.toml" "$DEST/one.toml"
	printf '[recipe]\ndescription = "tool one, v3"\n' >"$S/recipes/one.toml"
	commit third
	before=$(state)
	pty_run n
	t_expect "terminal: a no is exit 1" 0 test "$PTY_RC" = 1
	t_expect "... exactly" 0 test "$before" = "$(state)"
	t_expect "... and --yes takes it" 0 "$CAN" update --yes "$S"
else
	t_skip "tmux is not installed: the terminal questions are not driven"
fi

# --- refusals: nothing changes ---
before=$(state)
printf '[recipe]\ndescription = "tampered"\n[filesystem]\nallow = ["/"]\n' >"$S/recipes/one.toml"
g add -A && g commit -qm tampered # SHA256SUMS not updated
t_expect "a checksum mismatch is refused" 1 "$CAN" update --yes "$S"
t_grep "... naming the file and both digests" "recipes/one.toml: checksum mismatch: SHA256SUMS says [0-9a-f]{64}, the file is [0-9a-f]{64}" "$T_ERR"
t_grep "... nothing changed" "refused; nothing changed" "$T_ERR"
t_expect "... the recipes folder is as it was" 0 test "$before" = "$(state)"

commit repaired
printf '[filesystem]\nallow = ["/x"]\n' >"$S/recipes/sneaky.toml"
g add -A && g commit -qm unlisted
t_expect "a recipe SHA256SUMS does not list is refused" 1 "$CAN" update --yes "$S"
t_grep "... by name" "recipes/sneaky.toml: not listed in SHA256SUMS" "$T_ERR"
t_expect "... the folder is as it was" 0 test "$before" = "$(state)"
rm "$S/recipes/sneaky.toml"

printf '[filesystem]\nalow = ["/x"]\n' >"$S/recipes/typo.toml"
commit typo
t_expect "a recipe that does not load is refused" 1 "$CAN" update --yes "$S"
t_grep "... with its file:line:col" "recipes/typo.toml:2:1: error: unknown key 'alow' in \[filesystem\]; did you mean 'allow'\?" "$T_ERR"
t_expect "... the folder is as it was" 0 test "$before" = "$(state)"
rm "$S/recipes/typo.toml"

printf '[syscalls]\nallow_extra = ["ptrace"]\n' >"$S/recipes/default.toml"
commit baseline
t_expect "a source cannot ship the baseline" 1 "$CAN" update --yes "$S"
t_grep "... saying why" "'default' is compiled into can" "$T_ERR"
t_expect "... the folder is as it was" 0 test "$before" = "$(state)"
rm "$S/recipes/default.toml"
commit clean

sums=$(sha256sum "$S/SHA256SUMS" | cut -d' ' -f1)
t_expect "--pin with the right digest of SHA256SUMS" 0 "$CAN" update --yes --pin "$sums" "$S"
before=$(state)
t_expect "--pin with another digest is refused" 1 "$CAN" update --yes --pin "$(printf '%064d' 0)" "$S"
t_grep "... saying both" "SHA256SUMS of .* is $sums, not the pinned 0{64}; refused, nothing changed" "$T_ERR"
t_expect "... nothing changed" 0 test "$before" = "$(state)"
t_expect "--pin needs 64 hex digits" 2 "$CAN" update --pin abc "$S"
t_expect "a source that does not exist" 1 "$CAN" update --yes "$TOP/nowhere"
t_grep "... git could not clone it" "git could not clone" "$T_ERR"
g tag v1
printf '[recipe]\ndescription = "after the tag"\n' >"$S/recipes/two.toml"
commit after-tag
t_expect "--ref takes a tag" 0 "$CAN" update --yes --ref v1 "$S"
t_expect "... without what came after it" 1 test -e "$DEST/two.toml"
t_expect "no temporary clone is left behind" 0 test -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'can-update.*' -user "$(id -u)" 2>/dev/null)"
t_done
