#!/usr/bin/env bash
# make check-online: the headline, against the real npm registry this
# machine's npm is configured for. `can run -r node -r npm -- npm install`
# of a one-dependency project through the proxy, and the installed tree
# identical to a bare `npm install` of the same project, through TLS the
# proxy terminates (the registry's certificate verified against the host's
# trust store, the client's against the run's CA). Skips, saying so,
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
REGHOST=$(printf '%s' "$REG" | sed -E 's#^https?://([^/:]+).*#\1#')
cat >peer.js <<'J'
// The certificate npm's TLS met: CONNECT through the proxy, then TLS.
const http = require('http'), tls = require('tls');
const host = process.argv[2];
http.request({ host: '127.0.0.1', port: 3128, method: 'CONNECT', path: host + ':443',
               headers: { Host: host + ':443' } })
  .on('connect', (res, sock) => {
    const t = tls.connect({ socket: sock, servername: host }, () => {
      const c = t.getPeerCertificate();
      console.log('subject=' + c.subject.CN + ' issuer=' + c.issuer.CN);
      t.end();
    });
    t.on('error', e => console.log('ERR ' + e.message));
  }).end();
J
t_run "$CAN" run -r node -r npm -- node peer.js "$REGHOST"
t_grep "the registry's TLS was terminated by the proxy: the leaf names it, from the run's CA" \
	"^subject=$REGHOST issuer=can sandbox proxy CA" "$T_OUT"
tree() { (cd "$1" && find node_modules -type f -exec sha256sum {} + | sort); }
if [ "$(tree "$TOP/can")" = "$(tree "$TOP/bare")" ] && [ -n "$(tree "$TOP/bare")" ]; then
	t_ok "the installed tree is identical to a bare install"
else
	t_fail "the installed tree is identical to a bare install"
	t_diag "$(diff <(tree "$TOP/bare") <(tree "$TOP/can"))"
fi
t_done
