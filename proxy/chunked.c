/* The chunked-body framer (see chunked.h). */
#include "proxy/chunked.h"

enum { SIZE, EXT, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LINE, TRAILER_LF, LAST_LF };

void chunked_init(struct chunked *c)
{
	*c = (struct chunked){ .state = SIZE };
}

static int hexval(uint8_t b)
{
	if (b >= '0' && b <= '9')
		return b - '0';
	if (b >= 'a' && b <= 'f')
		return b - 'a' + 10;
	if (b >= 'A' && b <= 'F')
		return b - 'A' + 10;
	return -1;
}

enum chunked_rc chunked_feed(struct chunked *c, const uint8_t *buf, size_t n, size_t *used)
{
	size_t i = 0;
	while (i < n) {
		uint8_t b = buf[i];
		switch (c->state) {
		case SIZE: {
			int v = hexval(b);
			if (v >= 0) {
				if (++c->digits > 15)
					return CHUNKED_ERROR;
				c->left = c->left * 16 + (uint64_t)v;
			} else if (c->digits && (b == ';' || b == ' ' || b == '\t')) {
				c->state = EXT;
			} else if (c->digits && b == '\r') {
				c->state = SIZE_LF;
			} else {
				return CHUNKED_ERROR;
			}
			i++;
			break;
		}
		case EXT:
			if (b == '\n' || b < 0x09 || b == 0x7f)
				return CHUNKED_ERROR;
			if (b == '\r')
				c->state = SIZE_LF;
			i++;
			break;
		case SIZE_LF:
			if (b != '\n')
				return CHUNKED_ERROR;
			i++;
			c->digits = 0;
			c->state = c->left ? DATA : TRAILER;
			break;
		case DATA: {
			size_t take = n - i;
			if (take > c->left)
				take = (size_t)c->left;
			c->left -= take;
			c->payload += take;
			i += take;
			if (!c->left)
				c->state = DATA_CR;
			break;
		}
		case DATA_CR:
			if (b != '\r')
				return CHUNKED_ERROR;
			c->state = DATA_LF;
			i++;
			break;
		case DATA_LF:
			if (b != '\n')
				return CHUNKED_ERROR;
			c->state = SIZE;
			i++;
			break;
		case TRAILER: /* after the last chunk: an empty line, or trailer fields */
			if (b == '\r')
				c->state = LAST_LF;
			else if (b == '\n')
				return CHUNKED_ERROR;
			else
				c->state = TRAILER_LINE;
			i++;
			break;
		case TRAILER_LINE:
			if (b == '\n')
				return CHUNKED_ERROR;
			if (b == '\r')
				c->state = TRAILER_LF;
			i++;
			break;
		case TRAILER_LF:
			if (b != '\n')
				return CHUNKED_ERROR;
			c->state = TRAILER;
			i++;
			break;
		case LAST_LF:
			if (b != '\n')
				return CHUNKED_ERROR;
			*used = i + 1;
			return CHUNKED_DONE;
		}
	}
	*used = n;
	return CHUNKED_MORE;
}
