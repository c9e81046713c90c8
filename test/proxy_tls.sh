#!/usr/bin/env bash
# The egress proxy's TLS termination (docs/proxy.md, ADR 0103-0106): real
# clients inside the sandbox (curl, python3 urllib, node, git) reach local HTTPS
# origins on the host's loopback through the proxy, which terminates their
# TLS with a leaf from the run's CA and dials the origin verified against
# the host's trust store. Every request inside is held to its [[host]]
# contract and refused inside TLS, where the client reads the refusal.
#
# The origins use a test CA. The proxy trusts it the only way it trusts
# anything: through the host's /etc/ssl/certs/ca-certificates.crt. This
# script (as root) re-runs itself in a private mount namespace where that
# file is the system roots plus the test CA, so can itself has no test
# hook at all (ADR 0105).
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
pl_tls_enter "TLS termination" "" "" host.canister.local:srv other.example:wrongname \
	host.canister.local:selfsigned:self
if pl_ns_root; then
	D=$CAN_PL_DIR
	# Fail closed: a host without a readable trust store gets no proxy, so
	# nothing runs (the result is asserted below, as the test user).
	u=${CAN_TEST_USER:-cantest}
	id "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u" >/dev/null 2>&1
	printf '[network]\negress = "proxy-only"\n' >"$D/noroots.toml"
	chmod 644 "$D/noroots.toml"
	unshare -m --propagation private sh -c "mount --bind /dev/null $PL_SYS && cd $D &&
		setpriv --reuid=$u --regid=$u --init-groups \
		env HOME=$D PATH=/usr/bin:/bin '$CAN' run -r ./noroots.toml -- true" \
		>"$D/noroots.out" 2>&1
	echo $? >"$D/noroots.rc"
	pl_tls_trust
	t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh" "$CAN_SRCDIR/test/proxy_server.py" "$D/tca.pem" \
		"$D/srv.pem" "$D/srv.key" "$D/wrongname.pem" "$D/wrongname.key" "$D/selfsigned.pem" \
		"$D/selfsigned.key" "$D/noroots.out" "$D/noroots.rc"
fi
CERTS=$PWD

pl_workdir canptls
cp "$CAN_SRCDIR/test/proxy_server.py" srv.py
cp "$CERTS/tca.pem" tca.pem
# A bare repository for git's smart HTTP (served by git http-backend).
GITROOT=$TOP/git
git init -q --bare "$GITROOT/repo.git"
git -C "$GITROOT/repo.git" config http.receivepack true
WORK=$TOP/work
git init -q "$WORK"
echo "through the proxy" >"$WORK/file.txt"
git -C "$WORK" add file.txt
git -C "$WORK" -c user.name=t -c user.email=t@t commit -qm one
git -C "$WORK" push -q "$GITROOT/repo.git" HEAD:refs/heads/main
git -C "$GITROOT/repo.git" symbolic-ref HEAD refs/heads/main
export GIT_PROJECT_ROOT=$GITROOT
pl_origin good srv
pl_origin wrongname wrongname
pl_origin selfsigned selfsigned
LOG=$TOP/good.log
U=https://host.canister.local:$PORT_good

cat >loop.toml <<'T'
[network]
egress = "proxy-only"
allow_host_loopback = true
T
run() { "$CAN" run -r ./loop.toml "$@"; }
logged() { grep -c -- "$1" "$LOG" 2>/dev/null || true; }
# tlsraw SNI AUTHORITY REQUEST: REQUEST inside a terminated tunnel, as sent.
tlsraw() {
	printf '%s' "$3" >req.txt
	run "${RAWR[@]}" -- python3 srv.py tlsraw 127.0.0.1 3128 "$2" "$1" req.txt
}
RAWR=()
A=host.canister.local:$PORT_good

