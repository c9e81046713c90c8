/* See procs.h. Reading /proc: the notification's pid is a thread id; its
 * Tgid (status) names the process, whose stat gives the parent and the
 * start time. A thread never has an entry of its own: a layered process's
 * new thread has the process's set, not its parent's.
 *
 * Entries are made at execve (the set is decided there: the cwd's layers
 * plus the recorded or inherited set) and at a process's first trapped
 * call (its inherited set, from its parent's entry, so that the parent's
 * exit later cannot erase it). When an exec grows a process's set, its
 * children of that moment get their entries first, from the set before
 * (a set is inherited at fork: docs/adr/0270). A process first seen after its parent is
 * gone, whose line does not reach a known process, is an orphan: it gets
 * every layer in force (fail closed; docs/adr/0211). */
#include "shell/procs.h"
#include "shell/layers.h"
#include "util/kernel_compat.h"
#include "util/procfs.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

#define BUCKETS 1024
#define MAX_DEPTH 64

struct entry {
	pid_t tgid;
	unsigned long long start;
	bool execd;
	layer_mask mask;       /* exec'd: its set; else what it inherited */
	/* Landlock-at-exec: the layers whose Landlock domain the process is
	 * in (applied at its exec, or inherited from its parent), valid while
	 * the registry's generation is still ll_gen. arm_gen: the generation
	 * when its exec was armed (what a report then confirms). */
	layer_mask ll;
	unsigned ll_gen, arm_gen;
	/* When the domain was applied, in the clock ticks of /proc's start
	 * times (rounded down): only a child started after it has it too. A
	 * child forked before its parent's exec has no domain, although its
	 * entry may be made later, from the parent's. */
	unsigned long long ll_since;
	struct entry *next;
};

#define TCACHE 4096

struct tcache {
	pid_t tid;
	unsigned long long tstart;
	pid_t tgid;
	unsigned long long pstart;
};

/* The threads seen last, each with a pidfd of the thread (docs/adr/0271):
 * while it is not readable the thread lives, so its tid still names it and
 * its process and that process's start time need no /proc read. */
#define HOT 128

struct hot {
	pid_t tid;
	int fd; /* -1: empty */
	pid_t tgid;
	unsigned long long pstart;
};

struct procs {
	pthread_mutex_t lock;
	struct hot hot[HOT];       /* thread -> process, no /proc read */
	struct tcache tc[TCACHE];  /* thread -> process, see thread_of */
	struct entry *b[BUCKETS];
	struct layers *L;
	pid_t supervisor, shell;
	unsigned long long shell_start;
	char self_exe[PATH_MAX];   /* the supervisor's program: the shell's before its exec */
	size_t n;                  /* entries, for pruning */
};

static int stat_of(pid_t pid, pid_t *ppid, unsigned long long *start)
{
	char p[64], buf[1024];
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	ssize_t n = procfs_read(p, buf, sizeof(buf));
	return n <= 0 ? -1 : procstat_parse(buf, (size_t)n, ppid, start);
}

static int tgid_of(pid_t tid, pid_t *tgid)
{
	unsigned long long v;
	if (procfs_status_field(tid, "Tgid:", 10, &v) < 0 || v == 0)
		return -1;
	*tgid = (pid_t)v;
	return 0;
}

static layer_mask cwd_layers(struct procs *P, pid_t tid)
{
	char p[64], cwd[PATH_MAX];
	snprintf(p, sizeof(p), "/proc/%d/cwd", (int)tid);
	ssize_t n = readlink(p, cwd, sizeof(cwd) - 1);
	if (n <= 0)
		return 0;
	cwd[n] = '\0';
	return layers_of_path(P->L, cwd);
}

struct procs *procs_new(struct layers *L, pid_t supervisor, pid_t shell)
{
	struct procs *P = xcalloc(1, sizeof(*P));
	pthread_mutex_init(&P->lock, NULL);
	for (size_t i = 0; i < HOT; i++)
		P->hot[i].fd = -1;
	P->L = L;
	P->supervisor = supervisor;
	P->shell = shell;
	pid_t pp;
	if (stat_of(shell, &pp, &P->shell_start) < 0)
		P->shell_start = 0;
	ssize_t n = readlink("/proc/self/exe", P->self_exe, sizeof(P->self_exe) - 1);
	P->self_exe[n > 0 ? n : 0] = '\0';
	return P;
}

