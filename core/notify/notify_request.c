/* What a handler may ask of the request it serves: the mode and config,
 * whether the notification is still live, the decision, the answer, the
 * caller's pidfd, and one more worker before a call that may block.
 * Handlers include only this (through notify_int.h), never the engine's
 * functions: the engine calls the handlers, not the other way round. */
#include "notify/notify_int.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

enum notify_mode notify_req_mode(const struct notify_req *q) { return q->eng->cfg.mode; }
const struct notify_config *notify_req_config(const struct notify_req *q) { return &q->eng->cfg; }

bool notify_req_valid(struct notify_req *q)
{
	uint64_t id = q->n->id;
	if (ioctl(q->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0)
		return true;
	/* The caller died or was interrupted: acting now could act for a
	 * process that reused its pid. Nothing to answer. */
	q->answer = ANSWER_DONE;
	atomic_fetch_add(&q->eng->invalid, 1);
	return false;
}

bool notify_req_permit(struct notify_req *q, struct notify_decision d)
{
	q->dec = d;
	if (d.verdict == NOTIFY_ALLOW)
		return true;
	q->record = true;
	if (q->eng->cfg.mode == NOTIFY_MONITOR)
		return true;
	q->answer = ANSWER_ERROR;
	q->err = d.err ? d.err : EACCES;
	return false;
}

void notify_req_error(struct notify_req *q, int err)
{
	q->answer = ANSWER_ERROR;
	q->err = err ? err : EIO;
}

void notify_req_value(struct notify_req *q, int64_t val)
{
	q->answer = ANSWER_VALUE;
	q->val = val;
}

int notify_req_pidfd(struct notify_req *q)
{
	if (q->pidfd >= 0)
		return q->pidfd;
	/* A thread's own pidfd: its fd table may not be the leader's. */
	long fd = syscall(SYS_pidfd_open, q->pid, PIDFD_THREAD);
	if (fd < 0 && errno == EINVAL)
		fd = syscall(SYS_pidfd_open, q->pid, 0);
	if (fd < 0)
		return -errno;
	q->pidfd = (int)fd;
	return q->pidfd;
}

void notify_req_may_block(struct notify_req *q)
{
	/* Without the turn, another worker is receiving already. */
	if (!q->turn)
		return;
	q->turn = false;
	q->eng->give_turn(q->eng, true);
}
