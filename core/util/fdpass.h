/* Passing one file descriptor over a unix socket (SCM_RIGHTS): how a
 * filtered process hands its seccomp listener to a supervisor. */
#ifndef CAN_FDPASS_H
#define CAN_FDPASS_H

#include <stddef.h>

/* Sends `len` bytes of `data` with `fd` attached (no fd when fd < 0), in
 * one sendmsg with MSG_NOSIGNAL: nothing else is called, so it is safe on
 * the handover path where only sendmsg is known to be untrapped.
 * 0, or -1 with errno. */
int fdpass_send(int sock, const void *data, size_t len, int fd);

/* Receives exactly `len` bytes into `data` and the fd attached to them
 * (made O_CLOEXEC). The fd, or -1: a short read, an error (errno set), or
 * no SCM_RIGHTS message with the bytes (errno EBADMSG). */
int fdpass_recv(int sock, void *data, size_t len);

#endif