void procs_free(struct procs *P)
{
	if (!P)
		return;
	for (size_t i = 0; i < BUCKETS; i++)
		for (struct entry *e = P->b[i], *n; e; e = n) {
			n = e->next;
			free(e);
		}
	for (size_t i = 0; i < HOT; i++)
		if (P->hot[i].fd >= 0)
			close(P->hot[i].fd);
	pthread_mutex_destroy(&P->lock);
	free(P);
}

/* Lock held. The entry of (tgid, start); a stale one of tgid is dropped. */
static struct entry *find(struct procs *P, pid_t tgid, unsigned long long start)
{
	struct entry **pp = &P->b[(unsigned)tgid % BUCKETS];
	while (*pp) {
		struct entry *e = *pp;
		if (e->tgid == tgid) {
			if (e->start == start)
				return e;
			*pp = e->next; /* pid reused: the old entry is gone */
			free(e);
			P->n--;
			continue;
		}
		pp = &e->next;
	}
	return NULL;
}

static struct entry *add(struct procs *P, pid_t tgid, unsigned long long start, bool execd,
                         layer_mask mask)
{
	struct entry *e = xcalloc(1, sizeof(*e));
	*e = (struct entry){ .tgid = tgid, .start = start, .execd = execd, .mask = mask,
	                     .next = P->b[(unsigned)tgid % BUCKETS] };
	P->b[(unsigned)tgid % BUCKETS] = e;
	P->n++;
	return e;
}

/* Lock held. The entry of process tgid (started at start), made from its
 * line of parents when there is none yet. NULL when the process is gone
 * (the notification is then stale: nothing to decide). */
static struct entry *entry_of(struct procs *P, pid_t tgid, unsigned long long start, pid_t ppid, int depth)
{
	struct entry *e = find(P, tgid, start);
	if (e)
		return e;
	if (tgid == P->shell && start == P->shell_start)
		return add(P, tgid, start, false, 0);
	if (ppid < 0) {
		/* From the pidfd cache, which does not know the parent. */
		unsigned long long st;
		if (stat_of(tgid, &ppid, &st) < 0 || st != start)
			return NULL;
	}
	layer_mask inherited;
	pid_t pp;
	unsigned long long pstart;
	if (ppid <= 1 || ppid == P->supervisor || depth >= MAX_DEPTH ||
	    stat_of(ppid, &pp, &pstart) < 0 || pstart > start) {
		/* No line to a known process (the parent is gone, or is not of
		 * this session): an orphan. Every layer in force. */
		inherited = layers_in_force(P->L);
	} else {
		struct entry *pe = entry_of(P, ppid, pstart, pp, depth + 1);
		inherited = pe ? pe->mask : layers_in_force(P->L);
		if (pe && pe->ll && start > pe->ll_since) {
			/* A Landlock domain is inherited at fork. */
			struct entry *c = add(P, tgid, start, false, inherited);
			c->ll = pe->ll, c->ll_gen = pe->ll_gen, c->ll_since = pe->ll_since;
			return c;
		}
	}
	return add(P, tgid, start, false, inherited);
}

/* Lock held. Which process a thread belongs to. One read of
 * /proc/TID/stat (its start time and the process's parent) per
 * notification; the thread's process and that process's start time are
 * cached by (tid, thread start), which no other thread can ever share. */
static int thread_of_proc(struct procs *P, pid_t tid, pid_t *tgid, unsigned long long *pstart,
                          pid_t *ppid)
{
	unsigned long long tstart;
	if (stat_of(tid, ppid, &tstart) < 0)
		return -1;
	struct tcache *c = &P->tc[(unsigned)tid % TCACHE];
	if (c->tid == tid && c->tstart == tstart) {
		*tgid = c->tgid;
		*pstart = c->pstart;
		return 0;
	}
	if (tgid_of(tid, tgid) < 0)
		return -1;
	if (*tgid == tid) {
		*pstart = tstart;
	} else {
		pid_t pp;
		if (stat_of(*tgid, &pp, pstart) < 0)
			return -1;
	}
	*c = (struct tcache){ tid, tstart, *tgid, *pstart };
	return 0;
}

static bool pidfd_alive(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) == 0;
}

/* Lock held. thread_of_proc, answered without reading /proc when the
 * thread is in the pidfd cache and still alive (*ppid is then -1: unknown,
 * entry_of reads it only when it makes an entry). The pidfd is opened
 * before /proc is read, so it names the thread that was read, or one that
 * has already exited (readable: the next lookup reads /proc again). */
