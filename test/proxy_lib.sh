# test/proxy_lib.sh: sourced after lib.sh by the tests of the egress proxy
# and DLP. What they share: the test-only TLS trust (a test CA, leaf
# certificates from it, and a private mount namespace where the host's
# trust store holds it, so can itself has no test hook: ADR 0105), local
# origins, and the recipes and refusal checks of the DLP tests. A script
# that sources it names "$CAN_SRCDIR/test/proxy_lib.sh" among the files of
# its t_drop_to_user, so the re-run as the test user finds it too.

PL_SYS=/etc/ssl/certs/ca-certificates.crt

# pl_tls_enter WHAT UNSHARE-FLAGS PROGRAMS LEAF...: the first pass, as root.
# Makes a test CA and, for each LEAF "NAME:FILE" (or "NAME:FILE:self":
# self-signed, which no trust store knows), FILE.pem and FILE.key for the
# DNS name NAME, plus tca.pem and bundle.pem (the host's roots and the test
# CA), in a fresh folder (the CA's key is deleted); then re-runs the calling
# script under `unshare -m UNSHARE-FLAGS` with CAN_PL_NS=1 and
# CAN_PL_DIR=that folder, and exits with its status. Skips the script when
# not root, or when openssl, the trust store or one of PROGRAMS is
# missing (WHAT says what the test is). Does nothing in the re-run, nor
# after t_drop_to_user.
pl_tls_enter() {
	if [ "${CAN_TEST_DROPPED:-}" = 1 ] || [ "${CAN_PL_NS:-}" = 1 ]; then
		return 0
	fi
	local what=$1 flags=$2 progs=$3 p
	shift 3
	for p in openssl $progs; do
		if [ "$(id -u)" != 0 ] || ! command -v "$p" >/dev/null || [ ! -f "$PL_SYS" ]; then
			t_skip "$what: needs root (private namespaces), openssl $progs and $PL_SYS"
			t_done
		fi
	done
	local self w rc
	self=$(realpath "${BASH_SOURCE[1]}")
	w=$(mktemp -d /tmp/canpl.XXXXXX)
	chmod 755 "$w"
	(cd "$w" && pl_make_certs "$@") || { echo "Bail out! openssl failed"; rm -rf "$w"; exit 1; }
	# shellcheck disable=SC2086 # the flags are words
	CAN_PL_NS=1 CAN_PL_DIR=$w unshare -m $flags --propagation private bash "$self"
	rc=$?
	rm -rf "$w"
	exit $rc
}

