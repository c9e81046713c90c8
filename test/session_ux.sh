# Session mode's user side without a terminal: `can hook` prints exactly
# the files of hooks/, which parse in their shells and do nothing in a
# non-interactive shell; `can direnv` prints, places and installs
# use_canister.sh (atomic, never over someone else's file without
# --force); use_canister declares a layer on the session's FIFO without
# ever waiting for a reader, and outside a session does nothing but say so;
# the prompt hooks keep $? and come after direnv's.
. "${CAN_SRCDIR}/test/lib.sh"
t_drop_to_user "$CAN_SRCDIR/hooks"
hooks=$CAN_SRCDIR/hooks
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- can hook ---------------------------------------------------------------
for sh in bash zsh fish; do
	"$CAN" hook "$sh" >"$tmp/hook.$sh"
	if cmp -s "$tmp/hook.$sh" "$hooks/can.$sh"; then
		t_ok "can hook $sh prints hooks/can.$sh byte for byte"
	else
		t_fail "can hook $sh prints hooks/can.$sh byte for byte"
	fi
done
t_expect "bash parses its hook" 0 bash -n "$tmp/hook.bash"
t_expect "zsh parses its hook" 0 zsh -n "$tmp/hook.zsh"
t_expect "fish parses its hook" 0 fish --no-execute "$tmp/hook.fish"
t_expect "can hook for a shell it has no hook for is a usage error" 2 "$CAN" hook tcsh
t_grep "... naming the shells it has" "no hook for 'tcsh': bash, zsh or fish" "$T_ERR"
t_expect "can hook without a shell is a usage error" 2 "$CAN" hook
t_expect "can hook with two shells is a usage error" 2 "$CAN" hook bash zsh

# A can in PATH that records every call: a non-interactive shell must not
# even run the check.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/can" <<EOS
#!/bin/bash
echo "\$*" >>"$tmp/calls"
exit 0
EOS
chmod +x "$tmp/bin/can"
: >"$tmp/calls"
t_run env -u CANISTER_SESSION PATH="$tmp/bin:$PATH" bash -c "eval \"\$(cat $tmp/hook.bash)\"; echo alive"
t_grep "a non-interactive bash goes on after the hook" '^alive$' "$T_OUT"
t_run env -u CANISTER_SESSION PATH="$tmp/bin:$PATH" zsh -c "eval \"\$(cat $tmp/hook.zsh)\"; echo alive"
t_grep "a non-interactive zsh goes on after the hook" '^alive$' "$T_OUT"
t_run env -u CANISTER_SESSION PATH="$tmp/bin:$PATH" fish -c "source $tmp/hook.fish; echo alive"
t_grep "a non-interactive fish goes on after the hook" '^alive$' "$T_OUT"
if [ -s "$tmp/calls" ]; then
	t_fail "no non-interactive shell ran can session"
	t_diag "$(cat "$tmp/calls")"
else
	t_ok "no non-interactive shell ran can session"
fi

# --- the prompt hooks, in a session's environment ---------------------------
mkfifo -m 600 "$tmp/s.fifo"
sess=(env CANISTER_SESSION=1 CANISTER_SESSION_FIFO="$tmp/s.fifo")
# A reader that keeps the FIFO open, as the supervisor does, and logs.
exec 7<>"$tmp/s.fifo"
cat <&7 >"$tmp/fifo.log" &
reader=$!
t_run "${sess[@]}" bash -c "eval \"\$(can hook bash 2>/dev/null || cat $tmp/hook.bash)\"
	eval \"\$(direnv hook bash)\"; printf '%s\n' \"\$PROMPT_COMMAND\"; false; __canister_prompt; echo rc=\$?"
t_grep "bash: the prompt hook comes after direnv's (direnv's hook read after ours)" \
	'^_direnv_hook;__canister_prompt$' "$T_OUT"
t_grep "bash: the prompt hook keeps \$?" '^rc=1$' "$T_OUT"
t_run "${sess[@]}" bash -c "PROMPT_COMMAND=(user_hook other)
	eval \"\$(cat $tmp/hook.bash)\"; printf '%s,' \"\${PROMPT_COMMAND[@]}\""
