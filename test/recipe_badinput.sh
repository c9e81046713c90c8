# Hostile recipe files reach a clean exit 2 from `can recipe validate`:
# no crash, no sanitizer report, one clear error.
. "${CAN_SRCDIR}/test/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bad() { # bad DESC FILE PATTERN
	t_expect "$1: exit 2" 2 "$CAN" recipe validate "$2"
	t_grep "$1: says why" "$3" "$T_ERR"
	t_nogrep "$1: no sanitizer report" 'Sanitizer|runtime error' "$T_ERR"
}

head -c 10485760 /dev/zero | tr '\0' '#' >"$tmp/big.toml"
bad "a 10 MB recipe" "$tmp/big.toml" "big.toml: error: recipe is larger than 1048576 bytes"
{ printf 'x = '; head -c 100000 /dev/zero | tr '\0' '['; } >"$tmp/deep.toml"
bad "deeply nested arrays" "$tmp/deep.toml" "deep.toml:1:[0-9]+: error:"
{ printf '[filesystem]\nallow = '; for i in $(seq 1 70); do printf '['; done; for i in $(seq 1 70); do printf ']'; done; echo; } >"$tmp/deep2.toml"
bad "nesting just past the limit" "$tmp/deep2.toml" "deep2.toml:2:[0-9]+: error:"
printf '[filesystem]\nallow = ["/a\0b"]\n' >"$tmp/nul.toml"
bad "a NUL byte" "$tmp/nul.toml" "nul.toml:2:[0-9]+: error:"
printf '[recipe]\nname = "\xff\xfe"\n' >"$tmp/utf8.toml"
bad "invalid UTF-8" "$tmp/utf8.toml" "utf8.toml:2:[0-9]+: error:"
printf '[recipe]\n# \xc0\xaf overlong\n' >"$tmp/utf8c.toml"
bad "invalid UTF-8 in a comment" "$tmp/utf8c.toml" "utf8c.toml:2:[0-9]+: error:"
head -c 4096 /dev/urandom >"$tmp/random.toml"
bad "random bytes" "$tmp/random.toml" "random.toml:[0-9]+:[0-9]+: error:"
printf '[filesystem]\nallow = ["/a"]\nallow = ["/b"]\n' >"$tmp/dup.toml"
bad "a duplicate key" "$tmp/dup.toml" "dup.toml:3:1: error:"
printf '[filesystem]\nallow = ["/a"\n' >"$tmp/open.toml"
bad "an unclosed array" "$tmp/open.toml" "open.toml:[0-9]+:[0-9]+: error:"
bad "a directory" "$tmp" "error: not a regular file"
bad "a missing file" "$tmp/none.toml" "error: cannot read the recipe: ENOENT"
{ printf '[filesystem]\nallow = ['; for i in $(seq 1 5000); do printf '"/%d",' "$i"; done; echo ']'; } >"$tmp/long.toml"
bad "a list of 5000 paths" "$tmp/long.toml" "long.toml:2:9: error: 'allow' in \\[filesystem\\]: 5000 entries, more than the 4096"
for i in $(seq 1 5000); do printf '[[host]]\ndomain = "h%d.example"\n' "$i"; done >"$tmp/hosts.toml"
bad "5000 [[host]] blocks" "$tmp/hosts.toml" "hosts.toml:1:3: error: 'host' at top level: 5000 entries"
: >"$tmp/empty.toml"
t_expect "an empty recipe is valid" 0 "$CAN" recipe validate "$tmp/empty.toml"
t_done