# --- legitimate work ---
t_run run -- curl -sS -m 20 "$U/hello"
t_grep "curl inside gets an HTTPS origin through the terminated tunnel" '^hello$' "$T_OUT"
t_run run -- curl -sS -m 20 -o /dev/null -w '%{http_version} %{ssl_verify_result}\n' "$U/hello"
t_grep "it speaks HTTP/1.1 and verifies the leaf against the bundle inside" '^1.1 0$' "$T_OUT"
t_run run -- curl -sS -m 20 "$U/hello" "$U/host"
t_grep "keep-alive: two requests in one tunnel both pass" "^hellohost.canister.local:$PORT_good$" "$T_OUT"
ports=$(grep -E '^GET /(hello|host) from' "$LOG" | tail -2 | awk '{print $4}' | sort -u | wc -l)
t_grep "and the origin saw them on one connection" '^1$' "$ports"
t_run run -- python3 -c "import urllib.request;print(urllib.request.urlopen('$U/hello').read().decode())"
t_grep "python3 urllib (HTTPS_PROXY, the system store) gets it too" '^hello$' "$T_OUT"
cat >node.js <<'J'
// node 18+ has no proxy support of its own: CONNECT by hand, then https
// over the tunnel (the CA comes from NODE_EXTRA_CA_CERTS).
const http = require('http'), https = require('https'), tls = require('tls');
const [host, port, path] = process.argv.slice(2);
http.request({ host: '127.0.0.1', port: 3128, method: 'CONNECT', path: `${host}:${port}`,
               headers: { Host: `${host}:${port}` } })
  .on('connect', (res, sock) => {
    https.get({ host, port, path, createConnection: () => tls.connect({ socket: sock, servername: host }) },
      r => { let b = ''; r.on('data', d => b += d); r.on('end', () => console.log(r.statusCode, b)); })
      .on('error', e => console.log('ERR', e.code || e.message));
  }).on('error', e => console.log('ERR', e.message)).end();
J
t_run run -- node node.js host.canister.local "$PORT_good" /hello
t_grep "node https (NODE_EXTRA_CA_CERTS) gets it too" '^200 hello$' "$T_OUT"
t_run run -- sh -c "git clone -q '$U/git/repo.git' cloned && cat cloned/file.txt"
t_grep "git clone over https (GIT_SSL_CAINFO, https_proxy) gets the repository" \
	'^through the proxy$' "$T_OUT"
t_run run -- sh -c "cd cloned && echo more >>file.txt && git -c user.name=t -c user.email=t@t \
	commit -qam two && git push -q origin HEAD:main && echo pushed"
t_grep "git push over https through the tunnel (receive-pack, a POST body)" '^pushed$' "$T_OUT"
t_grep "and the origin has the commit" 'two' "$(git -C "$GITROOT/repo.git" log --format=%s main)"

N=$((64 * 1024 * 1024 + 123))
want=$(python3 srv.py pattern $N)
t_run run -- sh -c "curl -sS -m 120 '$U/big?n=$N' | sha256sum"
t_grep "a 64 MiB streamed download through TLS arrives intact" "^$want " "$T_OUT"
head -c 5000000 /dev/urandom >up.bin
want=$(sha256sum up.bin | cut -d' ' -f1)
t_run run -- curl -sS -m 60 -H 'Transfer-Encoding: chunked' -T up.bin "$U/echo"
t_grep "a chunked upload through TLS arrives intact" "^5000000 $want$" "$T_OUT"
t_run run -- curl -sS -m 60 --data-binary @up.bin "$U/echo" --next "$U/hello"
t_grep "a Content-Length upload, then a request after it on the same tunnel" "^5000000 ${want}hello$" "$T_OUT"

# --- trust inside ---
t_grep "no trust store on the host: nothing runs (126), no silent tunnel" '^126$' "$(cat "$CERTS/noroots.rc")"
t_grep "and can says why" "the egress proxy's CA: load the host's trust store" "$(cat "$CERTS/noroots.out")"
t_run run -- env
for v in SSL_CERT_FILE NODE_EXTRA_CA_CERTS REQUESTS_CA_BUNDLE PIP_CERT CURL_CA_BUNDLE GIT_SSL_CAINFO \
	CARGO_HTTP_CAINFO DENO_CERT npm_config_cafile; do
	t_grep "$v names the bundle inside" "^$v=$PL_SYS$" "$T_OUT"
done
t_run run -- sh -c "grep -c 'this run.s proxy CA' $PL_SYS; echo x >>$PL_SYS"
t_grep "the bundle inside is the system roots and the run's CA" '^1$' "$T_OUT"
t_grep "and it is read-only" 'Read-only|Permission denied' "$T_ERR"
t_run run -- curl -sS -m 20 --cacert ./tca.pem "$U/hello"
t_grep "a client that trusts only the origin's CA fails: the run's CA is what it meets" \
	'curl: \(60\)|certificate' "$T_ERR"