t_grep "bash: a PROMPT_COMMAND array gets the hook as its last element" \
	'^user_hook,other,__canister_prompt,$' "$T_OUT"
t_run "${sess[@]}" bash -c "eval \"\$(cat $tmp/hook.bash)\"; eval \"\$(cat $tmp/hook.bash)\"; echo \"\$PROMPT_COMMAND\""
t_grep "bash: reading the hook twice installs it once" '^__canister_prompt$' "$T_OUT"
t_run "${sess[@]}" zsh -c "eval \"\$(cat $tmp/hook.zsh)\"; eval \"\$(direnv hook zsh)\"
	eval \"\$(cat $tmp/hook.zsh)\"; print -r -- \"\${precmd_functions[*]}\"; false; __canister_prompt; echo rc=\$?"
t_grep "zsh: the prompt hook comes after direnv's, once" '^_direnv_hook __canister_prompt$' "$T_OUT"
t_grep "zsh: the prompt hook keeps \$?" '^rc=1$' "$T_OUT"
t_run "${sess[@]}" fish -c "source $tmp/hook.fish; __canister_prompt; functions -q __canister_prompt_boot; and echo boot"
t_grep "fish: without direnv yet, the handler waits for the first prompt" '^boot$' "$T_OUT"
refreshes=$(timeout 5 bash -c "until [ \"\$(grep -c '^canister 1 refresh\$' '$tmp/fifo.log')\" -ge 3 ]; do sleep 0.05; done; grep -c . '$tmp/fifo.log'")
t_grep "the bash, zsh and fish prompt hooks each wrote 'canister 1 refresh'" '^3$' "$refreshes"
t_nogrep "... and nothing else" '^(canister 1 [^r]|[^c])' "$(cat "$tmp/fifo.log")"

# The supervisor gone, its FIFO left behind with no reader: the prompt must
# not wait (a plain '>' open would block here for ever).
kill "$reader" 2>/dev/null
exec 7>&-
wait "$reader" 2>/dev/null
mkfifo -m 600 "$tmp/stale.fifo"
stale=(env CANISTER_SESSION=999999999 CANISTER_SESSION_FIFO="$tmp/stale.fifo")
t_expect "bash: a FIFO without a reader does not hang the prompt" 0 \
	timeout 10 "${stale[@]}" bash -c "eval \"\$(cat $tmp/hook.bash)\"; __canister_prompt"
t_expect "zsh: a FIFO without a reader does not hang the prompt" 0 \
	timeout 10 "${stale[@]}" zsh -c "eval \"\$(cat $tmp/hook.zsh)\"; __canister_prompt"
t_expect "fish: a FIFO of a gone supervisor does not hang the prompt" 0 \
	timeout 10 "${stale[@]}" fish -c "source $tmp/hook.fish; __canister_prompt"
# A FIFO the shell may not open (as a layer's policy may refuse it): the
# prompt stays silent (stderr is redirected before the open is tried).
chmod 000 "$tmp/stale.fifo"
for sh in bash zsh; do
	t_run "${stale[@]}" "$sh" -c "eval \"\$(cat $tmp/hook.$sh)\"; __canister_prompt"
	[ -z "$T_ERR" ] && t_ok "$sh: a FIFO it may not open prints nothing at the prompt" ||
		{ t_fail "$sh: a FIFO it may not open prints nothing at the prompt"; t_diag "$T_ERR"; }
done
t_run env CANISTER_SESSION=$$ CANISTER_SESSION_FIFO="$tmp/stale.fifo" fish -c "source $tmp/hook.fish; __canister_prompt"
[ -z "$T_ERR" ] && t_ok "fish: a FIFO it may not open prints nothing at the prompt" ||
	{ t_fail "fish: a FIFO it may not open prints nothing at the prompt"; t_diag "$T_ERR"; }
rm -f "$tmp/stale.fifo"
t_expect "bash: no FIFO at all is no error" 0 \
	timeout 10 "${stale[@]}" bash -c "eval \"\$(cat $tmp/hook.bash)\"; __canister_prompt"
