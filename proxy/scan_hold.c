/* See scan_hold.h. */
#include "proxy/scan_hold.h"

uint64_t hold_after_piece(struct hold_map *m, uint64_t raw_total, uint64_t pay_total,
			  uint64_t window, bool identity)
{
	if (identity) { /* raw == payload: exact, byte by byte */
		if (pay_total > window && pay_total - window > m->released)
			m->released = pay_total - window;
		return raw_total - m->released;
	}
	/* every piece end whose payload is a window behind may go; the
	 * newest of them is the release point */
	while (m->n && pay_total - m->pay[m->first] >= window) {
		if (m->raw[m->first] > m->released)
			m->released = m->raw[m->first];
		m->first = (m->first + 1) % HOLD_MARKS;
		m->n--;
	}
	if (m->n == HOLD_MARKS) {
		/* full (many small pieces in one window): keep every second
		 * mark, oldest first. A forgotten mark only makes the hold
		 * longer, and the old ones stay to be released in turn. */
		unsigned k = 0;
		for (unsigned i = 0; i < m->n; i += 2, k++) {
			m->raw[k] = m->raw[(m->first + i) % HOLD_MARKS];
			m->pay[k] = m->pay[(m->first + i) % HOLD_MARKS];
		}
		m->first = 0;
		m->n = k;
	}
	m->raw[(m->first + m->n) % HOLD_MARKS] = raw_total;
	m->pay[(m->first + m->n) % HOLD_MARKS] = pay_total;
	m->n++;
	return raw_total - m->released;
}
