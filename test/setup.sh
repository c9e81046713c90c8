#!/usr/bin/env bash
# can setup: the AppArmor profile for user namespaces (Ubuntu 24.04).
# As root it is written (into a temporary folder standing for
# /etc/apparmor.d) only after a yes; as a user it is refused with the fix;
# apparmor_parser checks its syntax where installed.
. "${CAN_SRCDIR}/test/lib.sh"

exe=$(readlink -f "$CAN")
name=${exe#/}
name=${name//\//.}

if [ "${CAN_TEST_DROPPED:-}" != 1 ]; then
	t_expect "setup --print exits 0" 0 "$CAN" setup --print
	prof=$T_OUT
	t_grep "the profile attaches to this binary's real path" "^profile $name $exe flags=\(unconfined\) \{$" "$prof"
	t_grep "it grants user namespaces" '^  userns,$' "$prof"
	t_nogrep "it grants nothing else (no capability, file or network rule)" '^ *(capability|file|network|/)' "$prof"

	if [ "$(id -u)" = 0 ]; then
		dir=$(mktemp -d)
		t_expect "without --yes and no terminal, setup refuses (2)" 2 "$CAN" setup --force --dir "$dir" --no-load
		t_grep "... saying how to answer" 'answer with --yes' "$T_ERR"
		t_ok_if() { if eval "$2"; then t_ok "$1"; else t_fail "$1"; fi; }
		t_ok_if "... and writes nothing" '[ -z "$(ls -A "$dir")" ]'
		t_expect "as root, setup --yes writes the profile" 0 "$CAN" setup --force --yes --dir "$dir" --no-load
		t_grep "... it showed the profile before writing" "profile $name " "$T_OUT"
		t_ok_if "... the file holds exactly what --print shows" "[ \"\$(cat '$dir/$name')\" = \"\$prof\" ]"
		t_ok_if "... mode 0644" "[ \"\$(stat -c %a '$dir/$name')\" = 644 ]"
		t_expect "a second setup finds it in place" 0 "$CAN" setup --force --yes --dir "$dir" --no-load
		t_grep "... and says so" 'already holds this profile' "$T_OUT"
		t_expect "a folder that does not exist fails (1)" 1 "$CAN" setup --force --yes --dir "$dir/none" --no-load
		if command -v apparmor_parser >/dev/null 2>&1; then
			f=$dir/$name
			if ! apparmor_parser --version | grep -q 'version [4-9]'; then
				# Debian 12's parser (3.0) predates the abi 4.0 userns rule:
				# check everything else of the profile.
				grep -v -e '^abi <abi/4.0>,$' -e '^  userns,$' "$f" >"$dir/check"
				f=$dir/check
			fi
			t_run apparmor_parser -Q -I /etc/apparmor.d "$f"
			if [ "$T_RC" = 0 ]; then t_ok "apparmor_parser -Q accepts the profile"; else
				t_fail "apparmor_parser -Q accepts the profile"; t_diag "$T_ERR"; fi
			printf 'profile broken %s {\n  userns\n' "$exe" >"$dir/bad"
			t_expect "control: apparmor_parser -Q rejects a broken profile" 1 apparmor_parser -Q "$dir/bad"
		else
			t_skip "apparmor_parser not installed (apt-get install apparmor)"
		fi
		rm -rf "$dir"
	fi
	t_drop_to_user
fi

# As the unprivileged user.
dir=$(mktemp -d)
chmod 555 "$dir"
t_expect "as a user, setup cannot write the profile (1)" 1 "$CAN" setup --force --yes --dir "$dir"
t_grep "... and says it needs root, with the command" "needs root; run 'sudo .*can setup'" "$T_ERR"
rm -rf "$dir"
t_expect "setup with an unknown option is a usage error" 2 "$CAN" setup --frob
t_done
