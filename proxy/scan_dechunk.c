/* See scan_dechunk.h. */
#include "proxy/scan_dechunk.h"

enum { SIZE, EXT, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LF, TRAILER_LINE, DONE };

static void side(struct dechunk *d, uint8_t c)
{
	if (d->nside < DECHUNK_SIDE)
		d->side[d->nside++] = c;
	else
		d->overflow = true;
}

static int hexv(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

size_t dechunk_feed(struct dechunk *d, const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];
		switch (d->state) {
		case SIZE:
			if (hexv(c) >= 0 && d->left < (UINT64_C(1) << 60))
				d->left = d->left * 16 + (uint64_t)hexv(c);
			else if (c == '\r')
				d->state = SIZE_LF;
			else {
				d->state = EXT; /* ";ext=..." up to the CR */
				side(d, c);
			}
			break;
		case EXT: /* extensions and trailers are scanned with the payload */
			if (c == '\r')
				d->state = SIZE_LF;
			else
				side(d, c);
			break;
		case SIZE_LF:
			d->state = d->left ? DATA : TRAILER;
			break;
		case DATA: {
			size_t take = n - i < d->left ? n - i : (size_t)d->left;
			for (size_t k = 0; k < take; k++)
				out[o++] = in[i + k];
			d->left -= take;
			i += take - 1;
			if (!d->left)
				d->state = DATA_CR;
			break;
		}
		case DATA_CR:
			d->state = DATA_LF;
			break;
		case DATA_LF:
			d->state = SIZE;
			break;
		case TRAILER: /* at the start of a trailer line */
			d->state = c == '\r' ? TRAILER_LF : TRAILER_LINE;
			if (c != '\r')
				side(d, c);
			break;
		case TRAILER_LINE:
			side(d, c);
			if (c == '\n')
				d->state = TRAILER;
			break;
		case TRAILER_LF:
			d->state = DONE;
			d->done = true;
			break;
		default:
			break;
		}
	}
	return o;
}
