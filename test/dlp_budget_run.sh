#!/usr/bin/env bash
# The session's high-entropy byte budget (docs/dlp.md, ADR 0145): with
# [network.dlp] session_entropy_budget set, the high-entropy bytes of all
# the sandbox's requests add up, and the request that would take the sum
# past the budget is refused (403 dlp-blocked, "entropy-budget") before it
# reaches the origin, however the data is split across requests. Prose
# requests are not charged and keep passing; without the setting (the
# default), the same requests all pass.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh" "$CAN_SRCDIR/test/dlp_server.py"

pl_workdir candlpbud
pl_dlp_origin
pl_recipe budget.toml loopback "enabled = true" "session_entropy_budget = 2500"
pl_recipe nobudget.toml loopback "enabled = true"
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
	curl -sS -m 20 -o /dev/null -w "piece\$i %{http_code}\n" "http://$H/x?d=\$p"
	curl -sS -m 20 -o /dev/null -w "prose\$i %{http_code}\n" "http://$H/x?q=the+quick+brown+fox+jumps"
done <pieces
S
t_run "$CAN" run -r ./budget.toml -- sh send.sh
t_grep "the first two pieces (2000 bytes) pass" '^piece2 200$' "$T_OUT"
t_grep "the third would pass the 2500-byte budget: 403" '^piece3 403$' "$T_OUT"
t_grep "and so the fourth" '^piece4 403$' "$T_OUT"
t_grep "prose requests keep passing after the budget is spent" '^prose4 200$' "$T_OUT"
t_grep "the refusal names the budget on stderr" 'entropy-budget' "$T_ERR"
P1=$(sed -n 1p pieces) P3=$(sed -n 3p pieces)
t_grep "the origin logged the first piece (the log check can see a piece)" '^1$' "$(grep -c -- "${P1:0:40}" "$DLP_LOG")"
t_grep "the origin never saw the third piece" '^0$' "$(grep -c -- "${P3:0:40}" "$DLP_LOG")"
t_run "$CAN" run -r ./nobudget.toml -- sh send.sh
t_grep "without session_entropy_budget all four pieces pass (the test can fail)" '^piece4 200$' "$T_OUT"
t_done