# pl_make_certs LEAF...: the certificates of pl_tls_enter, in the current folder.
pl_make_certs() {
	local ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes) spec name file kind
	openssl req -x509 "${ec[@]}" -keyout tca.key -out tca.pem -days 2 -subj "/CN=can test CA" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
		2>/dev/null || return 1
	for spec in "$@"; do
		IFS=: read -r name file kind <<<"$spec"
		if [ "$kind" = self ]; then
			openssl req -x509 "${ec[@]}" -keyout "$file.key" -out "$file.pem" -days 2 \
				-subj "/CN=$name" -addext "subjectAltName=DNS:$name" 2>/dev/null || return 1
			continue
		fi
		printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
			"$name" >"$file.ext"
		openssl req "${ec[@]}" -keyout "$file.key" -out "$file.csr" -subj "/CN=$name" \
			2>/dev/null || return 1
		openssl x509 -req -in "$file.csr" -CA tca.pem -CAkey tca.key -CAcreateserial \
			-out "$file.pem" -days 2 -extfile "$file.ext" 2>/dev/null || return 1
	done
	cat "$PL_SYS" tca.pem >bundle.pem
	chmod 644 ./*
	rm -f tca.key
}

# pl_ns_root: true in pl_tls_enter's re-run, before t_drop_to_user (root,
# in the private namespace: where a script sets up what needs root).
pl_ns_root() {
	[ "${CAN_PL_NS:-}" = 1 ] && [ "${CAN_TEST_DROPPED:-}" != 1 ]
}

# pl_tls_trust: in the re-run, as root: the test bundle over the host's
# trust store (for this namespace only).
pl_tls_trust() {
	mount --bind "$CAN_PL_DIR/bundle.pem" "$PL_SYS" || { echo "Bail out! bind the test bundle"; exit 1; }
}

# pl_workdir PREFIX: a scratch folder /tmp/PREFIX.XXXXXX (TOP, and PL_TOP
# for the origins below) holding the project folder P, which becomes the
# current folder; at exit the servers in PL_PIDS are killed and TOP removed.
pl_workdir() {
	TOP=$(mktemp -d "/tmp/$1.XXXXXX")
	P=$TOP/proj
	mkdir -p "$P"
	cd "$P" || exit 1
	PL_TOP=$TOP
	PL_PIDS=()
	trap 'kill "${PL_PIDS[@]}" 2>/dev/null; rm -rf "$TOP"' EXIT
}

# pl_origin NAME [CERT [PORT]]: test/proxy_server.py serving on 127.0.0.1
# (PORT, or a free one), HTTPS with $CERTS/CERT.pem when CERT is given;
# logs to $PL_TOP/NAME.log, sets PORT_NAME. PL_TOP and PL_PIDS are the
# caller's (PL_PIDS: the servers to kill at the end).
pl_origin() {
	local tls=()
	[ -n "${2:-}" ] && tls=("$CERTS/$2.pem" "$CERTS/$2.key")
	SERVE_PORT=${3:-0} python3 "$CAN_SRCDIR/test/proxy_server.py" serve "$PL_TOP/$1.port" \
		"$PL_TOP/$1.log" "${tls[@]}" &
	PL_PIDS+=($!)
	local i
	for i in $(seq 100); do [ -s "$PL_TOP/$1.port" ] && break; sleep 0.05; done
	[ -s "$PL_TOP/$1.port" ] || { echo "Bail out! origin $1"; exit 1; }
	printf -v "PORT_$1" '%s' "$(cat "$PL_TOP/$1.port")"
}

# pl_dlp_origin: test/dlp_server.py (the JSON API origin that logs every
# request whole) on a free port; sets H (host.canister.local:PORT) and
# DLP_LOG. Needs PL_TOP and PL_PIDS.
pl_dlp_origin() {
	python3 "$CAN_SRCDIR/test/dlp_server.py" serve "$PL_TOP/dlp.port" "$PL_TOP/dlp.log" &
	PL_PIDS+=($!)
	local i
	for i in $(seq 100); do [ -s "$PL_TOP/dlp.port" ] && break; sleep 0.05; done
	H=host.canister.local:$(cat "$PL_TOP/dlp.port")
	DLP_LOG=$PL_TOP/dlp.log
}

# pl_git_origin: a bare repository with one commit ("init", README) served
# over git's smart HTTP by test/dlp_git_server.py; sets G
# (host.canister.local:PORT) and GIT_REPO (the bare repository).
pl_git_origin() {
	GIT_REPO=$PL_TOP/git/repo.git
	git init -q --bare "$GIT_REPO" && git -C "$GIT_REPO" config http.receivepack true
	git init -q "$PL_TOP/seed" && echo hello >"$PL_TOP/seed/README" &&
		git -C "$PL_TOP/seed" add README &&
		git -C "$PL_TOP/seed" -c user.name=t -c user.email=t@t commit -qm init &&
		git -C "$PL_TOP/seed" push -q "$GIT_REPO" HEAD:refs/heads/main &&
		git -C "$GIT_REPO" symbolic-ref HEAD refs/heads/main
	python3 "$CAN_SRCDIR/test/dlp_git_server.py" "$PL_TOP/gport" "$PL_TOP/git" &
	PL_PIDS+=($!)
	local i
	for i in $(seq 100); do [ -s "$PL_TOP/gport" ] && break; sleep 0.05; done
	G=host.canister.local:$(cat "$PL_TOP/gport")
}

# pl_recipe FILE [loopback] [LINE...]: a proxy-only recipe; "loopback"
# allows the host's loopback (the local origins); each LINE goes under
# [network.dlp] (none: no such table), a LINE starting with "[" starts
# another table.
pl_recipe() {
	local f=$1 table=
	shift
	{
		printf '[network]\negress = "proxy-only"\n'
		if [ "${1:-}" = loopback ]; then
			printf 'allow_host_loopback = true\n'
			shift
		fi
		for l in "$@"; do
			case "$l" in
			\[*) printf '\n%s\n' "$l"; table=other ;;
			*) [ -z "$table" ] && printf '\n[network.dlp]\n' && table=dlp
			   printf '%s\n' "$l" ;;
			esac
		done
	} >"$f"
}

# pl_refused WHAT [OUT]: OUT (default $T_OUT) is a DLP refusal: 403 and
# x-canister-error: dlp-blocked.
pl_refused() {
	local out=${2-$T_OUT}
	t_grep "$1: 403" '^HTTP/1.1 403' "$out"
	t_grep "... x-canister-error: dlp-blocked" 'x-canister-error: dlp-blocked' "$out"
}
