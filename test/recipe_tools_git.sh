#!/usr/bin/env bash
# recipes/git.toml with the real git: `git clone` of a local repository
# into the working directory, `git commit` there with the identity from
# ~/.gitconfig (readable), `git push` back. The wall: ~/.git-credentials
# and ~/.config/git/credentials do not exist inside, so git's own `store`
# helper (named in ~/.gitconfig) finds nothing; the token-by-environment
# path git.toml documents (a credential helper reading GIT_TOKEN) gives git
# the token.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need git

H=$T_HOME
mkdir -p "$H/.config/git"
printf '[user]\n\tname = Canister Test\n\temail = test@example.invalid\n[credential]\n\thelper = store\n[init]\n\tdefaultBranch = main\n' >"$H/.gitconfig"
printf 'https://x:GITCRED-HOME-SECRET-10@github.com\n' >"$H/.git-credentials"
printf 'https://x:GITCRED-XDG-SECRET-11@gitlab.com\n' >"$H/.config/git/credentials"
cd "$RT_TOP" || exit 1
git init -q --bare origin.git
git clone -q origin.git seed 2>/dev/null
(cd seed && echo one >a && git add a && git commit -q -m one && git push -q origin HEAD:main) >/dev/null 2>&1

# --- the workload (the working directory holds the origin and the clone) ---
t_expect "git clone of a local repository succeeds inside" 0 \
	"$CAN" run -r git -- git clone -q -b main origin.git work
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_expect "... and the clone is there" 0 test -f work/a
cd work || exit 1
echo two >b
t_expect "git add and git commit in the working directory succeed inside" 0 \
	"$CAN" run -r git -- sh -c 'git add b && git commit -q -m two'
t_grep "... with the identity from ~/.gitconfig" "^Canister Test <test@example.invalid> two$" \
	"$(git log -1 --format='%an <%ae> %s')"
# The origin is outside work/: push from the folder that holds both.
cd .. || exit 1
t_expect "git push to the local origin succeeds inside" 0 \
	"$CAN" run -r git -- git -C work push -q origin HEAD:main
cd work || exit 1
t_grep "... and the origin has the commit" "^two$" "$(git -C ../origin.git log -1 --format=%s main)"

# --- the wall ---
t_hidden "$H/.git-credentials" GITCRED-HOME-SECRET-10 -r git
t_hidden "$H/.config/git/credentials" GITCRED-XDG-SECRET-11 -r git
t_visible "$H/.gitconfig" -r git
ask() { printf 'protocol=https\nhost=github.com\n\n' | git "$@" credential fill 2>/dev/null; }
t_grep "control: git's store helper on the host finds the token" "password=GITCRED-HOME-SECRET-10" "$(ask)"
t_run "$CAN" run -r git -- sh -c "printf 'protocol=https\nhost=github.com\n\n' | git credential fill"
t_nogrep "git's store helper inside does not" "GITCRED-HOME-SECRET" "$T_OUT$T_ERR"
t_run env GIT_TOKEN=git-env-token-12 "$CAN" run -r git -- sh -c \
	"printf 'protocol=https\nhost=github.com\n\n' | git -c credential.helper= -c credential.helper='!f() { echo username=x-access-token; echo \"password=\$GIT_TOKEN\"; }; f' credential fill"
t_grep "the GIT_TOKEN credential helper gives git the token inside" "^password=git-env-token-12$" "$T_OUT"
rm -rf "$H/.gitconfig" "$H/.git-credentials" "$H/.config/git"
t_done
