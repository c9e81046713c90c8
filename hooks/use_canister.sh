# use_canister: direnv's `use canister`, printed by `can direnv` and
# installed by `can direnv --install` into ~/.config/direnv/lib/
# (docs/session.md).
#
#   use canister -r RECIPE [-r RECIPE ...]   a layer of these recipes
#   use canister NAME                        the sandbox NAME of the nearest
#                                            canister.toml (not with -r)
#
# In a can session it tells the supervisor to read this directory's
# declaration ("canister 1 declare DIR" on the session's FIFO). That is a
# hint, not authority: the supervisor reads .envrc itself, and the layer
# applies only once you approve it with `can allow DIR` (from outside the
# project). It exports CANISTER_LAYER=DIR for prompts (direnv unexports it
# when you leave), and in a proxy-only layer the session proxy's and CA
# bundle's variables (`can status --env`); it watches the recipe files it
# names, so direnv reloads when they change. Outside a session it says so
# and does nothing else.
use_canister() {
	if [ -z "${CANISTER_SESSION:-}" ]; then
		printf 'can: use canister: %s needs a can session to be a layer (see can hook): nothing declared\n' "$PWD" >&2
		return 0
	fi
	# The physical path: the supervisor matches layers against processes'
	# real working directories.
	local dir
	dir=$(pwd -P) || return 1
	case $dir in
	*$'\t'* | *$'\n'*)
		printf 'can: use canister: %s: a layer directory may not contain a tab or a newline\n' "$dir" >&2
		return 1 ;;
	esac
	# One FIFO line is at most 4096 bytes.
	if [ "${#dir}" -gt 4070 ]; then
		printf 'can: use canister: %s: the path is too long for a layer\n' "$dir" >&2
		return 1
	fi
	local -a watch=()
	local r name=
	while [ $# -gt 0 ]; do
		case $1 in
		-r | --recipe)
			if [ $# -lt 2 ]; then
				printf 'can: use canister: %s needs a recipe name\n' "$1" >&2
				return 1
			fi
			r=$2
			shift 2 ;;
		--recipe=*)
			r=${1#--recipe=}
			shift ;;
		-*)
			printf "can: use canister: unknown option '%s' (write -r RECIPE or a sandbox NAME of canister.toml)\n" "$1" >&2
			return 1 ;;
		*)
			# A sandbox of the nearest canister.toml (as can up finds it,
			# up to $HOME): watch it and its project recipes, so direnv
			# reloads and the supervisor re-reads when they change.
			if [ -n "${name:-}" ]; then
				printf "can: use canister: more than one sandbox name ('%s', '%s')\n" "$name" "$1" >&2
				return 1
			fi
			name=$1
			local m=$dir f
			while :; do
				if [ -f "$m/canister.toml" ]; then
					watch+=("$m/canister.toml")
					for f in "$m"/.canister/*.toml; do
						[ -f "$f" ] && watch+=("$f")
					done
					break
				fi
				if [ "$m" = "${HOME:-/}" ] || [ "$m" = / ]; then
					# None yet: direnv reloads when one is created here.
					watch+=("$dir/canister.toml")
					break
				fi
				m=${m%/*}
				m=${m:-/}
			done
			shift
			continue ;;
		esac
		case $r in
		*/* | *.toml) watch+=("$r") ;;
		*)
			# Where lang/lookup.c searches for a name (the built-ins
			# change only with can itself).
			r=${r#tool:}
			local d
			watch+=("${XDG_CONFIG_HOME:-$HOME/.config}/canister/recipes/$r.toml"
				"${XDG_CONFIG_HOME:-$HOME/.config}/canister/recipes/tools/$r.toml"
				"$dir/.canister/$r.toml")
			if [ -n "${CAN_RECIPE_PATH:-}" ]; then
				local IFS=:
				for d in $CAN_RECIPE_PATH; do
					[ -n "$d" ] && watch+=("$d/$r.toml" "$d/tools/$r.toml")
				done
			fi ;;
		esac
	done
	if [ ${#watch[@]} -gt 0 ] && declare -F watch_file >/dev/null; then
		watch_file "${watch[@]}"
	fi
	local fifo=${CANISTER_SESSION_FIFO:-}
	if [ -z "$fifo" ] || [ ! -p "$fifo" ]; then
		printf 'can: use canister: the session has no FIFO (%s): is its supervisor gone?\n' "${fifo:-CANISTER_SESSION_FIFO unset}" >&2
		return 1
	fi
	# Read-write: the open never waits for a reader. Inside an active
	# layer nothing in the session's folder is writable, the FIFO included:
	# the hint is not needed there (the supervisor re-reads the declarations
	# at every refresh and at `can allow`), so a refused write is no error.
	{ printf 'canister 1 declare %s\n' "$dir" 1<>"$fifo"; } 2>/dev/null || true
	export CANISTER_LAYER="$dir"
	# A layer in force whose egress is proxy-only reaches the network
	# through the session's egress proxy only (docs/adr/0261): the proxy
	# and CA variables can run sets, from the supervisor's state file, in
	# one block (direnv unexports them when you leave). Nothing for any
	# other layer, nor before the layer is approved (`direnv reload` then).
	local exports
	exports=$(can status --env 2>/dev/null </dev/null) || true
	[ -z "$exports" ] || eval "$exports"
}
