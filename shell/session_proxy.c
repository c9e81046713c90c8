/* The session's egress proxy (docs/adr/0261): proxy/'s event loop on a
 * thread of the supervisor, listening on 127.0.0.1 (a port the kernel
 * picks), started when the first proxy-only layer is put in force, with
 * the session's CA made then and its bundle (the host's roots and that
 * CA) written 0644 to the rundir for the exported variables.
 *
 * Who a client is comes from its local port only: the engine's emulated
 * connect of a layered process binds the socket to 127.0.0.1:0 and
 * records port -> the policies of the caller's layers (tag, from a worker)
 * before it connects; the accept takes the record (policy_for, on the
 * proxy's thread). A connection without one (a host process, anything
 * not trapped) is closed unread. */
#include "shell/layers.h"
#include "shell/proxy_tags.h"
#include "shell/session_int.h"
#include "notify/notify.h"
#include "proxy/ca.h"
#include "proxy/proxy.h"
#include "proxy/scan.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct session_proxy {
	struct proxy *px;
	struct tls_ca *ca;
	_Atomic uint16_t port;      /* 0 until it runs */
	pthread_mutex_t lock;       /* tags */
	struct proxy_tags tags;
	/* The proxy's own defaults ([proxy] limits: the defaults; each
	 * client's decisions are its layers' policies). */
	struct policy base;
	bool wanted, failed;
	bool scanning;              /* proxy_scan_setup_session ran: torn down at stop */
};

/* Made before the engine starts, so the workers only ever read the
 * pointer. */
void session_proxy_prepare(struct session *s)
{
	s->proxy = xcalloc(1, sizeof(*s->proxy));
	pthread_mutex_init(&s->proxy->lock, NULL);
	proxy_tags_init(&s->proxy->tags);
}

static struct session_proxy *sp_of(struct session *s)
{
	if (!s->proxy)
		session_proxy_prepare(s);
	return s->proxy;
}

uint16_t session_proxy_port(void *ctx)
{
	struct session *s = ctx;
	return s->proxy ? atomic_load(&s->proxy->port) : 0;
}

/* From an engine worker: the caller's chain, each set that restricts the
 * network a proxy-only layer's (notify_decide_session_proxy said so). */
int session_proxy_tag(uint16_t port, const struct notify_rules *rules, void *ctx)
{
	struct session *s = ctx;
	struct policy_set set = { .n = 0 };
	for (const struct notify_rules *r = rules; r; r = r->also) {
		if (!r->restrict_net)
			continue;
		if (!r->session_proxy || !r->egress_policy || set.n == POLICY_SET_MAX)
			return EACCES;
		set.v[set.n++] = r->egress_policy;
	}
	if (!set.n || !s->proxy)
		return EACCES;
	pthread_mutex_lock(&s->proxy->lock);
	bool ok = proxy_tags_record(&s->proxy->tags, port, &set);
	pthread_mutex_unlock(&s->proxy->lock);
	return ok ? 0 : EACCES;
}

/* From the proxy's thread, at each accept. */
static bool policy_for(const struct sockaddr *peer, unsigned len, void *ctx, struct policy_set *out)
{
	struct session_proxy *sp = ctx;
	if (peer->sa_family != AF_INET || len < sizeof(struct sockaddr_in))
		return false;
	const struct sockaddr_in *in = (const struct sockaddr_in *)peer;
	if (in->sin_addr.s_addr != htonl(INADDR_LOOPBACK))
		return false;
	pthread_mutex_lock(&sp->lock);
	bool ok = proxy_tags_take(&sp->tags, ntohs(in->sin_port), out);
	pthread_mutex_unlock(&sp->lock);
	return ok;
}

