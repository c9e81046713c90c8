# The man page and --help tell the same truth: every command `can --help`
# lists and every long option `can help CMD` shows appear in can(1), and the
# man page lists no command that --help hides.
. "${CAN_SRCDIR}/test/lib.sh"
man="$CAN_SRCDIR/docs/man/can.1"
# Strip roff escapes so "\-\-json" reads "--json".
text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$man")
cmds=$("$CAN" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}' | grep -v '^help$')
[ -n "$cmds" ] && t_ok "--help lists commands" || t_fail "--help lists commands"
for c in $cmds; do
	t_grep "can($c) is in the man page" "(^|[^a-z-])can $c|^\.B $c|^$c" "$(printf '%s\n' "$text" | grep -E "^\.(B|TP|SH)|^can|^\.B" )"
	opts=$("$CAN" help "$c" | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	for o in $opts; do
		case "$o" in --help) continue ;; esac
		t_grep "can $c $o is in the man page" "(^|[^a-z-])$o([^a-z-]|\$)" "$text"
	done
done
# Nothing hidden is documented as available: commands in the SYNOPSIS must be ready.
for c in $(printf '%s\n' "$text" | sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' | awk '/^\.B can [a-z]/ {print $3}' | sort -u); do
	t_grep "man page synopsis command '$c' is in --help" "^  $c " "$("$CAN" --help)"
done
t_done
