#!/usr/bin/env bash
# WebSocket upgrades through the egress proxy (docs/proxy.md, ADR 0111):
# a [[host]] block with websocket = true lets `Upgrade: websocket` through
# (wss:// inside the terminated TLS session, ws:// in plain HTTP), and
# after the origin's 101 the connection is a byte relay both ways; without
# it the upgrade is refused 403 with the TOML to paste. The origin and the
# client are test/ws_peer.py (python stdlib); the origin uses the test CA
# of test/proxy_lib.sh.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
pl_tls_enter "WebSocket upgrades" "" "python3" host.canister.local:srv
if pl_ns_root; then
	D=$CAN_PL_DIR
	pl_tls_trust
	t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh" "$CAN_SRCDIR/test/ws_peer.py" "$D/tca.pem" \
		"$D/srv.pem" "$D/srv.key"
fi
CERTS=$PWD

pl_workdir canpws
cp "$CAN_SRCDIR/test/ws_peer.py" ws.py
python3 ws.py serve "$TOP/wss.port" "$TOP/wss.log" "$CERTS/srv.pem" "$CERTS/srv.key" &
PL_PIDS+=($!)
python3 ws.py serve "$TOP/ws.port" "$TOP/ws.log" &
PL_PIDS+=($!)
for _ in $(seq 100); do [ -s "$TOP/wss.port" ] && [ -s "$TOP/ws.port" ] && break; sleep 0.05; done
[ -s "$TOP/wss.port" ] && [ -s "$TOP/ws.port" ] || { echo "Bail out! the WebSocket origins"; exit 1; }
WSS=wss://host.canister.local:$(cat "$TOP/wss.port")
WS=ws://host.canister.local:$(cat "$TOP/ws.port")
logged() { grep -c -- "$1" "$TOP/$2.log" 2>/dev/null || true; }

pl_recipe base.toml loopback
cat >ws.toml <<'T'
[[host]]
domain = "host.canister.local"
methods = ["GET"]
paths = ["/chat", "/nows", "/nows-keep", "/plain"]
websocket = true
T
cat >nows.toml <<'T'
[[host]]
domain = "host.canister.local"
methods = ["GET"]
paths = ["/chat", "/plain"]
T
run() { "$CAN" run -r ./base.toml "$@"; }

# --- legitimate work ---
t_run run -r ./ws.toml -- python3 ws.py client "$WSS/chat"
t_grep "wss:// with websocket = true: the text frame's echo comes back" '^echo: hello$' "$T_OUT"
t_run run -r ./ws.toml -- python3 ws.py client "$WS/chat"
t_grep "ws:// through the proxy with websocket = true: the echo comes back" '^echo: hello$' "$T_OUT"
t_run run -r ./ws.toml -- python3 ws.py client "$WSS/nows"
t_grep "an origin that answers the upgrade with 200: relayed as a response" '^not upgraded' "$T_OUT"
t_run run -r ./ws.toml -- python3 ws.py client "$WSS/nows-keep" /plain
t_grep "... and inside the tunnel the connection goes on as HTTP: the next request passes" \
	'not upgraded.*plain' "$(printf '%s' "$T_OUT" | tr -d '\r\n')"
t_run run -r ./ws.toml -- python3 ws.py client "$WS/nows"
t_grep "... in plain HTTP too" '^not upgraded' "$T_OUT"
t_run run -r ./nows.toml -- curl -sS -m 20 "https://host.canister.local:$(cat "$TOP/wss.port")/plain"
t_grep "a request without Upgrade to the same origin is plain HTTP" '^plain$' "$T_OUT"

# --- without websocket = true: 403, the patch, the round trip ---
before=$(logged "GET /chat" wss)
t_run run -r ./nows.toml -- python3 ws.py client "$WSS/chat"
t_grep "wss:// without websocket = true: 403 inside TLS" '^HTTP/1.1 403' "$T_OUT"
t_grep "... x-canister-error: contract-refused" 'x-canister-error: contract-refused' "$T_OUT"
t_grep "... the body says why" 'does not set websocket = true' "$T_OUT"
t_grep "... and names the TOML to paste" '^websocket = true$' "$T_OUT"
t_grep "... the same refusal on can's stderr" 'can: proxy: refused WebSocket GET host.canister.local/chat' "$T_ERR"
t_grep "nothing of it reached the origin" "^$before$" "$(logged "GET /chat" wss)"
printf '%s\n' "$T_OUT" | sed -n '/^# can proxy patch/,$p' >patch.toml
t_expect "the pasted patch validates" 0 "$CAN" recipe validate ./patch.toml
t_run run -r ./nows.toml -r ./patch.toml -- python3 ws.py client "$WSS/chat"
t_grep "with the pasted patch the upgrade passes and the echo comes back" '^echo: hello$' "$T_OUT"
t_run run -r ./nows.toml -- python3 ws.py client "$WS/chat"
t_grep "ws:// without websocket = true: 403" '^HTTP/1.1 403' "$T_OUT"
t_grep "... contract-refused" 'x-canister-error: contract-refused' "$T_OUT"

# --- attacks ---
t_run run -r ./ws.toml -- python3 ws.py client "$WSS/admin"
t_grep "wss:// to a path the contract does not list: 403" '^HTTP/1.1 403' "$T_OUT"
t_grep "... by its paths rule" 'lists paths, and none matches /admin' "$T_OUT"
t_run run -r ./ws.toml -- python3 ws.py client "$WS/admin"
t_grep "ws:// to a path the contract does not list: 403" '^HTTP/1.1 403' "$T_OUT"
t_grep "neither reached the origin" '^0 0$' "$(logged "GET /admin" wss) $(logged "GET /admin" ws)"
GHP=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
before=$(logged "GET /chat" wss)
t_run run -r ./ws.toml -- python3 ws.py client "$WSS/chat?t=$GHP"
t_grep "the upgrade request itself is scanned: a token in it is refused (DLP)" \
	'x-canister-error: dlp-blocked' "$T_OUT"
t_grep "... and it did not reach the origin" "^$before$" "$(logged "GET /chat" wss)"
cat >wsmethods.toml <<'T'
[[host]]
domain = "host.canister.local"
websocket = true
T
t_run run -r ./wsmethods.toml -- python3 ws.py client "$WSS/chat"
t_grep "websocket = true without methods or paths: any path upgrades" '^echo: hello$' "$T_OUT"
t_done
