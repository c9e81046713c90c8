/* libFuzzer target for the DLP decoders and the chain: every decoder on any
 * bytes (no crash, no over-read, the output never longer than the input,
 * "nothing undone" means "output equals input"), every decompressor under
 * small caps (never more output than the cap), and a whole request: URL,
 * header, body with a Content-Encoding chosen by the first byte, and the
 * same bytes streamed in two pieces cut where the second byte says; and
 * the scan hook's de-chunker, whose output must not depend on where the
 * input is cut. */
#include "proxy/dlp/dlp_int.h"
#include "proxy/scan_dechunk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dlp_engine *eng;

typedef size_t decoder_fn(const uint8_t *p, size_t n, struct dlp_buf *out);

static void one_decoder(decoder_fn *fn, const uint8_t *p, size_t n)
{
	struct dlp_buf b = { 0 };
	size_t undone = fn(p, n, &b);
	if (b.n > n)
		abort();
	if (!undone && (b.n != n || (n && memcmp(b.p, p, n) != 0)))
		abort();
	dlp_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!eng) {
		struct dlp_config c;
		dlp_config_default(&c);
		c.max_decompressed_bytes = 1 << 20;
		eng = dlp_engine_new(&c);
		dlp_engine_add_secret(eng, DLP_SECRET_CANARY, "fuzz canary", "canary-value-1234", 17);
	}
	uint8_t *p = malloc(size ? size : 1);
	if (!p)
		return 0;
	memcpy(p, data, size);
	one_decoder(dlp_percent_decode, p, size);
	one_decoder(dlp_json_unescape, p, size);
	one_decoder(dlp_html_unescape, p, size);
	one_decoder(dlp_qp_decode, p, size);
	uint8_t *out = malloc(size * 3 / 4 + 4);
	for (size_t skip = 0; skip < 4; skip++)
		if (dlp_base64_decode(p, size, skip, out) > size * 3 / 4 + 3)
			abort();
	if (dlp_hex_decode(p, size, 1, out) > size / 2 + 1)
		abort();
	free(out);
	for (int c = DLP_CODEC_GZIP; c <= DLP_CODEC_ZSTD; c++) {
		struct dlp_buf b = { 0 };
		dlp_inflate(c, p, size, 65536, 50, &b);
		if (b.n > 65536)
			abort();
		dlp_buf_free(&b);
	}
	static const char *const ces[] = { NULL, "gzip", "deflate", "br", "zstd", "gzip, br", "x" };
	const char *ce = size ? ces[data[0] % 7] : NULL;
	struct dlp_target t = { "fuzz.example", false };
	struct dlp_request r;
	dlp_request_begin(&r, eng, &t);
	r.count_entropy = true;
	dlp_request_url(&r, (const char *)p, size);
	dlp_request_header(&r, "x-fuzz", (const char *)p, size);
	dlp_request_header(&r, "authorization", (const char *)p, size); /* the generic detector's header path */
	dlp_request_body(&r, p, size, ce);
	struct dlp_budget b;
	dlp_budget_init(&b, 64);
	if (dlp_request_end(&r, &b) != DLP_PASS && r.nfindings == 0)
		abort(); /* a block always says why */
	dlp_request_begin(&r, eng, &t);
	dlp_request_stream_begin(&r, ce && !strchr(ce, ',') ? ce : NULL);
	size_t cut = size > 1 ? data[1] % size : 0;
	dlp_request_stream_feed(&r, p, cut);
	dlp_request_stream_feed(&r, p + cut, size - cut);
	dlp_request_end(&r, NULL);
	/* The proxy's host check: any name, with and without a wildcard. */
	char *name = malloc(size + 1);
	if (name) {
		memcpy(name, data, size);
		name[size] = 0;
		struct dlp_dns_result dr;
		dlp_dns_check(name, DLP_DEFAULT_DNS_ENTROPY, NULL, &dr);
		dlp_dns_check(name, DLP_DEFAULT_DNS_ENTROPY, "example.com", &dr);
		if (dr.refuse && !dr.reason[0])
			abort(); /* a refusal always says why */
		free(name);
	}
	/* The generic detector: every span it names lies inside the input. */
	struct dlp_span sp[8];
	size_t ns = dlp_generic_find(p, size, size && data[0] & 1 ? "x-api-key" : NULL, sp, 8);
	for (size_t i = 0; i < ns; i++)
		if (sp[i].off + sp[i].len > size || sp[i].len < DLP_GENERIC_MIN_LEN)
			abort();
	struct dechunk d1 = { 0 }, d2 = { 0 };
	uint8_t *o1 = malloc(size + 1), *o2 = malloc(size + 1);
	size_t m1 = dechunk_feed(&d1, p, size, o1);
	size_t m2 = dechunk_feed(&d2, p, cut, o2);
	m2 += dechunk_feed(&d2, p + cut, size - cut, o2 + m2);
	if (m1 != m2 || memcmp(o1, o2, m1) != 0 || d1.done != d2.done || d1.nside != d2.nside ||
	    d1.overflow != d2.overflow)
		abort();
	free(o1);
	free(o2);
	free(p);
	return 0;
}
