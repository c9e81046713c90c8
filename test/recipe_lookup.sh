# Recipe lookup order, base/default cannot be replaced, match_prefix.
. "${CAN_SRCDIR}/test/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
user="$tmp/cfg/canister/recipes"
mkdir -p "$user" "$tmp/a" "$tmp/b"
export XDG_CONFIG_HOME="$tmp/cfg" CAN_RECIPE_PATH="$tmp/a:$tmp/b"

mk() { # mk FILE MARKER: a recipe that allows /marker/MARKER
	printf '[recipe]\ndescription = "from %s"\n[filesystem]\nallow = ["/marker/%s"]\n' "$2" "$2" >"$1"
}
mk "$tmp/b/t.toml" b
t_expect "a recipe in the second path folder is found" 0 "$CAN" recipe show -r t
t_grep "it is the one from b" '"/marker/b",' "$T_OUT"
mk "$tmp/a/t.toml" a
t_expect "the first path folder wins" 0 "$CAN" recipe show -r t
t_grep "it is the one from a" '"/marker/a",' "$T_OUT"
t_nogrep "and only that one" '"/marker/b",' "$T_OUT"
mk "$user/t.toml" user
t_expect "the user folder wins over CAN_RECIPE_PATH" 0 "$CAN" recipe show -r t
t_grep "it is the user's" '"/marker/user",' "$T_OUT"
t_expect "list exits 0" 0 "$CAN" recipe list
t_grep "list shows t from the user folder" '^t +user +from user' "$T_OUT"

# XDG_CONFIG_HOME unset: ~/.config/canister/recipes.
mkdir -p "$tmp/home/.config/canister/recipes"
mk "$tmp/home/.config/canister/recipes/h.toml" home
t_expect "without XDG_CONFIG_HOME, ~/.config is searched" 0 env -u XDG_CONFIG_HOME HOME="$tmp/home" "$CAN" recipe show -r h
t_grep "it is the one from ~/.config" '"/marker/home",' "$T_OUT"

# A folder's recipe replaces a built-in of the same name (node), ...
mk "$tmp/a/node.toml" mynode
t_expect "a path folder's node.toml is used for -r node" 0 "$CAN" recipe show -r node
t_grep "it is the folder's node" '"/marker/mynode",' "$T_OUT"
t_nogrep "not the built-in node" '"/usr/share/nodejs",' "$T_OUT"
# ... but never base or default.
mk "$user/base.toml" evilbase
printf '[syscalls]\nallow_extra = ["kcmp"]\n' >"$tmp/a/default.toml"
t_expect "show works with base.toml/default.toml in the folders" 0 "$CAN" recipe show -r t
t_nogrep "a user base.toml is never loaded" '/marker/evilbase' "$T_OUT"
t_grep "the built-in base is" '"/etc/ld.so.cache",' "$T_OUT"
t_nogrep "a path default.toml is never loaded" '"kcmp",' "$(sed -n '/^allow_extra/,/^\]/p' <<<"$T_OUT")"
t_expect "-r base names the built-in" 0 "$CAN" recipe show -r base
t_nogrep "-r base does not load the user's base.toml" '/marker/evilbase' "$T_OUT"
t_expect "list still works" 0 "$CAN" recipe list
t_grep "list says the user base.toml is ignored" "base.toml is ignored: base and default are built into can" "$T_ERR"
t_grep "list shows base as built-in" '^base +built-in' "$T_OUT"
# A file path is a layer on top, and cannot weaken default's deny list.
printf '[syscalls]\nallow_extra = ["kcmp", "mlock"]\n' >"$tmp/p.toml"
t_expect "-r ./file loads a file" 0 "$CAN" recipe explain -r "$tmp/p.toml"
t_grep "its kcmp has no effect: default denies it" '"kcmp",  # .*p.toml:2:16 \(no effect: denied at builtin:default.toml:[0-9]+\)' "$T_OUT"
t_expect "a default.toml given as a path is only a layer" 0 "$CAN" recipe explain -r "$tmp/a/default.toml"
t_grep "and its kcmp stays denied" '"kcmp",  # .*a/default.toml:2:16 \(no effect: denied at builtin:default.toml:[0-9]+\)' "$T_OUT"
printf '[syscalls]\ndeny = []\n' >"$tmp/weak.toml"
t_expect "a file cannot empty the deny list" 2 "$CAN" recipe show -r "$tmp/weak.toml"

# match_prefix: recipes auto-detected from the resolved command path.
mkdir -p "$tmp/tools/bin" "$tmp/links"
printf '#!/bin/sh\n' >"$tmp/tools/bin/tool"
chmod +x "$tmp/tools/bin/tool"
ln -s "$tmp/tools/bin/tool" "$tmp/links/tool"
printf '[recipe]\nmatch_prefix = ["%s/tools/"]\n[filesystem]\nallow = ["/marker/auto"]\n' "$tmp" >"$tmp/b/auto.toml"
t_expect "show -c a matching command" 0 "$CAN" recipe show -c "$tmp/tools/bin/tool"
t_grep "the matching recipe is added" '"/marker/auto",' "$T_OUT"
t_expect "show -c through a symlink" 0 "$CAN" recipe show -c "$tmp/links/tool"
t_grep "the resolved path is matched" '"/marker/auto",' "$T_OUT"
t_expect "show -c a command found in PATH" 0 env PATH="$tmp/links:$PATH" "$CAN" recipe show -c tool
t_grep "PATH lookup then resolution" '"/marker/auto",' "$T_OUT"
t_expect "show -c a command that does not match" 0 "$CAN" recipe show -c /bin/sh
t_nogrep "no recipe is added" '"/marker/auto",' "$T_OUT"
# A broken recipe only scanned for auto-detection is skipped with one
# warning naming it and its first error (issue 16); named with -r it is
# still an error with its position.
printf '[filesystem]\nallow = 3\n' >"$tmp/b/broken.toml"
t_expect "a broken recipe in the path does not stop -c" 0 "$CAN" recipe show -c /bin/sh
t_grep "and is named in one warning" "broken.toml:2:9: warning: recipe 'broken' skipped" "$T_ERR"
t_expect "named with -r it is exit 2" 2 "$CAN" recipe show -r broken
t_grep "with its position" "broken.toml:2:9: error" "$T_ERR"
t_expect "list marks it invalid" 0 "$CAN" recipe list
t_grep "list says so" '^broken +installed +\(invalid: 1 error' "$T_OUT"
t_done
