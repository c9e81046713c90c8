#!/usr/bin/env bash
# The session's high-entropy byte budget (docs/dlp.md, ADR 0145): with
# [network.dlp] session_entropy_budget set, the high-entropy bytes of all
# the sandbox's requests add up, and the request that would take the sum
# past the budget is refused (403 dlp-blocked, "entropy-budget") before it
# reaches the origin, however the data is split across requests. Prose
# requests are not charged and keep passing; without the setting (the
# default), the same requests all pass.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

TOP=$(mktemp -d /tmp/candlpbud.XXXXXX)
mkdir -p "$TOP/www" && echo ok >"$TOP/www/x"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server -b 127.0.0.1 -d "$TOP/www" "$PORT" >"$TOP/log" 2>&1 &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$TOP"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/x" && break; sleep 0.05; done
cd "$TOP" || exit 1
cat >budget.toml <<'T'
[network]
egress = "proxy-only"
allow_host_loopback = true

[network.dlp]
enabled = true
session_entropy_budget = 2500
T
cat >nobudget.toml <<'T'
[network]
egress = "proxy-only"
allow_host_loopback = true

[network.dlp]
enabled = true
T
# 4 pieces of 1000 random base64 characters (one secret, split): 4000
# high-entropy bytes in all, each request alone well under 2500.
python3 -c '
import base64, os
for i in range(4):
    print(base64.b64encode(os.urandom(750)).decode().replace("+","-").replace("/","_"))' >pieces
cat >send.sh <<S
i=0
while read -r p; do
	i=\$((i+1))
	curl -sS -m 20 -o /dev/null -w "piece\$i %{http_code}\n" "http://host.canister.local:$PORT/x?d=\$p"
	curl -sS -m 20 -o /dev/null -w "prose\$i %{http_code}\n" "http://host.canister.local:$PORT/x?q=the+quick+brown+fox+jumps"
done <pieces
S
t_run "$CAN" run -r ./budget.toml -- sh send.sh
t_grep "the first two pieces (2000 bytes) pass" '^piece2 200$' "$T_OUT"
t_grep "the third would pass the 2500-byte budget: 403" '^piece3 403$' "$T_OUT"
t_grep "and so the fourth" '^piece4 403$' "$T_OUT"
t_grep "prose requests keep passing after the budget is spent" '^prose4 200$' "$T_OUT"
t_grep "the refusal names the budget on stderr" 'entropy-budget' "$T_ERR"
P1=$(sed -n 1p pieces) P3=$(sed -n 3p pieces)
t_grep "the origin logged the first piece (the log check can see a piece)" '^1$' "$(grep -c -- "${P1:0:40}" "$TOP/log")"
t_grep "the origin never saw the third piece" '^0$' "$(grep -c -- "${P3:0:40}" "$TOP/log")"
t_run "$CAN" run -r ./nobudget.toml -- sh send.sh
t_grep "without session_entropy_budget all four pieces pass (the test can fail)" '^piece4 200$' "$T_OUT"
t_done
