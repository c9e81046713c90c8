#!/usr/bin/env bash
# The hold verdict (ADR 0146, docs/dlp.md): a refused body never completes
# at the origin, and none of the token's bytes reach it. A token split
# across the last two pieces of an upload, as a Content-Length and as a
# chunked body: within [proxy] max_buffered_body_bytes the origin gets no
# byte of the body at all (held whole until the full pipeline passed);
# beyond it, the origin gets an incomplete request (reset) without the
# token's first part (the last window is held). The client gets 403
# dlp-blocked. Honest uploads of both sizes and framings arrive whole, the
# origin's sha256 equal to the client's.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh" "$CAN_SRCDIR/test/dlp_server.py" \
	"$CAN_SRCDIR/test/dlp_upload.py"

pl_workdir candlphold
cp "$CAN_SRCDIR/test/dlp_upload.py" up.py
pl_dlp_origin
pl_recipe hold.toml loopback "enabled = true" "[proxy]" "max_buffered_body_bytes = 1048576"
GHP=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
# The origin's line for a path, once its handler has written it.
body_line() {
	for _ in $(seq 100); do
		grep -a "^BODY [A-Z]* $1 " "$DLP_LOG" && return
		sleep 0.1
	done
	echo "(no request at the origin)"
}
up() { "$CAN" run -r ./hold.toml -- python3 up.py "http://$H$1" "$2" "$3" "$4"; }

for mode in cl chunked; do
	# held whole: 512 KiB, within max_buffered_body_bytes
	t_run up /small-$mode 524288 $mode "$GHP"
	t_grep "$mode, 512 KiB, token split across the last pieces: 403 dlp-blocked" \
		'^HTTP/1.1 403 .* dlp-blocked ' "$T_OUT"
	t_grep "... the origin got no byte of that body" "^BODY INCOMPLETE /small-$mode 0 " \
		"$(body_line /small-$mode)"
	# streamed: 3 MiB, beyond it
	t_run up /large-$mode 3145728 $mode "$GHP"
	t_grep "$mode, 3 MiB, token split across the last pieces: 403 dlp-blocked" \
		'^HTTP/1.1 403 .* dlp-blocked ' "$T_OUT"
	t_grep "... the origin has an incomplete request" "^BODY INCOMPLETE /large-$mode " \
		"$(body_line /large-$mode)"
	t_grep "... which earlier pieces did reach (the test sees partial bodies)" \
		"^BODY INCOMPLETE /large-$mode [1-9][0-9]{5,} " "$(body_line /large-$mode)"
	for size in 524288 3145728; do
		t_run up /honest-$mode-$size $size $mode none
		t_grep "an honest $mode upload of $size bytes: 200" '^HTTP/1.1 200 ' "$T_OUT"
		sum=$(awk '{print $NF}' <<<"$T_OUT")
		t_grep "... it arrived whole, the origin's sha256 is the client's" \
			"^BODY COMPLETE /honest-$mode-$size $size $sum\$" "$(body_line /honest-$mode-$size)"
	done
done
t_grep "no refused upload completed at the origin" '^0$' \
	"$(grep -ac '^BODY COMPLETE /\(small\|large\)' "$DLP_LOG")"
t_grep "the token's first part never reached the origin" '^0$' \
	"$(grep -ac 'ghp_C3J27X' "$DLP_LOG")"
t_done
