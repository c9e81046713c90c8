#!/usr/bin/env bash
# False positives of DLP on a realistic honest session (docs/dlp.md, ADR
# 0149), with every check at its strictest: strict = true (the generic
# detector refuses instead of warning) and canary_tokens = true (canaries
# in the environment and home, responses scanned). Real clients inside the
# sandbox: a JSON API client (GETs with queries, JSON bodies with ids,
# hashes, a base64 image, a gzip body), `git clone` and `git push` over
# HTTPS (TLS terminated by the proxy) from a local smart-HTTP origin,
# `npm install` and `npm ci` from a local registry, curl. Every request is
# answered, none is refused or warned about, and the test prints how many
# requests the origins saw. Over HTTPS, a refused upload never completes
# at the origin and an honest one arrives whole. The control: the same proxy refuses a generic
# secret under strict and only warns without it.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
pl_tls_enter "DLP's honest session over HTTPS" "" "" host.canister.local:srv
if pl_ns_root; then
	pl_tls_trust
	t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh" "$CAN_SRCDIR/test/proxy_server.py" \
		"$CAN_SRCDIR/test/dlp_server.py" "$CAN_SRCDIR/test/dlp_client.py" \
		"$CAN_SRCDIR/test/dlp_git_server.py" "$CAN_SRCDIR/test/recipe_tools_lib.sh" \
		"$CAN_SRCDIR/test/recipe_tools_registry.py" "$CAN_PL_DIR/srv.pem" "$CAN_PL_DIR/srv.key"
fi
CERTS=$PWD
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need node npm git curl
pl_workdir candlphon
trap 'rt_cleanup; kill "${PL_PIDS[@]}" 2>/dev/null; rm -rf "$TOP"' EXIT
cp "$CAN_SRCDIR/test/dlp_client.py" client.py
pl_dlp_origin
pl_git_origin # the repository; served over HTTPS below
export GIT_PROJECT_ROOT=$PL_TOP/git
pl_origin tls srv
U=https://host.canister.local:$PORT_tls
rt_npm_registry
pl_recipe strict.toml loopback "canary_tokens = true"
sed -i '1i strict = true' strict.toml
pl_recipe warn.toml loopback
inside() { "$CAN" run -r "$P/strict.toml" "$@"; }
ERRS=

t_run inside -- python3 client.py honest "http://$H"
t_grep "the JSON API session: every request answered 200" '^200 POST gzip events$' "$T_OUT"
t_nogrep "... none refused" '^(403|413|400|502)' "$T_OUT"
ERRS+=$T_ERR
# (an identity, or git looks the machine's name up for one)
GITID="export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t"
t_run inside -- sh -c "$GITID; git clone -q '$U/git/repo.git' work && cd work && echo 'honest change' >>README && git commit -qam honest && git push -q origin HEAD:main && echo pushed"
t_grep "git clone and git push over HTTPS" '^pushed$' "$T_OUT"
ERRS+=$T_ERR
mkdir app && cd app || exit 1
printf '{"name":"app","version":"1.0.0","dependencies":{"dep":"^1.0.0"}}\n' >package.json
printf 'registry=http://%s/\n' "$RT_HOST" >.npmrc
t_run inside -r node -r npm -- sh -c 'npm install --cache /tmp/c1 --no-audit --no-fund && npm ci --cache /tmp/c2 --no-audit --no-fund && node -e "console.log(require(\"dep\"))"'
t_grep "npm install, then npm ci of its lockfile, from the local registry (empty caches)" '^42$' "$T_OUT"
ERRS+=$T_ERR
cd .. || exit 1
t_run inside -- sh -c "curl -sS -m 20 '$U/hello' && curl -sS -m 20 -H 'Accept: application/json' 'http://$H/v1/search?q=release%20notes&sort=-created&page=3&per_page=100'"
t_grep "curl over HTTPS and plain HTTP" '"ok": true' "$T_OUT"
ERRS+=$T_ERR
t_nogrep "no refusal and no DLP warning in the whole session" 'dlp|refused' "$ERRS"
api=$(grep -c -- '^----$' "$DLP_LOG") tls=$(grep -c ' from [0-9]*$' "$PL_TOP/tls.log") reg=$(wc -l <"$RT_LOG")
n=$((api + tls + reg))
t_diag "honest session: $n requests checked by DLP at strict, 0 findings ($api JSON API and curl, $tls git and curl over HTTPS, $reg npm registry)"
t_grep "the origins saw the session's requests (each part some)" '^ok$' \
	"$([ "$api" -ge 17 ] && [ "$tls" -ge 4 ] && [ "$reg" -ge 2 ] && echo ok)"

# over HTTPS too, a refused body never completes at the origin and an
# honest one arrives whole (ADR 0146; dlp_hold_run.sh shows what the hold
# changes, over plain HTTP where the origin logs partial bodies)
t_run inside -- sh -c "(head -c 3000000 /dev/zero | tr '\\0' x; printf ' ghp_C3J27X'; sleep 0.5; printf 'DCG2LmlZGEONYlgCtjfIZ4SO2Hjn6r end') | curl -sS -m 20 -H 'Transfer-Encoding: chunked' -T - '$U/echo'"
t_grep "a token at the end of a 3 MB chunked upload over HTTPS: refused" 'refused PUT .*github-pat-classic in body' "$T_ERR"
t_grep "... the origin logged no whole body" '^0$' "$(grep -c '^BODY /echo' "$PL_TOP/tls.log")"
t_run inside -- sh -c "head -c 3000000 /dev/zero | tr '\\0' x | curl -sS -m 20 -H 'Transfer-Encoding: chunked' -T - '$U/echo'"
sum=$(head -c 3000000 /dev/zero | tr '\0' x | sha256sum | cut -d' ' -f1)
t_grep "... an honest one arrives whole" "^3000000 $sum\$" "$T_OUT"
t_grep "... and the origin logged it" '^1$' "$(grep -c '^BODY /echo 3000000 ' "$PL_TOP/tls.log")"

# the control: this proxy does find a generic secret
SECRET='api_key=Zk3Qp9LmX2vB7nR4tY8wQ5e1'
t_run inside -- curl -sS -m 20 -D - -d "$SECRET" "http://$H/v1/control"
pl_refused "control: a generic secret under strict"
t_grep "... named as the generic detector" 'generic-secret in body' "$T_OUT"
t_run "$CAN" run -r ./warn.toml -- curl -sS -m 20 -d "$SECRET" "http://$H/v1/control"
t_grep "without strict it passes" '"ok": true' "$T_OUT"
t_grep "... with a warning on stderr" 'dlp: warning, passed .*generic-secret' "$T_ERR"
t_done