t_expect "fish: no FIFO at all is no error" 0 \
	timeout 10 "${stale[@]}" fish -c "source $tmp/hook.fish; __canister_prompt"

# --- can direnv ---------------------------------------------------------------
home=$tmp/home
mkdir -p "$home"
dv=(env -u DIRENV_CONFIG -u XDG_CONFIG_HOME HOME="$home" "$CAN" direnv)
lib=$home/.config/direnv/lib/use_canister.sh
t_expect "can direnv prints the function" 0 "${dv[@]}"
if [ "$T_OUT" = "$(cat "$hooks/use_canister.sh")" ]; then
	t_ok "... exactly hooks/use_canister.sh"
else
	t_fail "... exactly hooks/use_canister.sh"
fi
t_grep "... and says on stderr where it goes" "save this as $lib" "$T_ERR"
t_expect "can direnv --path" 0 "${dv[@]}" --path
t_grep "... is ~/.config/direnv/lib/use_canister.sh" "^$lib\$" "$T_OUT"
t_run env -u DIRENV_CONFIG HOME="$home" XDG_CONFIG_HOME=/x/cfg "$CAN" direnv --path
t_grep "... follows XDG_CONFIG_HOME" '^/x/cfg/direnv/lib/use_canister.sh$' "$T_OUT"
t_run env HOME="$home" DIRENV_CONFIG=/d XDG_CONFIG_HOME=/x/cfg "$CAN" direnv --path
t_grep "... and DIRENV_CONFIG before it" '^/d/lib/use_canister.sh$' "$T_OUT"
t_expect "--path with --install is a usage error" 2 "${dv[@]}" --path --install
t_expect "--force without --install is a usage error" 2 "${dv[@]}" --force
t_expect "an extra argument is a usage error" 2 "${dv[@]}" extra

t_expect "can direnv --install writes it" 0 "${dv[@]}" --install
if cmp -s "$lib" "$hooks/use_canister.sh"; then t_ok "... the same bytes"; else t_fail "... the same bytes"; fi
t_grep "... mode 0644" '^644$' "$(stat -c %a "$lib")"
t_nogrep "... leaving no temporary file" '\.tmp|^\.' "$(ls -A "$(dirname "$lib")" | grep -v '^use_canister.sh$')"
t_expect "a second --install is fine" 0 "${dv[@]}" --install
t_grep "... and says it is already there" "already installed" "$T_ERR"
echo '# my edit' >>"$lib"
before=$(sha256sum "$lib")
t_expect "--install over a different file is refused" 1 "${dv[@]}" --install
t_grep "... saying so and how to replace it" "a different file is there.*--force" "$T_ERR"
t_grep "... and leaves the file alone" "^${before%% *} " "$(sha256sum "$lib")"
t_expect "--install --force replaces it" 0 "${dv[@]}" --install --force
if cmp -s "$lib" "$hooks/use_canister.sh"; then t_ok "... with ours"; else t_fail "... with ours"; fi
echo 'keep me' >"$tmp/dotfile"
rm -f "$lib" && ln -s "$tmp/dotfile" "$lib"
t_expect "--install over a symbolic link is refused" 1 "${dv[@]}" --install
t_expect "--install --force replaces the link" 0 "${dv[@]}" --install --force
[ -L "$lib" ] && t_fail "... not following it" || t_ok "... not following it"
t_grep "... whose target is untouched" '^keep me$' "$(cat "$tmp/dotfile")"
rm -f "$lib" && mkdir "$lib"
t_expect "a directory in its place is refused, even with --force" 1 "${dv[@]}" --install --force
rmdir "$lib"
t_expect "without HOME it cannot tell where" 1 env -u HOME -u DIRENV_CONFIG -u XDG_CONFIG_HOME "$CAN" direnv --path

