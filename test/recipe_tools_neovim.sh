#!/usr/bin/env bash
# recipes/neovim.toml with the real nvim, headless: it reads the user's
# init.lua (readable), edits and writes a file in the working directory,
# and keeps its state (shada) in ~/.local/state/nvim, the folder the recipe
# makes writable. The wall: ~/.config/github-copilot (copilot.vim's token)
# is empty inside, and so is what nvim reads of it.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need nvim

H=$T_HOME
rm -rf "$H/.config/nvim" "$H/.config/github-copilot" "$H/.local/state/nvim" "$H/.cache/nvim"
mkdir -p "$H/.config/nvim" "$H/.config/github-copilot"
printf 'vim.g.canister_test = "init.lua read"\n' >"$H/.config/nvim/init.lua"
printf '{"github.com":{"oauth_token":"ghu_COPILOT-HOME-SECRET-29"}}\n' >"$H/.config/github-copilot/hosts.json"
cd "$RT_TOP" || exit 1
echo "before" >notes.txt

t_expect "nvim --headless edits and writes a file inside (-r neovim)" 0 \
	"$CAN" run -r neovim -- nvim --headless -c 'call setline(1, g:canister_test)' -c 'wq' notes.txt
t_grep "... with the setting from ~/.config/nvim/init.lua" "^init.lua read$" "$(cat notes.txt)"
t_nogrep "... with no refusal" "can: refused" "$T_ERR"
t_expect "... and its state in ~/.local/state/nvim" 0 test -d "$H/.local/state/nvim"
t_hidden "$H/.config/github-copilot/hosts.json" ghu_COPILOT-HOME-SECRET-29 -r neovim
t_visible "$H/.config/nvim/init.lua" -r neovim
readit() { "$@" nvim --headless -c "lua io.write(vim.fn.join(vim.fn.readfile('$H/.config/github-copilot/hosts.json'), ''))" -c 'qa!'; }
t_grep "control: nvim on the host reads the token" "COPILOT-HOME-SECRET" "$(readit env 2>&1)"
t_run readit "$CAN" run -r neovim --
t_nogrep "nvim inside reads no token from it" "COPILOT-HOME-SECRET" "$T_OUT$T_ERR"
rm -rf "$H/.config/nvim" "$H/.config/github-copilot" "$H/.local/state/nvim" "$H/.cache/nvim"
t_done
