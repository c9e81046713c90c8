#!/usr/bin/env bash
# The man pages can-recipe(5) and canister.toml(5) are generated from the
# schema (core/lang/schema_man.c): the committed pages must be exactly what
# `can recipe reference --man=...` prints, render without a warning, name
# every field of the table, and `make install` installs them (issue 14).
. "${CAN_SRCDIR}/test/lib.sh"
man=$CAN_SRCDIR/docs/man
for page in recipe:can-recipe.5 manifest:canister.toml.5; do
	kind=${page%%:*} file=${page#*:}
	if "$CAN" recipe reference --man="$kind" | diff -u "$man/$file" - >/dev/null; then
		t_ok "docs/man/$file is up to date"
	else
		t_fail "docs/man/$file is up to date (run: can recipe reference --man=$kind > docs/man/$file)"
	fi
	if command -v groff >/dev/null; then
		w=$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$man/$file" 2>&1)
		if [ -z "$w" ]; then t_ok "$file renders without a warning"
		else t_fail "$file renders without a warning"; t_diag "$w"; fi
	else
		t_skip "groff is not installed: rendering $file"
	fi
done
t_expect "an unknown page is a usage error" 2 "$CAN" recipe reference --man=nope
# The check can fail: a page that drifted from the table is caught.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's/^\.B allow_write$/.B allow_writable/' "$man/can-recipe.5" >"$tmp/drift.5"
if "$CAN" recipe reference --man=recipe | diff -q "$tmp/drift.5" - >/dev/null; then
	t_fail "a drifted page differs from the generated one"
else
	t_ok "a drifted page differs from the generated one"
fi
# Every field and every older spelling is in the pages.
text=$("$CAN" recipe reference --man=recipe)
for f in match_prefix allow_write allow_host_loopback dns_entropy_threshold env_passthrough \
	upstream_scheme cpu_percent deny_extra seccomp_mode max_request_bytes content_types; do
	t_grep "can-recipe(5) documents $f" "^\.B $f\$" "$text"
done
t_grep "can-recipe(5) lists the older spellings" '^\.B "\[network\] allow_domains"$' "$text"
t_grep "can-recipe(5) lists the always-refused syscalls" '^\.B ptrace$' "$text"
mtext=$("$CAN" recipe reference --man=manifest)
for k in description recipes command; do
	t_grep "canister.toml(5) documents $k" "^\.B $k\$" "$mtext"
done
t_grep "canister.toml(5) names the sandbox tables" '^\.SS "\[sandbox\.NAME\.filesystem\]"$' "$mtext"
# make install puts them in man5 (and uninstall removes them).
if [ -n "${CAN_BUILDDIR:-}" ] && [ -f "$CAN_BUILDDIR/docs/Makefile" ]; then
	make -s -C "$CAN_BUILDDIR/docs" install DESTDIR="$tmp/root" prefix=/usr >/dev/null 2>&1
	for f in can-recipe.5 canister.toml.5 can.1; do
		sec=${f##*.}
		t_ok_if() { if [ -f "$1" ]; then t_ok "$2"; else t_fail "$2"; fi; }
		t_ok_if "$tmp/root/usr/share/man/man$sec/$f" "make install installs $f"
	done
	make -s -C "$CAN_BUILDDIR/docs" uninstall DESTDIR="$tmp/root" prefix=/usr >/dev/null 2>&1
	if [ ! -e "$tmp/root/usr/share/man/man5/can-recipe.5" ]; then t_ok "make uninstall removes them"
	else t_fail "make uninstall removes them"; fi
else
	t_skip "no build tree: make install of the man pages"
fi
t_done