t_run run -- curl -sS -m 20 --cacert /dev/null --capath /nonexistent "$U/hello"
# curl's message and the proxy's line share stderr and may interleave
# ("ccan: proxy: ...url: (77)"): match the code, not the prefix.
t_grep "a client that trusts nothing fails" '\((60|77)\) ' "$T_ERR"
t_grep "and can says why on its side" 'TLS session with the sandbox.s client' "$T_ERR"

# The CA key: nowhere the sandbox can read. Every PEM private key in the
# folders a sandbox sees is compared with the run CA's public key (the last
# certificate of the bundle); the origin's key in the cwd shows the search
# finds keys at all.
cat >findkey.sh <<'S'
awk '/BEGIN CERT/{c=""} {c=c $0 "\n"} END{printf "%s", c}' /etc/ssl/certs/ca-certificates.crt >/tmp/runca.pem
ca=$(openssl x509 -in /tmp/runca.pem -noout -pubkey | sha256sum)
found=0
for f in $(grep -rlsI -- '-----BEGIN .*PRIVATE KEY-----' /etc /tmp /run /var /home /root "$HOME" "$PWD" /dev/shm 2>/dev/null | sort -u); do
	found=$((found + 1))
	k=$(openssl pkey -in "$f" -pubout 2>/dev/null | sha256sum)
	[ "$k" = "$ca" ] && echo "CA KEY IN $f"
done
for f in /proc/1/mem /proc/1/environ /proc/self/environ; do
	grep -qs -- 'PRIVATE KEY' "$f" && echo "KEY TEXT IN $f"
done
echo "keys seen: $found"
S
cp "$CERTS/srv.key" ./origin.key
t_run run -- sh findkey.sh
t_grep "the search inside finds private keys (the origin's, in the cwd)" 'keys seen: [1-9]' "$T_OUT"
t_nogrep "none of them is the run's CA key" 'CA KEY IN|KEY TEXT IN' "$T_OUT"

# --- upstream is verified against the host's trust store ---
t_run run -- curl -sS -m 20 -D - "https://host.canister.local:$PORT_selfsigned/hello"
t_grep "an origin whose certificate no root signs: 502 inside TLS" "^HTTP/1.1 502" "$T_OUT"
t_grep "x-canister-error: upstream-failed, saying why" \
	"x-canister-error: upstream-failed|did not verify" "$T_OUT"
t_run run -- curl -sS -m 20 -D - "https://host.canister.local:$PORT_wrongname/hello"
t_grep "an origin whose certificate names another host: 502" "^HTTP/1.1 502" "$T_OUT"
t_grep "its reason is the name check" "Hostname mismatch|hostname" "$T_OUT"
t_nogrep "neither request reached those origins" 'GET /hello' \
	"$(cat "$TOP/selfsigned.log" "$TOP/wrongname.log")"

# --- contracts inside TLS, refusals the client reads, the round trip ---
cat >contract.toml <<'T'
[[host]]
domain = "host.canister.local"
methods = ["GET"]
paths = ["/hello", "/big"]
T
RAWR=(-r ./contract.toml)
before=$(logged "POST /echo")
t_run run -r ./contract.toml -- curl -sS -m 20 -D - --data-binary @up.bin "$U/echo"
t_grep "a method the contract does not list: 405 inside TLS" "^HTTP/1.1 405" "$T_OUT"
t_grep "x-canister-error: contract-refused" "x-canister-error: contract-refused" "$T_OUT"
t_grep "the body names the TOML to paste" 'methods = \["POST"\]' "$T_OUT"
t_grep "the same refusal on can's stderr" "can: proxy: refused POST host.canister.local/echo" "$T_ERR"
t_grep "nothing of it reached the origin" "^$before$" "$(logged "POST /echo")"
t_run run -r ./contract.toml -- curl -sS -m 20 -D - "$U/host"
t_grep "a path the contract does not list: 403" "^HTTP/1.1 403" "$T_OUT"
printf '%s\n' "$T_OUT" | sed -n '/^# can proxy patch/,$p' >patch.toml
t_expect "the pasted patch validates" 0 "$CAN" recipe validate ./patch.toml
t_run run -r ./contract.toml -r ./patch.toml -- curl -sS -m 20 "$U/host"
t_grep "with the pasted patch the same HTTPS request passes" "^host.canister.local:$PORT_good$" "$T_OUT"
t_run run -r ./contract.toml -- curl -sS -m 20 -D - "$U/hello" "$U/host"
t_grep "keep-alive: an allowed request, then a refused one in the same tunnel" \
	"hello.*HTTP/1.1 403" "$(printf '%s' "$T_OUT" | tr -d '\r\n')"
