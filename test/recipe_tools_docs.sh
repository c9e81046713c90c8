#!/usr/bin/env bash
# docs/recipe-library.md, the table of the shipped recipes: every recipe in
# recipes/ has its row, and every test a row names as its proof exists and
# is registered (test/recipe.am), so the table cannot claim a test nobody runs.
. "${CAN_SRCDIR}/test/lib.sh"
DOC=$CAN_SRCDIR/docs/recipe-library.md
AM=$CAN_SRCDIR/test/recipe.am
for f in "$CAN_SRCDIR"/recipes/*.toml; do
	n=$(basename "$f" .toml)
	[ "$n" = example ] && continue
	t_grep "the table has a row for $n" "^\\| \`$n\` \\|" "$(cat "$DOC")"
done
rows=$(grep -c '^| `' "$DOC")
n=$(find "$CAN_SRCDIR/recipes" -name '*.toml' ! -name example.toml | wc -l)
if [ "$rows" = "$n" ]; then
	t_ok "the table has no row for a recipe that does not ship"
else
	t_fail "the table has no row for a recipe that does not ship ($rows rows, $n recipes)"
fi
for t in $(grep -o 'recipe_tools_[a-z_]*\.sh' "$DOC" | sort -u); do
	if [ -f "$CAN_SRCDIR/test/$t" ] && grep -q "$t" "$AM"; then
		t_ok "$t, named as a proof, exists and is registered"
	else
		t_fail "$t, named as a proof, exists and is registered"
	fi
done
t_done
