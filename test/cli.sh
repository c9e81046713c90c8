# The can command line: version, help, usage errors.
. "${CAN_SRCDIR}/test/lib.sh"

t_expect "--version exits 0" 0 "$CAN" --version
t_grep "--version prints 'can X.Y.Z'" '^can [0-9]+\.[0-9]+\.[0-9]+$' "$T_OUT"
t_expect "--help exits 0" 0 "$CAN" --help
t_grep "--help has a Usage: line" '^Usage: can' "$T_OUT"
t_grep "--help lists Commands:" 'Commands:' "$T_OUT"
t_expect "help with no command is the same as --help" 0 "$CAN" help
t_grep "help lists check" '  check ' "$T_OUT"
t_expect "unknown command is a usage error" 2 "$CAN" frobnicate
t_grep "unknown command names itself" "unknown command 'frobnicate'" "$T_ERR"
t_grep "unknown command gives a hint" "Try 'can --help'" "$T_ERR"
t_expect "unknown global flag is a usage error" 2 "$CAN" --frob
t_expect "no command is a usage error" 2 "$CAN"
t_expect "help for an unknown command is a usage error" 2 "$CAN" help frobnicate
for c in session status allow layers hook direnv; do
	t_grep "--help lists $c (issue 10)" "^  $c " "$("$CAN" --help)"
done
for c in up init update; do
	t_grep "--help lists $c (issue 13)" "^  $c " "$("$CAN" --help)"
done
for c in hook direnv; do
	t_grep "--help lists $c (issue 10)" "^  $c " "$("$CAN" --help)"
done
t_done
