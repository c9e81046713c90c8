# docs/recipes.md and docs/merge.md are generated from the field table:
# the committed pages must be exactly what `can recipe reference` prints.
. "${CAN_SRCDIR}/test/lib.sh"
t_expect "reference exits 0" 0 "$CAN" recipe reference
if "$CAN" recipe reference | diff -u "$CAN_SRCDIR/docs/recipes.md" - >/dev/null; then
	t_ok "docs/recipes.md is up to date"
else
	t_fail "docs/recipes.md is up to date (run: can recipe reference > docs/recipes.md)"
fi
if "$CAN" recipe reference --merge | diff -u "$CAN_SRCDIR/docs/merge.md" - >/dev/null; then
	t_ok "docs/merge.md is up to date"
else
	t_fail "docs/merge.md is up to date (run: can recipe reference --merge > docs/merge.md)"
fi
# Every field of the table is in the reference.
for f in match_prefix allow_write allow_host_loopback dns_entropy_threshold env_passthrough \
	upstream_scheme cpu_percent deny_extra seccomp_mode max_request_bytes content_types; do
	t_grep "reference documents $f" "\\| \`$f\` \\|" "$("$CAN" recipe reference)"
done
t_done
