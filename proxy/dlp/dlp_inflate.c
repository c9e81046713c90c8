/* Decompression for the chain and for declared Content-Encodings: gzip and
 * deflate (zlib), brotli, zstd, one-shot and streaming, under two hard
 * caps checked while output is produced, never after: a total size and a
 * ratio of output to input consumed. A stream that would pass either is a
 * bomb and stops there (its output is discarded by the caller, the request
 * refused); a stream that is not valid for its codec is CORRUPT. The
 * output is made in 16 KiB steps, so a bomb costs at most one step past
 * the cap. */
#include "dlp_int.h"
#include "util/util.h"

#include <brotli/decode.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define STEP 16384
/* The ratio cap applies past this much output: a 20-byte gzip of 4 KiB of
 * spaces is not a bomb. */
#define RATIO_FLOOR 65536

const char *dlp_codec_name(enum dlp_codec c)
{
	static const char *const names[] = { "gzip", "deflate", "br", "zstd" };
	return names[c];
}

static bool tok_eq(const char *t, size_t n, const char *w)
{
	if (strlen(w) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w[i])
			return false;
	}
	return true;
}

int dlp_codec_parse(const char *t, size_t n)
{
	while (n && (*t == ' ' || *t == '\t'))
		t++, n--;
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		n--;
	if (n == 0 || tok_eq(t, n, "identity"))
		return -1;
	if (tok_eq(t, n, "gzip") || tok_eq(t, n, "x-gzip"))
		return DLP_CODEC_GZIP;
	if (tok_eq(t, n, "deflate"))
		return DLP_CODEC_DEFLATE;
	if (tok_eq(t, n, "br"))
		return DLP_CODEC_BR;
	if (tok_eq(t, n, "zstd"))
		return DLP_CODEC_ZSTD;
	return -2;
}

struct dlp_inflater {
	enum dlp_codec c;
	size_t max_out;
	unsigned max_ratio;
	uint64_t in_total, out_total;
	bool done;         /* the codec says the stream ended */
	bool started;      /* zlib's state is made (deflate: once the wrapper is known) */
	z_stream z;
	BrotliDecoderState *br;
	ZSTD_DStream *zs;
};

struct dlp_inflater *dlp_inflater_new(enum dlp_codec c, size_t max_out, unsigned max_ratio)
{
	struct dlp_inflater *z = xcalloc(1, sizeof *z);
	z->c = c;
	z->max_out = max_out;
	z->max_ratio = max_ratio;
	int rc = 0;
	switch (c) {
	case DLP_CODEC_GZIP:
		rc = inflateInit2(&z->z, 16 + MAX_WBITS) == Z_OK ? 0 : -1;
		z->started = rc == 0;
		break;
	case DLP_CODEC_DEFLATE:
		break; /* zlib-wrapped or raw: decided on the first byte */
	case DLP_CODEC_BR:
		z->br = BrotliDecoderCreateInstance(NULL, NULL, NULL);
		rc = z->br ? 0 : -1;
		break;
	case DLP_CODEC_ZSTD:
		z->zs = ZSTD_createDStream();
		rc = z->zs && !ZSTD_isError(ZSTD_initDStream(z->zs)) ? 0 : -1;
		break;
	}
	if (rc) {
		dlp_inflater_free(z);
		return NULL;
	}
	return z;
}

void dlp_inflater_free(struct dlp_inflater *z)
{
	if (!z)
		return;
	if (z->started)
		inflateEnd(&z->z);
	if (z->br)
		BrotliDecoderDestroyInstance(z->br);
	if (z->zs)
		ZSTD_freeDStream(z->zs);
	free(z);
}

static bool over_caps(const struct dlp_inflater *z)
{
	if (z->out_total > z->max_out)
		return true;
	return z->out_total > RATIO_FLOOR && z->out_total > (uint64_t)z->max_ratio * z->in_total;
}

