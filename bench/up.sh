#!/usr/bin/env bash
# bench/up.sh: what a manifest costs at start-up, side by side in one
# hyperfine run: `can run -- /bin/true` against `can up t` for a
# canister.toml whose sandbox t has the same (no) recipes and command, started
# from three folders below the project root (discovery walks up), and
# `can up --dry-run t` (discovery, parsing, merging, no sandbox). Prints
# medians and the ratio to can run.
# Usage: CAN=path/to/can bench/up.sh [RUNS]   (as root it drops to the user
# $CAN_TEST_USER, else cantest, when it exists).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CAN=${CAN:-$here/../_build/core/can}
CAN=$(cd "$(dirname "$CAN")" && pwd)/$(basename "$CAN")
RUNS=${1:-100}
if [ "$(id -u)" = 0 ]; then
	user=${CAN_TEST_USER:-cantest}
	id "$user" >/dev/null 2>&1 || { echo "no user $user to run as" >&2; exit 1; }
	tmp=$(mktemp -d /tmp/canbench.XXXXXX)
	cp "$CAN" "$tmp/can"
	cp "$0" "$tmp/up.sh"
	chmod -R a+rX "$tmp"
	home=$(getent passwd "$user" | cut -d: -f6)
	exec setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups env -i \
		PATH=/usr/bin:/bin HOME="$home" CAN="$tmp/can" bash "$tmp/up.sh" "$RUNS"
fi
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
proj=$(mktemp -d "$HOME/canbench-up.XXXXXX")
trap 'rm -rf "$proj"' EXIT
mkdir -p "$proj/a/b/c"
printf '[sandbox.t]\nrecipes = []\ncommand = ["/bin/true"]\n' >"$proj/canister.toml"
cd "$proj/a/b/c"
"$CAN" up t && "$CAN" run -- /bin/true || { echo "can does not run here" >&2; exit 1; }
json=$(mktemp)
hyperfine -N --warmup 10 --runs "$RUNS" --export-json "$json" \
	-n "can run" "$CAN run -- /bin/true" \
	-n "can up" "$CAN up t" \
	-n "can up --dry-run" "$CAN up --dry-run t" >/dev/null
python3 - "$json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = r["can run"]["median"]
print("%-18s %10s %10s" % ("", "median ms", "vs can run"))
for name, x in r.items():
    print("%-18s %10.2f %10.2f" % (name, x["median"] * 1000, x["median"] / base))
PY
rm -f "$json"
