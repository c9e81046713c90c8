#!/usr/bin/env bash
# The include rule of docs/layout.md: every #include "DIR/file.h" in a folder
# names a folder that folder may include. A new folder, or a new direction,
# is a change to the table below and to docs/layout.md, in the same commit.
. "${CAN_SRCDIR:-$(dirname "$0")/..}/test/lib.sh"
src=${CAN_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}

# folder (under the top level) -> the folders its files may include
declare -A may=(
	[core/util]="util"
	[core/lang]="util lang"
	[core/seccomp]="util lang seccomp"
	[core/notify]="util lang seccomp notify"
	[core/sandbox]="util lang seccomp notify sandbox"
	[core/probe]="util probe"
	[core/cli]="util lang seccomp notify sandbox probe cli proxy shell"
	[proxy]="util lang proxy"
	[shell]="util lang seccomp notify sandbox proxy shell"
)

# check_file FOLDER FILE: prints each forbidden include as "file:line: ..."
check_file() {
	local folder=$1 file=$2 allowed=" ${may[$1]} " n=0 line inc dir
	while IFS= read -r line; do
		n=$((n + 1))
		[[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]] || continue
		inc=${BASH_REMATCH[1]}
		case $inc in
		config.h) continue ;;
		*/*) dir=${inc%%/*} ;;
		*) # a bare name: only a file beside this one (generated or local)
			[ -e "$(dirname "$file")/$inc" ] && continue
			echo "${file#"$src"/}:$n: includes \"$inc\" without its folder"
			continue ;;
		esac
		# proxy/ and shell/ include their own files by folder too ("proxy/x.h")
		[[ $allowed == *" $dir "* ]] ||
			echo "${file#"$src"/}:$n: $folder may not include \"$inc\""
	done <"$file"
}

scan() {
	local out="" folder f
	for folder in "${!may[@]}"; do
		[ -d "$src/$folder" ] || continue
		while IFS= read -r -d '' f; do
			out+=$(check_file "$folder" "$f")$'\n'
		done < <(find "$src/$folder" -maxdepth 2 \( -name '*.c' -o -name '*.h' -o -name '*.re' \) -print0)
	done
	printf '%s' "$out"
}

bad=$(scan)
if [ -z "$bad" ]; then
	t_ok "no file includes across a forbidden direction"
else
	t_fail "no file includes across a forbidden direction"
	t_diag "$bad"
fi

# The check itself must be able to fail: plant a forbidden include in a copy.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/core/lang" "$tmp/core/util"
printf '#include "sandbox/run.h"\n' >"$tmp/core/lang/x.c"
printf '#include "cli/cli.h"\n' >"$tmp/core/util/y.c"
bad=$(src=$tmp scan)
t_grep "lang/ including sandbox/ is caught" 'core/lang/x.c:1: core/lang may not include "sandbox/run.h"' "$bad"
t_grep "the library including the CLI is caught" 'core/util/y.c:1: core/util may not include "cli/cli.h"' "$bad"
t_done
