/* The supervisor's three files in <rundir> (docs/session.md): the hint
 * FIFO, the control socket and the state file, all 0600 in a 0700 folder,
 * removed when the supervisor exits. */
#include "shell/control.h"
#include "shell/layers.h"
#include "shell/procs.h"
#include "shell/rundir.h"
#include "shell/session_int.h"
#include "shell/state.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int session_files_open(struct session *s)
{
	if (rundir_file(s->rundir, s->pid, "fifo", s->fifo, sizeof(s->fifo)) < 0 ||
	    rundir_file(s->rundir, s->pid, "sock", s->sock, sizeof(s->sock)) < 0 ||
	    rundir_file(s->rundir, s->pid, "state", s->state, sizeof(s->state)) < 0) {
		can_warn("session: the runtime directory's path %s is too long", s->rundir);
		return -1;
	}
	/* Left by an earlier session of the same pid that did not exit
	 * cleanly: the folder is ours alone, so they are ours too. */
	unlink(s->fifo);
	unlink(s->sock);
	unlink(s->state);
	s->files_made = true;
	s->layers = layers_new(s->rundir);
	if (mkfifo(s->fifo, 0600) < 0) {
		can_warn_errno("session: make the hint FIFO %s", s->fifo);
		return -1;
	}
	s->fifo_fd = open(s->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	s->fifo_keep = s->fifo_fd < 0 ? -1 : open(s->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (s->fifo_fd < 0 || s->fifo_keep < 0) {
		can_warn_errno("session: open the hint FIFO %s", s->fifo);
		return -1;
	}
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(s->sock) >= sizeof(a.sun_path)) {
		can_warn("session: the control socket's path %s is too long for a unix socket", s->sock);
		return -1;
	}
	memcpy(a.sun_path, s->sock, strlen(s->sock) + 1);
	s->sock_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	mode_t old = umask(077);
	int r = s->sock_fd < 0 ? -1 : bind(s->sock_fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (r < 0 || chmod(s->sock, 0600) < 0 || listen(s->sock_fd, 16) < 0) {
		can_warn_errno("session: make the control socket %s", s->sock);
		return -1;
	}
	return 0;
}

void session_files_close(struct session *s)
{
	if (s->fifo_fd >= 0)
		close(s->fifo_fd);
	if (s->fifo_keep >= 0)
		close(s->fifo_keep);
	if (s->sock_fd >= 0)
		close(s->sock_fd);
	s->fifo_fd = s->fifo_keep = s->sock_fd = -1;
	if (s->files_made) {
		unlink(s->fifo);
		unlink(s->sock);
		unlink(s->state);
	}
}

void session_state_write(struct session *s)
{
	struct session_state st = { .pid = s->pid, .started = (long long)s->started };
	snprintf(st.enforce, sizeof(st.enforce), "%s", s->tracer ? "landlock-at-exec" : "emulation");
	if (s->layers)
		layers_fill_state(s->layers, &st);
	session_proxy_addr(s, st.proxy, sizeof(st.proxy));
	if (st.proxy[0])
		snprintf(st.bundle, sizeof(st.bundle), "%s", s->proxy_bundle);
	char *text = state_format(&st);
	state_free(&st);
	if (!text || write_file_atomic(s->state, text, strlen(text), 0600) < 0)
		can_warn_errno("session: write the state file %s", s->state);
	free(text);
}

static void hint(struct session *s, const char *line, size_t len)
{
	struct ctl_msg m;
	const char *why;
	if (ctl_parse(line, len, CTL_FIFO, &m, &why) < 0) {
		s->fifo_ignored++;
		if (s->verbose)
			can_warn("session: hint ignored: %s", why);
		return;
	}
	char err[PATH_MAX + 200];
	if (m.verb == CTL_DECLARE) {
		/* The supervisor reads the declaration itself; the line only
		 * says where to look. */
		/* Layers are keyed by real paths (what /proc/PID/cwd says). */
		char real[PATH_MAX];
		if (!realpath(m.dir, real))
			return;
		if (layers_declare(s->layers, real, err, sizeof(err)) < 0 && s->verbose)
			can_warn("session: declare: %s", err);
	} else if (m.verb == CTL_REFRESH) {
		layers_redeclare_all(s->layers);
		procs_prune(s->procs);
	}
	session_state_write(s);
}

void session_fifo_read(struct session *s)
{
	for (;;) {
		size_t room = sizeof(s->fifo_buf) - s->fifo_len;
		ssize_t n = read(s->fifo_fd, s->fifo_buf + s->fifo_len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s->fifo_len += (size_t)n;
		size_t start = 0;
		for (size_t i = 0; i < s->fifo_len; i++) {
			if (s->fifo_buf[i] != '\n')
				continue;
			if (s->fifo_skip) {
				s->fifo_skip = false;
				s->fifo_ignored++;
			} else {
				hint(s, s->fifo_buf + start, i + 1 - start);
			}
			start = i + 1;
		}
		memmove(s->fifo_buf, s->fifo_buf + start, s->fifo_len - start);
		s->fifo_len -= start;
		if (s->fifo_len > CTL_MAX_LINE) {
			/* Longer than any line may be: drop it up to its end. */
			s->fifo_len = 0;
			s->fifo_skip = true;
		}
	}
}
