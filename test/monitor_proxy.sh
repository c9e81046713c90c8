#!/usr/bin/env bash
# Monitor mode and the egress proxy (docs/monitor.md, ADR 0204): under
# `can run -m` a request a [[host]] block would refuse (its method, path,
# content type, size, or a name without a block) is forwarded and recorded
# with the [[host]] TOML that allows it; the run's report carries the merged
# patch, and a normal run with that patch passes. What monitor never relaxes:
# the address checks (allow_host_loopback, allow_ips) and DLP, whose finding
# stays refused and whose value appears in no report.
#
# The origin is a local HTTPS server with a test CA, trusted the way
# test/proxy_tls.sh does it: the host's trust store is swapped in a private
# mount namespace, so can has no test hook.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
pl_tls_enter "monitor mode through the proxy" "" "" host.canister.local:srv
if pl_ns_root; then
	pl_tls_trust
	t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh" "$CAN_SRCDIR/test/proxy_server.py" \
		"$CAN_PL_DIR/srv.pem" "$CAN_PL_DIR/srv.key"
fi
CERTS=$PWD

pl_workdir canmonp
pl_origin good srv
PORT=$PORT_good
LOG=$TOP/good.log
U=https://host.canister.local:$PORT
logged() { grep -c -- "$1" "$LOG" 2>/dev/null || true; }

# A recipe whose contract allows GET of /hello only.
cat >contract.toml <<'T'
[network]
egress = "proxy-only"
allow_host_loopback = true

[[host]]
domain = "host.canister.local"
methods = ["GET"]
paths = ["/hello"]
T

# --- the attack a normal run stops, and what monitor does with it ---
t_run "$CAN" run -r ./contract.toml -- curl -sS -m 20 -o /dev/null -w '%{http_code}\n' -d x "$U/echo"
t_grep "a normal run: POST where the contract allows only GET is refused (405)" '^405$' "$T_OUT"
before=$(logged "POST /echo")
t_run "$CAN" run -m --events "$TOP/ev.json" -r ./contract.toml -- \
	curl -sS -m 20 -w '\n%{http_code}\n' -d x "$U/echo"
t_grep "monitor: the same POST reaches the origin (200)" '^200$' "$T_OUT"
t_grep "and the origin saw it" "^$((before + 1))$" "$(logged "POST /echo")"
t_grep "the report says the proxy would have refused it" \
	'monitor: would refuse POST host.canister.local/echo \(contract-refused\)' "$T_ERR"
t_grep "the report's patch is the method addition" 'methods = \["POST"\]' "$T_ERR"
t_grep "and the path addition: every rule the request breaks is named" 'paths = \["/echo"\]' "$T_ERR"
t_grep "--events marks it as observed, not refused" '"monitor":true' "$(cat "$TOP/ev.json")"

# --- the round trip: the patch from the report lets a normal run pass ---
printf '%s\n' "$T_ERR" | sed -n '/^# can proxy patch/,/^can: /p' | grep -v '^can: ' >patch.toml
t_expect "the report's patch validates as a recipe" 0 "$CAN" recipe validate ./patch.toml
t_run "$CAN" run -r ./contract.toml -r ./patch.toml -- curl -sS -m 20 -w '\n%{http_code}\n' -d x "$U/echo"
t_grep "with the patch, a normal run's POST passes" '^200$' "$T_OUT"
t_nogrep "and nothing is refused" 'can: proxy: refused' "$T_ERR"

# --- a path outside the contract: observed too ---
t_run "$CAN" run -m -r ./contract.toml -- curl -sS -m 20 "$U/host"
t_grep "monitor: GET of a path outside the contract reaches the origin" \
	"^host.canister.local:$PORT$" "$T_OUT"
t_grep "and the report names the path" 'paths = \["/host"\]' "$T_ERR"

# --- can recipe suggest: the [[host]] blocks, one per domain, in the recipe ---
"$CAN" recipe suggest -r ./contract.toml -- sh -c "curl -sS -m 20 -d x '$U/echo' >/dev/null &&
	curl -sS -m 20 -H 'Content-Type: text/plain' -d y '$U/host' >/dev/null" \
	>suggested.toml 2>suggest.err
t_grep "suggest's recipe holds one [[host]] block for the domain" '^1$' \
	"$(grep -c '^domain = "host.canister.local"' suggested.toml)"
t_grep "with the methods of both requests" '^methods = \["POST"\]$' "$(cat suggested.toml)"
t_grep "and both paths" '^paths = \["/echo", "/host"\]$' "$(cat suggested.toml)"
t_expect "the suggested recipe validates" 0 "$CAN" recipe validate ./suggested.toml
t_run "$CAN" run -r ./contract.toml -r ./suggested.toml -- sh -c "curl -sS -m 20 -w ' %{http_code}\n' -d x '$U/echo' &&
	curl -sS -m 20 -w ' %{http_code}\n' -d y '$U/host'"
t_grep "rerun normally with it, both requests pass" '^2$' "$(printf '%s\n' "$T_OUT" | grep -c ' 200$')"
t_nogrep "with no refusal" 'can: proxy: refused' "$T_ERR"

# --- what monitor never relaxes ---
cat >noloop.toml <<'T'
[network]
egress = "proxy-only"
T
before=$(logged "GET /hello")
t_run "$CAN" run -m -r ./noloop.toml -- curl -sS -m 20 -o /dev/null -w '%{http_connect}\n' "$U/hello"
t_grep "monitor: the host's loopback without allow_host_loopback is still refused (403)" \
	'^403$' "$T_OUT"
t_grep "and never reached" "^$before$" "$(logged "GET /hello")"
t_run "$CAN" run -m -r ./contract.toml -- curl -sS -m 20 --noproxy '' -o /dev/null -w '%{http_connect}\n' \
	"https://127.0.0.1:$PORT/hello"
t_grep "monitor: an IP literal allow_ips does not list is still refused" '^403$' "$T_OUT"

t_run "$CAN" run -m -r ./contract.toml -- curl -sS -m 20 -g -o /dev/null -w '%{http_code}\n' "$U/a/**"
t_grep "monitor: a path that would be a wider glob in the suggestion is refused, not suggested" \
	'^403$' "$T_OUT"
t_nogrep "and no such path is in the report" 'paths = \["/a' "$T_ERR"

# A DLP finding: a GitHub token in a body. Monitor still blocks it: a
# secret that left because monitor was on is a data loss (ADR 0204).
GHP=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
cat >open.toml <<'T'
[network]
egress = "proxy-only"
allow_host_loopback = true

[[host]]
domain = "host.canister.local"
T
before=$(logged "POST /echo")
t_run "$CAN" run -m --events "$TOP/dlp.json" -r ./open.toml -- \
	curl -sS -m 20 -D - -d "token=$GHP" "$U/echo"
t_grep "monitor: a secret in a body is still refused (dlp-blocked)" 'x-canister-error: dlp-blocked' "$T_OUT"
t_grep "and never reached the origin" "^$before$" "$(logged "POST /echo")"
t_nogrep "the report never holds the secret's value" "$GHP|C3J27XDCG2" "$T_ERR"
t_nogrep "nor does --events" "$GHP|C3J27XDCG2" "$(cat "$TOP/dlp.json")"
t_nogrep "and no DLP finding is offered as a patch" 'would refuse.*dlp' "$T_ERR"

t_done