static enum dlp_inflate_status feed_zlib(struct dlp_inflater *z, const uint8_t *p, size_t n,
					 struct dlp_buf *out)
{
	if (!z->started) {
		if (n == 0)
			return DLP_INFLATE_OK;
		/* RFC 9110's deflate is zlib-wrapped; many clients send raw
		 * deflate. A zlib header's first byte is 0x?8 with a check. */
		bool zlib = (p[0] & 0x0f) == 8 && (n < 2 || ((unsigned)p[0] << 8 | p[1]) % 31 == 0);
		if (inflateInit2(&z->z, zlib ? MAX_WBITS : -MAX_WBITS) != Z_OK)
			return DLP_INFLATE_CORRUPT;
		z->started = true;
	}
	z->z.next_in = (Bytef *)(uintptr_t)p;
	z->z.avail_in = (uInt)n;
	while (!z->done) {
		uint8_t tmp[STEP];
		z->z.next_out = tmp;
		z->z.avail_out = sizeof tmp;
		uInt before = z->z.avail_in;
		int rc = inflate(&z->z, Z_NO_FLUSH);
		size_t got = sizeof tmp - z->z.avail_out;
		z->in_total += before - z->z.avail_in;
		z->out_total += got;
		if (rc == Z_STREAM_END)
			z->done = true;
		else if (rc == Z_BUF_ERROR && got == 0)
			break; /* needs more input */
		else if (rc != Z_OK)
			return DLP_INFLATE_CORRUPT;
		if (over_caps(z))
			return DLP_INFLATE_BOMB;
		dlp_buf_put(out, tmp, got);
		if (z->z.avail_in == 0 && z->z.avail_out != 0)
			break; /* all input taken, no output pending */
	}
	/* Bytes after the end of a gzip member: another member, or junk. */
	if (z->done && z->z.avail_in > 0)
		return DLP_INFLATE_CORRUPT;
	return DLP_INFLATE_OK;
}

static enum dlp_inflate_status feed_br(struct dlp_inflater *z, const uint8_t *p, size_t n,
				       struct dlp_buf *out)
{
	size_t avail_in = n;
	const uint8_t *next_in = p;
	for (;;) {
		uint8_t tmp[STEP];
		size_t avail_out = sizeof tmp;
		uint8_t *next_out = tmp;
		size_t before = avail_in;
		BrotliDecoderResult rc = BrotliDecoderDecompressStream(z->br, &avail_in, &next_in,
									&avail_out, &next_out, NULL);
		size_t got = sizeof tmp - avail_out;
		z->in_total += before - avail_in;
		z->out_total += got;
		if (rc == BROTLI_DECODER_RESULT_ERROR)
			return DLP_INFLATE_CORRUPT;
		if (over_caps(z))
			return DLP_INFLATE_BOMB;
		dlp_buf_put(out, tmp, got);
		if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
			z->done = true;
			return avail_in ? DLP_INFLATE_CORRUPT : DLP_INFLATE_OK;
		}
		if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
			return DLP_INFLATE_OK;
	}
}

static enum dlp_inflate_status feed_zstd(struct dlp_inflater *z, const uint8_t *p, size_t n,
					 struct dlp_buf *out)
{
	ZSTD_inBuffer in = { p, n, 0 };
	for (;;) {
		uint8_t tmp[STEP];
		ZSTD_outBuffer o = { tmp, sizeof tmp, 0 };
		size_t before = in.pos;
		size_t rc = ZSTD_decompressStream(z->zs, &o, &in);
		if (ZSTD_isError(rc))
			return DLP_INFLATE_CORRUPT;
		z->in_total += in.pos - before;
		z->out_total += o.pos;
		if (over_caps(z))
			return DLP_INFLATE_BOMB;
		dlp_buf_put(out, tmp, o.pos);
		z->done = rc == 0; /* a frame is complete (another may follow) */
		if (in.pos == in.size && o.pos < o.size)
			return DLP_INFLATE_OK;
	}
}

enum dlp_inflate_status dlp_inflater_feed(struct dlp_inflater *z, const uint8_t *p, size_t n,
					  struct dlp_buf *out)
{
	switch (z->c) {
	case DLP_CODEC_GZIP:
	case DLP_CODEC_DEFLATE:
		if (n == 0)
			return DLP_INFLATE_OK;
		return feed_zlib(z, p, n, out);
	case DLP_CODEC_BR:
		return feed_br(z, p, n, out);
	case DLP_CODEC_ZSTD:
		return feed_zstd(z, p, n, out);
	}
	return DLP_INFLATE_CORRUPT;
}

enum dlp_inflate_status dlp_inflater_finish(struct dlp_inflater *z)
{
	/* A truncated stream is not what the headers claimed. */
	return z->done ? DLP_INFLATE_OK : DLP_INFLATE_CORRUPT;
}

enum dlp_inflate_status dlp_inflate(enum dlp_codec c, const uint8_t *p, size_t n, size_t max_out,
				    unsigned max_ratio, struct dlp_buf *out)
{
	struct dlp_inflater *z = dlp_inflater_new(c, max_out, max_ratio);
	if (!z)
		return DLP_INFLATE_CORRUPT;
	enum dlp_inflate_status st = dlp_inflater_feed(z, p, n, out);
	if (st == DLP_INFLATE_OK)
		st = dlp_inflater_finish(z);
	dlp_inflater_free(z);
	return st;
}
