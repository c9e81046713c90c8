#!/usr/bin/env bash
# bench/startup.sh: start-up cost of one sandboxed /bin/true, side by side:
#   bare /bin/true
#   can run -- /bin/true                (every wall: namespaces, mounts, Landlock, seccomp)
#   bwrap, closest equivalent flags     (--unshare-all, the read-only binds of base.toml,
#                                        --proc /proc, --dev /dev, --tmpfs /tmp, cwd bound)
#   firejail --noprofile --net=none     (when installed and usable by this user)
# in one hyperfine run; prints medians and the ratio to bwrap.
# Usage: CAN=path/to/can bench/startup.sh [RUNS]   (run as a normal user;
# as root it drops to the user cantest when it exists (the test user), else
# nobody).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CAN=${CAN:-$here/../_build/core/can}
CAN=$(cd "$(dirname "$CAN")" && pwd)/$(basename "$CAN")
RUNS=${1:-200}
if [ "$(id -u)" = 0 ]; then
	tmp=$(mktemp -d /tmp/canbench.XXXXXX)
	cp "$CAN" "$tmp/can"
	cp "$0" "$tmp/startup.sh"
	cp "$here/../recipes/base.toml" "$tmp/base.toml"
	chmod -R a+rX "$tmp"
	user=nobody
	id cantest >/dev/null 2>&1 && user=cantest
	chown -R "$user" "$tmp"
	cd "$tmp"
	home=$(getent passwd "$user" | cut -d: -f6)
	exec setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups env -i \
		PATH=/usr/bin:/bin HOME="$home" BENCH_TMP="$tmp" CAN="$tmp/can" BASE_TOML="$tmp/base.toml" \
		bash "$tmp/startup.sh" "$RUNS"
fi
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
BASE_TOML=${BASE_TOML:-$here/../recipes/base.toml}

# The allow list of base.toml, as bwrap read-only binds (missing ones skipped, as can does).
binds=()
while read -r p; do
	binds+=(--ro-bind-try "$p" "$p")
done < <(awk '/^allow = \[/{f=1;next} f&&/^\]/{f=0} f' "$BASE_TOML" | grep -o '"/[^"]*"' | tr -d '"')
cwd=$PWD
bwrap_cmd="bwrap --unshare-all --die-with-parent --clearenv --setenv PATH /usr/bin:/bin ${binds[*]} --proc /proc --dev /dev --tmpfs /tmp --bind $cwd $cwd --chdir $cwd /bin/true"

cmds=(-n bare "/bin/true" -n "can run" "$CAN run -- /bin/true" -n bwrap "$bwrap_cmd")
$bwrap_cmd || { echo "bwrap does not work here" >&2; exit 1; }
"$CAN" run -- /bin/true || { echo "can run does not work here" >&2; exit 1; }
if command -v firejail >/dev/null && firejail --quiet --noprofile --net=none /bin/true >/dev/null 2>&1; then
	cmds+=(-n firejail "firejail --quiet --noprofile --net=none /bin/true")
else
	echo "# firejail: skipped (not installed, or it does not run for this user)"
fi

json=$(mktemp)
hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$json" "${cmds[@]}" >/dev/null 2>&1 ||
	hyperfine --warmup 20 --runs "$RUNS" --export-json "$json" "${cmds[@]}" >/dev/null
python3 - "$json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
bw = r["bwrap"]["median"]
print("%-10s %12s %12s %10s" % ("", "median ms", "mean ms", "vs bwrap"))
for name, x in r.items():
    print("%-10s %12.2f %12.2f %9.2fx" % (name, x["median"] * 1e3, x["mean"] * 1e3, x["median"] / bw))
PY
rm -f "$json"
[ -n "${BENCH_TMP:-}" ] && rm -rf "$BENCH_TMP"
exit 0
