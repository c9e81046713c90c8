/* egress = "direct": the loud opt-out to an unfiltered uplink (docs/adr/0121). */
#ifndef CAN_EGRESS_DIRECT_H
#define CAN_EGRESS_DIRECT_H

/* The first of pasta, slirp4netns found in the PATH value path (pure but
 * for access(2)); NULL when neither is installed. */
const char *egress_direct_tool(const char *path);

/* Prints why a run with egress = "direct" cannot go on (what to install, or
 * that the uplink is not built yet) and returns CAN_EXIT_WALL. */
int egress_direct_refuse(void);

#endif