static int thread_of(struct procs *P, pid_t tid, pid_t *tgid, unsigned long long *pstart, pid_t *ppid)
{
	struct hot *h = &P->hot[(unsigned)tid % HOT];
	if (h->fd >= 0 && h->tid == tid && pidfd_alive(h->fd)) {
		*tgid = h->tgid;
		*pstart = h->pstart;
		*ppid = -1;
		return 0;
	}
	int fd = can_pidfd_open(tid, PIDFD_THREAD);
	if (thread_of_proc(P, tid, tgid, pstart, ppid) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd >= 0) {
		if (h->fd >= 0)
			close(h->fd);
		*h = (struct hot){ tid, fd, *tgid, *pstart };
	}
	return 0;
}

static struct entry *lookup(struct procs *P, pid_t tid, pid_t *tgid_out)
{
	pid_t tgid, ppid;
	unsigned long long start;
	if (thread_of(P, tid, &tgid, &start, &ppid) < 0)
		return NULL;
	*tgid_out = tgid;
	return entry_of(P, tgid, start, ppid, 0);
}

/* Whether tgid is the shell still running the supervisor's program: its
 * execs then start the shell (execvp may try several), they do not make
 * it an exec'd process. */
static bool shell_starting(struct procs *P, pid_t tgid)
{
	if (tgid != P->shell || !P->self_exe[0])
		return false;
	char p[64], exe[PATH_MAX];
	snprintf(p, sizeof(p), "/proc/%d/exe", (int)tgid);
	ssize_t n = readlink(p, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	return strcmp(exe, P->self_exe) == 0;
}

/* Lock held. Pins the set of every child tgid has now (forked before the
 * exec being decided) to tgid's set before that exec (docs/adr/0270): a
 * child makes its entry lazily, at its first trapped call, from its
 * parent's entry then, so without this a child forked before the exec
 * would get the old set or the new one depending on which process ran
 * first. Children are read from /proc/TGID/task/TID/children (one file
 * per thread of the caller); a child missed here (unreadable, or forked
 * by a sibling thread while this runs) gets the new set: the safe side. */
static void pin_children(struct procs *P, pid_t tgid, const struct entry *pe)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/task", (int)tgid);
	DIR *d = opendir(p);
	if (!d)
		return;
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		char cp[384], buf[4096];
		snprintf(cp, sizeof(cp), "/proc/%d/task/%s/children", (int)tgid, de->d_name);
		ssize_t n = procfs_read(cp, buf, sizeof(buf));
		if (n <= 0)
			continue;
		pid_t kids[1024];
		size_t nk = procfs_pid_list(buf, (size_t)n, (size_t)n == sizeof(buf) - 1, kids, 1024);
		for (size_t k = 0; k < nk; k++) {
			pid_t c = kids[k], pp;
			unsigned long long cstart;
			if (stat_of(c, &pp, &cstart) < 0 || pp != tgid || find(P, c, cstart))
				continue;
			struct entry *ce = add(P, c, cstart, false, pe->mask);
			if (pe->ll && cstart > pe->ll_since)
				ce->ll = pe->ll, ce->ll_gen = pe->ll_gen, ce->ll_since = pe->ll_since;
		}
	}
	closedir(d);
}

layer_mask procs_on_exec(struct procs *P, pid_t tid)
{
	layer_mask cwd = cwd_layers(P, tid), gained = 0;
	pthread_mutex_lock(&P->lock);
	pid_t tgid;
	struct entry *e = lookup(P, tid, &tgid);
	if (e && !shell_starting(P, tgid)) {
		layer_mask before = e->mask;
		if (layerset_at_exec(e->mask, cwd) != before)
			pin_children(P, tgid, e);
		e->mask = layerset_at_exec(e->mask, cwd);
		/* An un-exec'd process was held to its cwd's layers by emulation
		 * only: every layer of its new set is new to its own domains. */
		gained = e->execd ? e->mask & ~before : e->mask;
		e->execd = true;
	}
	pthread_mutex_unlock(&P->lock);
	return gained;
}

/* The set of tid now, and (ll) the layers of it its Landlock domain
 * covers at the registry's current generation: one lookup for both. */
