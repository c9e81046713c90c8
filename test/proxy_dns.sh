#!/usr/bin/env bash
# The DNS stub and transparent routing (docs/proxy.md "DNS", ADR 0108-0110):
# inside a proxy-only sandbox, 127.0.0.1:53 answers allowed names with the
# stub's address (127.0.0.2) and refused ones with NXDOMAIN and a refusal
# line naming the [[host]] patch; clients that ignore the proxy variables
# connect to 127.0.0.2 on 443 or 80 and the proxy routes them by SNI or
# Host, with the forward path's contracts and refusals.
#
# The origins must listen where a transparent client's destination leads:
# allowed.test port 443 and 80. As root, this script re-runs itself in a
# private mount and network namespace where the host's /etc/hosts says
# allowed.test is 127.0.0.1, unprivileged ports start at 0 (so the test
# user's origins can take 443 and 80), and the host's trust store is the
# system roots plus a test CA (as test/proxy_tls.sh does). can itself has
# no test hook: the sandbox sees none of this (its resolv.conf and hosts
# are can's).
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
pl_tls_enter "DNS stub" -n ip allowed.test:srv
if pl_ns_root; then
	D=$CAN_PL_DIR
	printf '127.0.0.1\tlocalhost\n127.0.0.1\tallowed.test refused.test\n' >"$D/hosts"
	chmod 644 "$D/hosts"
	ip link set lo up || { echo "Bail out! lo up"; exit 1; }
	echo 0 >/proc/sys/net/ipv4/ip_unprivileged_port_start || { echo "Bail out! ports"; exit 1; }
	pl_tls_trust
	mount --bind "$D/hosts" /etc/hosts || { echo "Bail out! bind the test hosts"; exit 1; }
	t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh" "$CAN_SRCDIR/test/proxy_server.py" \
		"$CAN_SRCDIR/test/proxy_dns_client.py" "$D/srv.pem" "$D/srv.key"
fi
CERTS=$PWD

pl_workdir canpdns
cp "$CAN_SRCDIR/test/proxy_server.py" srv.py
cp "$CAN_SRCDIR/test/proxy_dns_client.py" dns.py
pl_origin tls srv 443
pl_origin plain "" 80
logged() { cat "$TOP/tls.log" "$TOP/plain.log" 2>/dev/null | grep -c -- "$1" || true; }

# dns.toml: only the stub (no allow_ips: the notification engine is off,
# Landlock alone limits connect). route.toml: allow_ips lets the proxy dial
# the origins on the host's loopback, and turns the engine's connect rules on.
cat >dns.toml <<'T'
[network]
egress = "proxy-only"

[[host]]
domain = "allowed.test"
T
cat >route.toml <<'T'
[network]
egress = "proxy-only"
allow_ips = ["127.0.0.1"]

[[host]]
domain = "allowed.test"
methods = ["GET", "HEAD"]
T
run() { local r=$1; shift; "$CAN" run -r "./$r.toml" -- "$@"; }

# --- the stub's answers ---
t_run run dns getent hosts allowed.test
t_grep "getent hosts: an allowed name resolves to the stub's address" '^127\.0\.0\.2 +allowed\.test$' "$T_OUT"
t_run run dns python3 -c 'import socket; print(sorted({a[4][0] for a in socket.getaddrinfo("allowed.test", 443)}))'
t_grep "python3 socket.getaddrinfo gets the stub's address only (no AAAA, no upstream address)" "^\['127.0.0.2'\]$" "$T_OUT"
t_run run dns python3 dns.py query allowed.test
t_grep "the A answer holds 127.0.0.2, never what the host resolves (127.0.0.1)" '^rcode=0 answers=127.0.0.2$' "$T_OUT"
t_run run dns python3 dns.py query allowed.test 28
t_grep "AAAA of an allowed name: NODATA" '^rcode=0 answers=$' "$T_OUT"
t_run run dns python3 dns.py query allowed.test 16
t_grep "TXT: REFUSED (the stub carries no data but addresses)" '^rcode=5 answers=$' "$T_OUT"
t_run run dns getent hosts refused.test
t_expect_rc() { if [ "$T_RC" = "$1" ]; then t_ok "$2"; else t_fail "$2"; t_diag "rc=$T_RC" "$T_ERR"; fi; }
t_expect_rc 2 "getent hosts: a refused name is not found"
t_grep "the supervisor's refusal line names the query" 'can: proxy: refused DNS refused\.test \(policy-blocked\)' "$T_ERR"
t_grep "and the exit report has the [[host]] patch" '^domain = "refused.test"$' "$T_ERR"
n=$(grep -c 'can: proxy: refused DNS refused.test' <<<"$T_ERR")
t_grep "one refusal line for getent's A and AAAA queries" '^1$' "$n"
t_run run dns python3 dns.py query refused.test
t_grep "a refused name is NXDOMAIN" '^rcode=3 answers=$' "$T_OUT"
rm -f "$TOP/ev.json"
t_run "$CAN" run --events "$TOP/ev.json" -r ./dns.toml -- getent hosts refused.test
t_grep "--events gets the refused name with its patch" '"what":"DNS refused.test".*"patch":"\[\[host\]\]' "$(cat "$TOP/ev.json" 2>/dev/null)"
t_run run dns python3 dns.py junk
t_grep "oversized, truncated, answer-shaped and random datagrams: a later good query still works" '^rcode=0 answers=127.0.0.2$' "$T_OUT"
t_run run dns sh -c 'echo nameserver 10.0.0.1 >/etc/resolv.conf; echo rc=$?; cat /etc/resolv.conf'
t_grep "/etc/resolv.conf is read-only inside" '^rc=[1-9]' "$T_OUT"
t_grep "and names the stub" '^nameserver 127\.0\.0\.1$' "$T_OUT"
t_run run dns python3 dns.py udp 8.8.8.8 53
t_grep "UDP to an outside resolver fails (no uplink)" '^(ENETUNREACH|EACCES)$' "$T_OUT"
t_run run route python3 dns.py udp 8.8.8.8 53
t_grep "and with the engine on it is refused" '^EACCES$' "$T_OUT"
t_run run route getent hosts allowed.test
t_grep "with the engine's connect rules on, the stub still answers" '^127\.0\.0\.2 +allowed\.test$' "$T_OUT"