# --- use_canister -------------------------------------------------------------
proj=$tmp/proj
mkdir -p "$proj"
# watch_file is direnv's: recorded here, so the test sees what is watched.
# uc ENV...: runs use_canister "${UC_ARGS[@]}" in $proj under env ENV...
# (unsets first, then assignments).
uc() {
	(cd "$proj" && env "$@" bash -c '. "$0"
		watch_file() { printf "watch %s\n" "$@"; }
		use_canister "$@"; rc=$?; echo "layer=${CANISTER_LAYER-unset}"; exit $rc' \
		"$hooks/use_canister.sh" "${UC_ARGS[@]}")
}
UC_ARGS=(-r node)
t_run uc -u CANISTER_SESSION HOME="$home"
t_expect_rc() { [ "$T_RC" = "$2" ] && t_ok "$1" || { t_fail "$1 (exit $T_RC)"; t_diag "$T_ERR"; }; }
t_expect_rc "use canister outside a session succeeds" 0
t_grep "... saying the layer needs a session" "needs a can session" "$T_ERR"
t_grep "... in one line" '^1$' "$(printf '%s\n' "$T_ERR" | grep -c .)"
t_grep "... exporting no marker" '^layer=unset$' "$T_OUT"
t_nogrep "... watching nothing" '^watch' "$T_OUT"

mkfifo -m 600 "$tmp/u.fifo"
exec 8<>"$tmp/u.fifo"
in_sess=(-u XDG_CONFIG_HOME -u CAN_RECIPE_PATH CANISTER_SESSION=1 CANISTER_SESSION_FIFO="$tmp/u.fifo" HOME="$home")
UC_ARGS=(-r node --recipe=./local.toml --recipe tool:npm)
t_run uc "${in_sess[@]}"
t_expect_rc "use canister in a session succeeds" 0
t_grep "... exporting CANISTER_LAYER=the directory" "^layer=$proj\$" "$T_OUT"
t_grep "... watching the user's recipe file" "$home/.config/canister/recipes/node.toml" "$T_OUT"
t_grep "... the project's" "$proj/.canister/node.toml" "$T_OUT"
t_grep "... a recipe given as a path" ' \./local\.toml' "$T_OUT"
t_grep "... and a tool: recipe under tools/" "$home/.config/canister/recipes/tools/npm.toml" "$T_OUT"
line=$(timeout 5 head -n1 <&8)
t_grep "... writing 'canister 1 declare DIR' to the FIFO" "^canister 1 declare $proj\$" "$line"
UC_ARGS=(dev)
t_run uc "${in_sess[@]}"
t_grep "use canister NAME watches canister.toml" "watch $proj/canister.toml" "$T_OUT"
line=$(timeout 5 head -n1 <&8)
t_grep "... and declares the directory" "^canister 1 declare $proj\$" "$line"
UC_ARGS=(--frob)
t_run uc "${in_sess[@]}"
t_expect_rc "an unknown option is refused" 1
t_grep "... naming it" "unknown option '--frob'" "$T_ERR"
t_grep "... exporting no marker" '^layer=unset$' "$T_OUT"
UC_ARGS=(-r)
t_run uc "${in_sess[@]}"
t_expect_rc "-r without a name is refused" 1
exec 8>&-
# No reader at all: the declaration must not wait for one.
UC_ARGS=(-r node)
rm -f "$tmp/u.fifo" && mkfifo -m 600 "$tmp/u.fifo"
t_run timeout 10 env "${in_sess[@]}" bash -c "cd '$proj' && . '$hooks/use_canister.sh' && use_canister -r node"
t_expect_rc "a FIFO without a reader does not hang use canister" 0
rm -f "$tmp/u.fifo"
t_run uc "${in_sess[@]}"
t_expect_rc "a session whose FIFO is gone is an error" 1
t_grep "... saying the supervisor may be gone" "no FIFO.*supervisor gone" "$T_ERR"
t_grep "... exporting no marker" '^layer=unset$' "$T_OUT"
tabdir=$tmp/$'a\tb'
mkdir -p "$tabdir"
t_run bash -c "cd '$tabdir' && CANISTER_SESSION=1 CANISTER_SESSION_FIFO=/nonexistent bash -c '. $hooks/use_canister.sh; use_canister -r node'"
t_expect_rc "a directory with a tab is refused" 1
t_grep "... saying why" "may not contain a tab or a newline" "$T_ERR"
t_done
