/* How much of a request body the proxy must keep back (the hold verdict,
 * ADR 0146). The scan hook passes a body piece only after scanning it with
 * the overlap window before it; but a token whose first part ends a piece
 * is found only in the next scan, so the last window's bytes must not have
 * left yet. This tracks, per body, where each piece ended in the bytes the
 * client sent (raw: chunk framing included) and in the payload the scanner
 * sees, and answers the furthest raw offset whose payload is at least
 * `window` bytes behind the payload scanned so far: everything before it
 * may go, the rest is held. Pure, over a plain struct. */
#ifndef CAN_PROXY_SCAN_HOLD_H
#define CAN_PROXY_SCAN_HOLD_H

#include <stdbool.h>
#include <stdint.h>

/* Piece ends remembered; when more pieces lie within one window (tiny
 * reads), every second one is forgotten, which only makes the hold longer. */
#define HOLD_MARKS 64

struct hold_map {
	uint64_t raw[HOLD_MARKS], pay[HOLD_MARKS]; /* a ring of piece ends */
	unsigned first, n;
	uint64_t released; /* raw bytes already let go (never moves back) */
};

/* Notes that the body so far is raw_total bytes as sent, pay_total bytes
 * of payload (identity: no framing, the two are the same bytes, so the
 * answer is exact rather than at piece ends). Returns how many of the
 * raw_total bytes must still be held. Zero it to start a body. */
uint64_t hold_after_piece(struct hold_map *m, uint64_t raw_total, uint64_t pay_total,
			  uint64_t window, bool identity);

#endif
