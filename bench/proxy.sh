#!/usr/bin/env bash
# The egress proxy with TLS termination against direct, in one run, as
# ratios (issue 9's bench): small HTTPS requests on one kept-alive
# connection (requests/s, p50/p99 and the latency the proxy adds), MB/s for
# a 100 MB body each way, the supervisor's memory with 100 idle tunnels,
# and 50 sandboxes at once, each with its own proxy. The origin is
# python's http.server over TLS on loopback with a test CA, trusted the
# way the proxy trusts anything: through the host's
# /etc/ssl/certs/ca-certificates.crt, in a private mount namespace (ADR
# 0105), so this needs root. The direct client runs on the host; the
# proxied one inside `can run`. Nothing here is asserted.
#   sudo CAN=_build/core/can bench/proxy.sh [N_REQUESTS]
set -eu
: "${CAN:?CAN must point at the can binary}"
CAN=$(realpath "$CAN")
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
N=${1:-2000}
SYS=/etc/ssl/certs/ca-certificates.crt
if [ "${CAN_BENCH_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "bench/proxy.sh: needs root (a private mount namespace)" >&2; exit 1; }
	W=$(mktemp -d /tmp/canbench.XXXXXX)
	chmod 777 "$W"
	trap 'rm -rf "$W"' EXIT
	(
		cd "$W"
		ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
		openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj "/CN=bench CA" \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
		openssl req "${ec[@]}" -keyout srv.key -out srv.csr -subj "/CN=host.canister.local"
		printf 'subjectAltName=DNS:host.canister.local\nextendedKeyUsage=serverAuth\n' >ext
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem \
			-days 2 -extfile ext
		cat "$SYS" ca.pem >bundle.pem
		cp "$SRC/test/proxy_server.py" "$HERE/proxy_client.py" .
		chmod 644 ./*
	) >/dev/null 2>&1
	CAN_BENCH_NS=1 W=$W unshare -m --propagation private bash "$0" "$@"
	exit $?
fi
mount --bind "$W/bundle.pem" "$SYS"
# the test user runs the system python3 and curl, not root's shims
export PATH=/usr/local/bin:/usr/bin:/bin
cd "$W"
user=nobody
as_user() { setpriv --reuid=$user --regid=nogroup --clear-groups env HOME=/tmp "$@"; }
setpriv --reuid=$user --regid=nogroup --clear-groups python3 proxy_server.py serve "$W/port" \
	"$W/log" srv.pem srv.key >/dev/null 2>&1 &
SRV=$!
trap 'kill $SRV 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
PORT=$(cat "$W/port")
printf '[network]\negress = "proxy-only"\nallow_host_loopback = true\n[proxy]\nmax_streamed_body_bytes = 1073741824\n' >loop.toml
chmod 644 loop.toml
H=host.canister.local
inside() { as_user "$CAN" run -r ./loop.toml -- "$@"; }
val() { printf '%s' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "# small HTTPS GETs on one kept-alive connection, $N requests"
# direct: the name must verify, so connect by name with the address pinned
d=$(as_user python3 - "$PORT" "$N" <<'PY'
import http.client, socket, ssl, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.create_default_context()
raw = socket.create_connection(("127.0.0.1", port))
c = http.client.HTTPSConnection("host.canister.local", port, context=ctx)
c.sock = ctx.wrap_socket(raw, server_hostname="host.canister.local")
def get():
    c.request("GET", "/hello"); r = c.getresponse(); r.read()
get()
ts = []
t0 = time.perf_counter()
for _ in range(n):
    a = time.perf_counter(); get(); ts.append(time.perf_counter() - a)
total = time.perf_counter() - t0
ts.sort()
print("rps=%.0f p50_us=%.0f p99_us=%.0f" % (n / total, ts[n // 2] * 1e6, ts[int(n * 0.99)] * 1e6))
PY
)
p=$(inside python3 proxy_client.py lat "$H" "$PORT" "$N" 3128)
echo "direct:      $d"
echo "proxy (TLS): $p"
echo "requests/s ratio proxy/direct: $(ratio "$(val "$p" rps)" "$(val "$d" rps)")"
echo "added p50: $(( $(val "$p" p50_us) - $(val "$d" p50_us) )) us, added p99: $(( $(val "$p" p99_us) - $(val "$d" p99_us) )) us"

echo "# a 100 MB body, each way"
B=100000000
head -c $B /dev/urandom >up.bin
chmod 644 up.bin
curl_d() { as_user curl -sS --cacert ca.pem --resolve "$H:$PORT:127.0.0.1" "$@"; }
dd=$(curl_d -o /dev/null -w '%{speed_download}' "https://$H:$PORT/big?n=$B")
pd=$(inside curl -sS -o /dev/null -w '%{speed_download}' "https://$H:$PORT/big?n=$B")
du=$(curl_d -o /dev/null -w '%{speed_upload}' --data-binary @up.bin "https://$H:$PORT/echo")
pu=$(inside curl -sS -o /dev/null -w '%{speed_upload}' --data-binary @up.bin "https://$H:$PORT/echo")
mb() { awk -v a="$1" 'BEGIN { printf "%.0f", a / 1e6 }'; }
echo "download: direct $(mb "$dd") MB/s, proxy $(mb "$pd") MB/s, ratio $(ratio "$pd" "$dd")"
echo "upload:   direct $(mb "$du") MB/s, proxy $(mb "$pu") MB/s, ratio $(ratio "$pu" "$du")"

echo "# the supervisor's memory with 100 idle TLS tunnels"
# can_rss OUT PID: the RSS (KiB) of can (PID: setpriv and env exec it),
# once the client inside says its tunnels are open.
can_rss() {
	for _ in $(seq 400); do grep -q '^open' "$1" 2>/dev/null && break; sleep 0.05; done
	awk '/VmRSS/ {print $2}' "/proc/$2/status"
}
setpriv --reuid=$user --regid=nogroup --clear-groups env HOME=/tmp "$CAN" run -r ./loop.toml -- \
	python3 proxy_client.py idle "$H" "$PORT" 100 3128 6 >idle.out 2>&1 &
RUN=$!
rss=$(can_rss idle.out $RUN)
echo "can's RSS with 100 idle tunnels open: $((rss / 1024)) MiB ($rss KiB)"
wait $RUN || true
setpriv --reuid=$user --regid=nogroup --clear-groups env HOME=/tmp "$CAN" run -r ./loop.toml -- \
	python3 proxy_client.py idle "$H" "$PORT" 1 3128 3 >idle1.out 2>&1 &
RUN=$!
rss1=$(can_rss idle1.out $RUN)
echo "can's RSS with 1 tunnel open: $((rss1 / 1024)) MiB; per extra tunnel: $(( (rss - rss1) / 99 )) KiB"
wait $RUN || true

echo "# 50 sandboxes at once, each 20 HTTPS requests through its own proxy"
urls=$(for i in $(seq 20); do printf '%s ' "https://$H:$PORT/hello"; done)
start=$(date +%s.%N)
pids=()
for i in $(seq 50); do
	setpriv --reuid=$user --regid=nogroup --clear-groups env HOME=/tmp "$CAN" run -r ./loop.toml -- \
		sh -c "curl -sS -m 60 $urls" >"par.$i" 2>"par.$i.err" &
	pids+=($!)
done
wait "${pids[@]}" || true
end=$(date +%s.%N)
ok=0
for i in $(seq 50); do [ "$(cat "par.$i")" = "$(printf 'hello%.0s' $(seq 20))" ] && ok=$((ok + 1)); done
echo "sandboxes that got all 20 answers: $ok of 50, in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
