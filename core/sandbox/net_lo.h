/* Brings the loopback interface up in the calling process's (new) network
 * namespace, through libnl-route-3. */
#ifndef CAN_NET_LO_H
#define CAN_NET_LO_H

#include <stddef.h>

/* Returns 0, or -1 with "<what failed>: <why>" in err. */
int net_lo_up(char *err, size_t errlen);

#endif
