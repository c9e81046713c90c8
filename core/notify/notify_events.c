/* The event log: one JSON object per line, written whole with a single
 * write(2) under a lock, so lines from several workers never interleave.
 *
 * Strings are escaped for JSON; bytes that are not valid UTF-8 (paths are
 * bytes, not text) are written as \u00XX of the byte value, so every line
 * parses; such a path is then not byte-exact (docs/notify.md). */
#include "notify/notify_int.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct notify_events {
	int fd;
	bool own;
	pthread_mutex_t lock;
	void (*observer)(const struct notify_event *e, void *ctx);
	void *observer_ctx;
};

void notify_events_set_observer(struct notify_events *ev,
                                void (*fn)(const struct notify_event *e, void *ctx), void *ctx)
{
	pthread_mutex_lock(&ev->lock);
	ev->observer = fn;
	ev->observer_ctx = ctx;
	pthread_mutex_unlock(&ev->lock);
}

struct notify_events *notify_events_open(const char *file)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return NULL;
	return notify_events_from_fd(fd, true);
}

struct notify_events *notify_events_from_fd(int fd, bool own_fd)
{
	struct notify_events *ev = xcalloc(1, sizeof(*ev));
	ev->fd = fd;
	ev->own = own_fd;
	pthread_mutex_init(&ev->lock, NULL);
	return ev;
}

void notify_events_close(struct notify_events *ev)
{
	if (!ev)
		return;
	if (ev->own)
		close(ev->fd);
	pthread_mutex_destroy(&ev->lock);
	free(ev);
}

/* Length of a valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

struct out {
	char *buf;
	size_t size, len;
	bool overflow;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->overflow || o->len + n >= o->size) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void puts_raw(struct out *o, const char *s) { put(o, s, strlen(s)); }

static void put_string(struct out *o, const char *s)
{
	if (!s) {
		puts_raw(o, "null");
		return;
	}
	put(o, "\"", 1);
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	while (n > 0) {
		char esc[8];
		size_t l;
		switch (*p) {
		case '"': put(o, "\\\"", 2); l = 1; break;
		case '\\': put(o, "\\\\", 2); l = 1; break;
		case '\n': put(o, "\\n", 2); l = 1; break;
		case '\r': put(o, "\\r", 2); l = 1; break;
		case '\t': put(o, "\\t", 2); l = 1; break;
		default:
			l = *p < 0x20 || *p == 0x7f ? 0 : utf8_len(p, n);
			if (l == 0) {
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
				put(o, esc, 6);
				l = 1;
			} else {
				put(o, (const char *)p, l);
			}
		}
		p += l;
		n -= l;
	}
	put(o, "\"", 1);
}

static void put_key(struct out *o, const char *key, bool first)
{
	if (!first)
		put(o, ",", 1);
	put_string(o, key);
	put(o, ":", 1);
}

static void put_kv(struct out *o, const char *key, const char *value)
{
	put_key(o, key, false);
	put_string(o, value);
}

int notify_event_format(char *buf, size_t size, const struct notify_event *e, double unix_time)
{
	struct out o = { buf, size, 0, size == 0 };
	char tmp[64];
	time_t secs = (time_t)unix_time;
	struct tm tm;
	gmtime_r(&secs, &tm);
	int ms = (int)((unix_time - (double)secs) * 1000.0);
	if (ms < 0 || ms > 999)
		ms = 0;
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	put(&o, "{", 1);
	put_key(&o, "time", true);
	put_string(&o, tmp);
	put_key(&o, "pid", false);
	snprintf(tmp, sizeof(tmp), "%d", (int)e->pid);
	puts_raw(&o, tmp);
	put_kv(&o, "exe", e->exe);
	put_kv(&o, "syscall", e->syscall);
	put_key(&o, "args", false);
	put(&o, "{", 1);
	bool first = true;
	const struct { const char *k, *v; } args[] = {
		{ "path", e->path }, { "path2", e->path2 }, { "addr", e->addr }, { "flags", e->flags },
	};
	for (size_t i = 0; i < ARRAY_LEN(args); i++) {
		if (!args[i].v)
			continue;
		put_key(&o, args[i].k, first);
		put_string(&o, args[i].v);
		first = false;
	}
	put(&o, "}", 1);
	const char *verdict = e->verdict == NOTIFY_ALLOW ? "allowed" : e->monitor ? "would-refuse" : "refused";
	put_kv(&o, "verdict", verdict);
	put_kv(&o, "errno", e->err ? errno_name(e->err) : NULL);
	const struct notify_decision *d = e->decision;
	put_kv(&o, "rule", d ? d->field : NULL);
	put_kv(&o, "rule_value", d ? d->rule : NULL);
	if (d && d->at.file && d->at.line > 0) {
		snprintf(tmp, sizeof(tmp), ":%d", d->at.line);
		char *where = xasprintf("%s%s", d->at.file, tmp);
		put_kv(&o, "recipe", where);
		free(where);
	} else {
		put_kv(&o, "recipe", NULL);
	}
	if (e->detail)
		put_kv(&o, "detail", e->detail);
	put(&o, "}", 1);
	return o.overflow ? -1 : (int)o.len;
}

void notify_events_write(struct notify_events *ev, const struct notify_event *e)
{
	if (!ev)
		return;
	if (ev->observer) {
		pthread_mutex_lock(&ev->lock);
		ev->observer(e, ev->observer_ctx);
		pthread_mutex_unlock(&ev->lock);
	}
	if (ev->fd < 0)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	size_t size = 3 * PATH_MAX * 6 + 4096;
	char *buf = xmalloc(size);
	int n = notify_event_format(buf, size - 1, e, (double)ts.tv_sec + ts.tv_nsec / 1e9);
	if (n < 0) {
		free(buf);
		return;
	}
	buf[n++] = '\n';
	pthread_mutex_lock(&ev->lock);
	for (size_t done = 0; done < (size_t)n;) {
		ssize_t w = write(ev->fd, buf + done, (size_t)n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	pthread_mutex_unlock(&ev->lock);
	free(buf);
}
