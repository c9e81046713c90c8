# bash completion for can(1). Commands, options and recipe names are read
# from can itself (`can --help`, `can help CMD`, `can recipe list`), so they
# never drift from the binary. Installed into bash-completion's folder.
_can_commands() {
	"$1" --help 2>/dev/null | awk '/^Commands:/{c=1;next} c&&/^  [a-z]/{print $1} c&&/^$/{c=0}'
}
_can_options() {
	"$1" help "$2" 2>/dev/null | grep -oE '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,' | sort -u
}
_can_recipes() {
	"$1" recipe list 2>/dev/null | awk 'NR>1 && $1 ~ /^[A-Za-z0-9]/ {print $1}'
}
_can() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} can=${COMP_WORDS[0]}
	local cmd="" i
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) return 0 ;; # the sandboxed command's own words: leave them alone
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [ -z "$cmd" ]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_can_commands "$can") --help --version" -- "$cur")
		return 0
	fi
	case $prev in
	-r|--recipe)
		# Recipe names, and files (a name with '/' or ending in .toml is a path).
		mapfile -t COMPREPLY < <(compgen -W "$(_can_recipes "$can")" -- "$cur"; compgen -f -X '!*.toml' -- "$cur")
		return 0 ;;
	--events) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
	esac
	case $cur in
	-*) mapfile -t COMPREPLY < <(compgen -W "$(_can_options "$can" "$cmd")" -- "$cur") ;;
	*) [ "$cmd" = help ] && mapfile -t COMPREPLY < <(compgen -W "$(_can_commands "$can")" -- "$cur") ;;
	esac
	return 0
}
complete -F _can can
