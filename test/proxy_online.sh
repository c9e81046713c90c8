#!/usr/bin/env bash
# make check-online: the headline, against the real npm registry this
# machine's npm is configured for. `can run -r node -r npm -- npm install`
# of a one-dependency project through the proxy, and the installed tree
# identical to a bare `npm install` of the same project. Skips, saying so,
# when npm or the registry is not reachable from the host.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

if ! command -v npm >/dev/null; then
	t_skip "check-online: npm is not installed"
	t_done
fi
REG=$(npm config get registry 2>/dev/null)
if ! curl -sS -m 15 -o /dev/null "${REG%/}/left-pad"; then
	t_skip "check-online: the npm registry ($REG) is not reachable from this host"
	t_done
fi
TOP=$(mktemp -d "$HOME/canonline.XXXXXX")
trap 'rm -rf "$TOP"' EXIT
for d in bare can; do
	mkdir -p "$TOP/$d"
	echo '{"name":"t","version":"1.0.0","dependencies":{"left-pad":"1.3.0"}}' >"$TOP/$d/package.json"
done
(cd "$TOP/bare" && npm install --no-audit --no-fund >/dev/null 2>&1)
cd "$TOP/can" || exit 1
t_expect "can run -r node -r npm -- npm install succeeds through the proxy" 0 \
	"$CAN" run -r node -r npm -- npm install
t_grep "npm says it added the package" "added 1 package" "$T_OUT"
tree() { (cd "$1" && find node_modules -type f -exec sha256sum {} + | sort); }
if [ "$(tree "$TOP/can")" = "$(tree "$TOP/bare")" ] && [ -n "$(tree "$TOP/bare")" ]; then
	t_ok "the installed tree is identical to a bare install"
else
	t_fail "the installed tree is identical to a bare install"
	t_diag "$(diff <(tree "$TOP/bare") <(tree "$TOP/can"))"
fi
t_done
