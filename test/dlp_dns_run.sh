#!/usr/bin/env bash
# DLP's DNS check at the egress proxy (docs/dlp.md, "Names"): a
# destination whose labels look random, or whose prefix under a "*.suffix"
# [[host]] block is long, carries data out in the lookup itself, so the
# proxy refuses it (403 dlp-blocked) before it resolves or dials the name,
# for a CONNECT authority and a plain request's target alike. Honest names
# under the same block are not refused by DLP (their lookup fails here: no
# DNS in the test, which is a different error), nor is the random name with
# DLP off.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh"

pl_workdir candlpdns
pl_recipe dlp.toml "enabled = true" '[[host]]' 'domain = "*.evil.example"'
pl_recipe nodlp.toml "enabled = false" '[[host]]' 'domain = "*.evil.example"'
RND=x7k2q9m4ab.p3v8n1z6w0.evil.example
LONG=$(printf 'a%.0s' $(seq 60)).evil.example
inside() { "$CAN" run -r ./dlp.toml -- curl -sS -m 20 -D - "$@"; }

t_run inside "http://$RND/x"
pl_refused "plain HTTP to random-looking labels"
t_grep "the reason says the labels look random" 'labels look random' "$T_OUT"
t_grep "said on can's stderr" 'refused GET .*dlp-blocked' "$T_ERR"
t_run inside "https://$RND/x"
t_grep "a CONNECT to the same name: refused by DLP" 'x-canister-error: dlp-blocked' "$T_OUT$T_ERR"
t_run inside "http://$LONG/x"
t_grep "a 60-character prefix under *.evil.example: refused" 'before a wildcard.s suffix' "$T_OUT"

t_run inside "http://api.evil.example/x"
t_nogrep "an honest name under the same block is not refused by DLP" 'dlp-blocked' "$T_OUT$T_ERR"
t_run inside "https://registry.evil.example/x"
t_nogrep "nor its CONNECT" 'dlp-blocked' "$T_OUT$T_ERR"
t_run "$CAN" run -r ./nodlp.toml -- curl -sS -m 20 -D - -o /dev/null "http://$RND/x"
t_nogrep "with DLP off the random name is not refused by DLP (the test can fail)" 'dlp-blocked' "$T_OUT$T_ERR"
t_done