cat >types.toml <<'T'
[[host]]
domain = "host.canister.local"
content_types = ["application/json"]
max_request_bytes = 1000
T
t_run run -r ./types.toml -- curl -sS -m 20 -D - -H 'Content-Type: text/plain' -d x "$U/echo"
t_grep "a content type the contract does not list: 415" "^HTTP/1.1 415" "$T_OUT"
before=$(logged "POST /echo")
t_run run -r ./types.toml -- curl -sS -m 20 -D - -H 'Content-Type: application/json' --data-binary @up.bin "$U/echo"
t_grep "a body over max_request_bytes: 413" "^HTTP/1.1 413" "$T_OUT"
t_run run -r ./types.toml -- curl -sS -m 20 -D - -H 'Content-Type: application/json' \
	-H 'Transfer-Encoding: chunked' -T up.bin "$U/echo"
t_grep "a chunked body that grows over it: 413" "^HTTP/1.1 413" "$T_OUT"
t_grep "neither reached the origin" "^$before$" "$(logged "POST /echo")"

# --- attacks inside the tunnel ---
t_run tlsraw host.canister.local "$A" "GET /hello HTTP/1.1
Host: evil.example

"
t_grep "Host naming another place than the CONNECT authority: 421" "^HTTP/1.1 421" "$T_OUT"
t_grep "x-canister-error: host-mismatch" "x-canister-error: host-mismatch" "$T_OUT"
t_run tlsraw other.example "$A" "GET /hello HTTP/1.1
Host: $A

"
t_grep "an SNI naming another host than the CONNECT authority: 421" "^HTTP/1.1 421" "$T_OUT"
t_grep "its reason names the SNI" "server name \(SNI\) other.example" "$T_OUT"
t_run tlsraw host.canister.local "$A" "GET http://evil.example/ HTTP/1.1
Host: $A

"
t_grep "an absolute-form target inside the tunnel: 400" "^HTTP/1.1 400" "$T_OUT"
t_run tlsraw host.canister.local "$A" "POST /echo HTTP/1.1
Host: $A
Content-Length: 5
Transfer-Encoding: chunked

0

"
t_grep "CL with TE inside the tunnel: 400" "^HTTP/1.1 400" "$T_OUT"
t_run tlsraw host.canister.local "$A" "GET /hello HTTP/1.1
Host: $A
Connection: Upgrade
Upgrade: h2c

"
t_grep "an h2c upgrade inside the tunnel is refused (501), not half-relayed" "^HTTP/1.1 501" "$T_OUT"
t_run tlsraw host.canister.local "$A" "GET /hello HTTP/1.1
Host: $A
Connection: Upgrade
Upgrade: websocket

"
t_grep "a WebSocket upgrade without websocket = true: 403 (test/proxy_ws.sh has the rest)" \
	"^HTTP/1.1 403" "$T_OUT"
t_run tlsraw host.canister.local "$A" "GET /hello HTTP/1.1
Host: $A

GET /host HTTP/1.1
Host: evil.example

"
t_grep "a pipelined second request is decided on its own: the first passes" "hello" "$T_OUT"
t_grep "and the second, with a foreign Host, is refused" "HTTP/1.1 421" "$T_OUT"
t_nogrep "which never reached the origin" "GET /host from" "$(tail -1 "$LOG")"
t_run run -r ./contract.toml -- curl -sS -m 20 -D - --data-binary @up.bin "$U/hello"
t_grep "the contract holds for every request of a kept-alive tunnel (POST after GET refused)" \
	"^HTTP/1.1 405" "$T_OUT"

t_done