static int listen_loopback(uint16_t *port, char *err, size_t errlen)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) < 0) {
		snprintf(err, errlen, "listen on 127.0.0.1: %s: %s", errno_name(errno), strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static void start_locked(struct session *s)
{
	struct session_proxy *sp = sp_of(s);
	if (sp->px || sp->failed)
		return;
	char err[PATH_MAX + 400], bundle[PATH_MAX + 32];
	uint16_t port = 0;
	int fd = -1;
	char *pem = NULL;
	snprintf(bundle, sizeof(bundle), "%s/ca-certificates.crt", s->rundir);
	sp->ca = tls_ca_new(TLS_SYSTEM_BUNDLE, err, sizeof(err));
	if (!sp->ca)
		goto fail;
	pem = tls_ca_bundle(sp->ca, TLS_SYSTEM_BUNDLE, err, sizeof(err));
	if (!pem)
		goto fail;
	/* 0644: read by the layers' clients (the rundir is 0700, the user's). */
	if (write_file_atomic(bundle, pem, strlen(pem), 0644) < 0) {
		snprintf(err, sizeof(err), "write %s: %s: %s", bundle, errno_name(errno), strerror(errno));
		goto fail;
	}
	/* DLP before the loop runs (ADR 0264): the user's credential-named
	 * variables and credential files are read here, in the supervisor,
	 * and stay in it; no engine, no proxy (fail closed). */
	if (proxy_scan_setup_session(environ, getenv("HOME"), err, sizeof(err)) < 0)
		goto fail;
	sp->scanning = true;
	if ((fd = listen_loopback(&port, err, sizeof(err))) < 0)
		goto fail;
	struct proxy_config pc = { .policy = &sp->base, .listen_fd = fd, .log = stderr, .tls = sp->ca,
	                           .policy_for = policy_for, .policy_ctx = sp };
	sp->px = proxy_start(&pc, err, sizeof(err));
	if (!sp->px)
		goto fail;
	snprintf(s->proxy_bundle, sizeof(s->proxy_bundle), "%s", bundle);
	atomic_store(&sp->port, port);
	free(pem);
	if (s->verbose)
		can_warn("session: the egress proxy listens on 127.0.0.1:%u", (unsigned)port);
	return;
fail:
	free(pem);
	if (sp->scanning)
		proxy_scan_teardown();
	sp->scanning = false;
	unlink(bundle);
	tls_ca_free(sp->ca);
	sp->ca = NULL;
	sp->failed = true;
	can_warn("session: the egress proxy: %s; proxy-only layers have no network", err);
}

/* The control thread (an approval: session_proxy_want) and the main
 * thread (session_proxy_launched) may both come here around the launch:
 * one start only, or two CAs would be made and the bundle written for one
 * of them while the loop serves the other's leaves (seen as a client's
 * "unable to get local issuer certificate" in session_proxy.sh). */
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;

static void start(struct session *s)
{
	pthread_mutex_lock(&start_lock);
	start_locked(s);
	pthread_mutex_unlock(&start_lock);
}

/* layers.c's hook (the registry is locked: nothing here calls back). The
 * CA is made after the shell has been forked (its keys' wipe-on-fork page
 * is zeros in a child), so before the launch this only notes it. */
void session_proxy_want(void *ctx)
{
	struct session *s = ctx;
	struct session_proxy *sp = sp_of(s);
	pthread_mutex_lock(&start_lock);
	sp->wanted = true;
	bool now = s->engine != NULL;
	pthread_mutex_unlock(&start_lock);
	if (now)
		start(s);
}

void session_proxy_launched(struct session *s)
{
	pthread_mutex_lock(&start_lock);
	bool wanted = s->proxy && s->proxy->wanted;
	pthread_mutex_unlock(&start_lock);
	if (wanted)
		start(s);
}

void session_proxy_addr(struct session *s, char *addr, size_t size)
{
	uint16_t port = session_proxy_port(s);
	if (port)
		snprintf(addr, size, "127.0.0.1:%u", (unsigned)port);
	else if (size)
		addr[0] = '\0';
}

void session_proxy_stop(struct session *s)
{
	struct session_proxy *sp = s->proxy;
	if (!sp)
		return;
	atomic_store(&sp->port, 0);
	proxy_stop(sp->px, stderr);
	sp->px = NULL;
	if (sp->scanning)
		proxy_scan_teardown(); /* wipes the secrets */
	if (s->proxy_bundle[0])
		unlink(s->proxy_bundle);
	tls_ca_free(sp->ca);
	pthread_mutex_destroy(&sp->lock);
	free(sp);
	s->proxy = NULL;
}