# --- monitor mode: a name no block allows is answered, and suggested ---
printf '[network]\negress = "proxy-only"\n' >nohost.toml
t_run "$CAN" recipe suggest -r ./nohost.toml -- getent hosts missing.test
# (the command's stdout goes to stderr: stdout is the recipe)
t_grep "can recipe suggest: under -m the missing name resolves" '^127\.0\.0\.2 +missing\.test$' "$T_ERR"
t_grep "and the suggested recipe has a [[host]] block for it" '^domain = "missing.test"$' "$T_OUT"
n=$(grep -c '^can: proxy: monitor: would refuse DNS missing.test' <<<"$T_ERR")
t_grep "recorded once for the A and AAAA queries" '^1$' "$n"
printf '%s\n' "$T_OUT" >suggested.toml
t_run "$CAN" run -r ./nohost.toml -r ./suggested.toml -- getent hosts missing.test
t_grep "with the suggested recipe the name resolves in a normal run" '^127\.0\.0\.2 +missing\.test$' "$T_OUT"

# --- transparent routing ---
t_run run route curl -sS -m 20 --noproxy '*' https://allowed.test/hello
t_grep "curl --noproxy '*' https://allowed.test/ reaches the origin through the proxy (by SNI)" '^hello$' "$T_OUT"
[ "$T_OUT" = hello ] || t_diag "$T_ERR"
sum=$(python3 srv.py pattern 3000000)
t_run run route sh -c "curl -sS -m 30 --noproxy '*' 'https://allowed.test/big?n=3000000' | sha256sum"
t_grep "a 3 MB body through the transparent TLS path is intact" "^$sum " "$T_OUT"
t_run run route curl -sS -m 20 --noproxy '*' http://allowed.test/host
t_grep "plain HTTP to the stub's address is routed by Host" '^allowed\.test$' "$T_OUT"
t_run run route python3 dns.py direct allowed.test /hello
t_grep "python3 http.client, straight to allowed.test:443, gets through too" '^hello$' "$T_OUT"
before=$(logged refused)
t_run run route curl -sS -m 20 --noproxy '*' --resolve refused.test:443:127.0.0.2 -i https://refused.test/refused
t_grep "a refused host by SNI gets the 403 inside TLS" '^HTTP/1.1 403' "$T_OUT"
t_grep "with x-canister-error: policy-blocked" '^x-canister-error: policy-blocked' "$T_OUT"
t_grep "and the [[host]] patch in its body" '^domain = "refused.test"' "$T_OUT"
t_grep "the supervisor's line says it came by SNI" 'refused TLS refused\.test:443 \(transparent, by SNI\)' "$T_ERR"
t_run run route curl -sS -m 20 --noproxy '*' -i -H 'Host: refused.test' http://127.0.0.2/refused
t_grep "a refused Host on port 80 gets the 403 too" '^x-canister-error: policy-blocked' "$T_OUT"
t_grep "the refused requests never reached an origin" "^$before$" "$(logged refused)"
t_run run route curl -sS -m 20 --noproxy '*' -i -H 'Host: allowed.test' -X DELETE http://127.0.0.2/x
t_grep "the contract holds on the transparent path (DELETE is not in methods)" '^HTTP/1.1 405' "$T_OUT"
t_run run route curl -sS -m 20 --noproxy '*' -i -H 'Host: allowed.test:8080' http://127.0.0.2/
t_grep "a Host naming another port on port 80 is refused" '^HTTP/1.1 400' "$T_OUT"
# Only 443 and 80 of the stub's address are the proxy's; another port is
# the sandbox's own loopback (ADR 0125): its own listener, or nothing.
for r in dns route; do
	t_run run $r python3 dns.py bindconnect 127.0.0.2 8080
	t_grep "another port on the stub's address reaches the sandbox's own listener there ($r)" '^connected$' "$T_OUT"
	t_run run $r python3 -c 'import socket, errno
c = socket.socket(); c.settimeout(5)
try:
    c.connect(("127.0.0.2", 8081)); print("connected")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e)))'
	t_grep "... and without one nothing answers there, not the proxy ($r)" '^ECONNREFUSED$' "$T_OUT"
done
t_done
