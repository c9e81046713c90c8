/* The lookup pool (see resolve.h). */
#include "proxy/resolve.h"
#include "util/util.h"

#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

struct job {
	struct job *next;
	uint64_t id;
	char *host;
	struct resolve_result res;
};

struct resolver {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *todo, *todo_tail, *done;
	bool stop;
	int efd;
	pthread_t *threads;
	int nthreads;
};

static void lookup(struct job *j)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	j->res.id = j->id;
	j->res.rc = getaddrinfo(j->host, NULL, &hints, &res);
	for (struct addrinfo *ai = res; ai && j->res.n < RESOLVE_MAX_ADDRS; ai = ai->ai_next) {
		struct ip16 *a = &j->res.addrs[j->res.n];
		if (ai->ai_family == AF_INET) {
			memset(a, 0, sizeof(*a));
			a->b[10] = a->b[11] = 0xff;
			memcpy(a->b + 12, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		} else if (ai->ai_family == AF_INET6) {
			memcpy(a->b, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		} else {
			continue;
		}
		j->res.n++;
	}
	if (res)
		freeaddrinfo(res);
}

static void *worker(void *arg)
{
	struct resolver *r = arg;
	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->todo && !r->stop)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop)
			break;
		struct job *j = r->todo;
		r->todo = j->next;
		if (!r->todo)
			r->todo_tail = NULL;
		pthread_mutex_unlock(&r->mu);
		lookup(j);
		pthread_mutex_lock(&r->mu);
		j->next = r->done;
		r->done = j;
		uint64_t one = 1;
		if (write(r->efd, &one, sizeof(one)) != sizeof(one)) {
			/* the counter is full: the loop is reading anyway */
		}
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

struct resolver *resolver_new(int threads)
{
	struct resolver *r = xcalloc(1, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->efd < 0) {
		free(r);
		return NULL;
	}
	r->threads = xcalloc((size_t)threads, sizeof(pthread_t));
	for (int i = 0; i < threads; i++) {
		if (pthread_create(&r->threads[i], NULL, worker, r) != 0)
			break;
		r->nthreads++;
	}
	if (r->nthreads == 0) {
		close(r->efd);
		free(r->threads);
		free(r);
		return NULL;
	}
	return r;
}

int resolver_fd(const struct resolver *r)
{
	return r->efd;
}

void resolver_submit(struct resolver *r, uint64_t id, const char *host)
{
	struct job *j = xcalloc(1, sizeof(*j));
	j->id = id;
	j->host = xstrdup(host);
	pthread_mutex_lock(&r->mu);
	if (r->todo_tail)
		r->todo_tail->next = j;
	else
		r->todo = j;
	r->todo_tail = j;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

int resolver_take(struct resolver *r, struct resolve_result *out)
{
	uint64_t v;
	if (read(r->efd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing new signalled; results may still wait */
	}
	pthread_mutex_lock(&r->mu);
	struct job *j = r->done;
	if (j)
		r->done = j->next;
	pthread_mutex_unlock(&r->mu);
	if (!j)
		return 0;
	*out = j->res;
	free(j->host);
	free(j);
	return 1;
}

static void free_list(struct job *j)
{
	while (j) {
		struct job *next = j->next;
		free(j->host);
		free(j);
		j = next;
	}
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	for (int i = 0; i < r->nthreads; i++)
		pthread_join(r->threads[i], NULL);
	free_list(r->todo);
	free_list(r->done);
	close(r->efd);
	free(r->threads);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}