static layer_mask mask_and_ll(struct procs *P, pid_t tid, layer_mask *ll)
{
	*ll = 0;
	/* Nothing in force and nothing recorded: the fast path of a session
	 * outside every project. */
	if (!layers_in_force(P->L) && !layers_chain(P->L, ~(layer_mask)0))
		return 0;
	unsigned gen = layers_gen(P->L);
	pthread_mutex_lock(&P->lock);
	pid_t tgid;
	struct entry *e = lookup(P, tid, &tgid);
	bool execd = e && e->execd;
	layer_mask rec = e ? e->mask : layers_in_force(P->L);
	if (e && e->ll_gen == gen)
		*ll = e->ll;
	pthread_mutex_unlock(&P->lock);
	/* A process that is gone (e == NULL) made a call whose answer no
	 * longer matters; every layer keeps that answer on the safe side. */
	return layerset_effective(execd, rec, execd ? 0 : cwd_layers(P, tid));
}

layer_mask procs_mask_of(struct procs *P, pid_t tid)
{
	layer_mask ll;
	return mask_and_ll(P, tid, &ll);
}

const struct notify_rules *procs_rules_for(struct procs *P, pid_t tid)
{
	layer_mask ll, m = mask_and_ll(P, tid, &ll);
	if (m && (m & ~ll) == 0)
		return layers_chain_kernel(P->L, m);
	return layers_chain(P->L, m);
}

layer_mask procs_landlocked(struct procs *P, pid_t tid)
{
	unsigned gen = layers_gen(P->L);
	pthread_mutex_lock(&P->lock);
	pid_t tgid;
	struct entry *e = lookup(P, tid, &tgid);
	layer_mask ll = e && e->ll_gen == gen ? e->ll : 0;
	pthread_mutex_unlock(&P->lock);
	return ll;
}

void procs_arming(struct procs *P, pid_t tid)
{
	unsigned gen = layers_gen(P->L);
	pthread_mutex_lock(&P->lock);
	pid_t tgid;
	struct entry *e = lookup(P, tid, &tgid);
	if (e)
		e->arm_gen = gen;
	pthread_mutex_unlock(&P->lock);
}

void procs_set_landlocked(struct procs *P, pid_t pid, layer_mask m)
{
	pthread_mutex_lock(&P->lock);
	pid_t tgid;
	struct entry *e = lookup(P, pid, &tgid);
	if (e) {
		/* Only layers it had at that generation still count. */
		if (e->ll_gen != e->arm_gen)
			e->ll = 0;
		e->ll |= m;
		e->ll_gen = e->arm_gen;
		struct timespec ts;
		clock_gettime(CLOCK_BOOTTIME, &ts);
		long hz = sysconf(_SC_CLK_TCK);
		e->ll_since = (unsigned long long)ts.tv_sec * (unsigned long long)hz +
		              (unsigned long long)ts.tv_nsec / (1000000000ULL / (unsigned long long)hz);
	}
	pthread_mutex_unlock(&P->lock);
}

bool procs_may_reach(struct procs *P, pid_t caller, pid_t pid)
{
	pid_t ctg, tg;
	if (pid <= 0 || tgid_of(caller, &ctg) < 0 || tgid_of(pid, &tg) < 0)
		return false;
	pid_t line[MAX_DEPTH];
	size_t n = 0;
	unsigned long long start;
	for (pid_t p = tg; p > 1 && n < MAX_DEPTH;) {
		line[n++] = p;
		pid_t pp;
		if (stat_of(p, &pp, &start) < 0)
			break;
		p = pp;
	}
	return layerset_may_reach(ctg, line, n, procs_mask_of(P, caller), procs_mask_of(P, pid));
}

void procs_members(struct procs *P, size_t nlayers, char (*bufs)[128])
{
	for (size_t i = 0; i < nlayers; i++)
		bufs[i][0] = '\0';
	pthread_mutex_lock(&P->lock);
	for (size_t i = 0; i < BUCKETS; i++) {
		struct entry **pp = &P->b[i];
		while (*pp) {
			struct entry *e = *pp;
			pid_t ppid;
			unsigned long long start;
			if (stat_of(e->tgid, &ppid, &start) < 0 || start != e->start) {
				*pp = e->next;
				free(e);
				P->n--;
				continue;
			}
			for (size_t l = 0; l < nlayers && l < LAYERS_MAX; l++)
				if (e->mask & ((layer_mask)1 << l)) {
					size_t n = strlen(bufs[l]);
					if (n < 100)
						snprintf(bufs[l] + n, 128 - n, "%s%d", n ? "," : "", (int)e->tgid);
				}
			pp = &e->next;
		}
	}
	pthread_mutex_unlock(&P->lock);
}

void procs_prune(struct procs *P)
{
	/* Dead processes' entries are dropped when their pid comes back or
	 * here; below a thousand they cost nothing worth a /proc read each. */
	if (P && P->n > 1024)
		procs_members(P, 0, NULL);
}
