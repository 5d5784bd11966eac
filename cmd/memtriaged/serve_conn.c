/* The status socket server: connections, framing, scheduling, replies.
 * serve.h has the contract, doc/protocol.md the wire format;
 * serve_dispatch.c turns requests into provider calls, serve_client.c
 * keeps a client's lifetime and replies, serve_socket.c creates the socket. */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "admit.h"
#include "cleanup.h"
#include "serve_internal.h"

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct mt_serve_client *c = h->data;
	char *tail = NULL;
	long room = mt_linebuf_space(&c->in, &tail);

	/* 0 bytes makes libuv report UV_ENOBUFS to on_read. */
	*buf = uv_buf_init(tail, room > 0 ? (unsigned)room : 0);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);

static void on_work(uv_idle_t *h);

/* Over max_request without a newline: framing is lost. Say so, then close
 * once the replies before it and it are sent (the idle timer still bounds a
 * client that will not read them). */
static void client_too_large(struct mt_serve_client *c)
{
	struct mt_serve *s = c->server;
	char msg[96];

	s->stats.requests++;
	s->stats.closed_too_large++;
	mt_serve_log(s, LOG_WARNING, "%s: request longer than %zu bytes; disconnecting", c->name,
	          s->limits.max_request);
	if (c->reading)
		uv_read_stop((uv_stream_t *)&c->pipe);
	c->reading = false;
	snprintf(msg, sizeof(msg), "request line longer than %zu bytes", s->limits.max_request);
	if (!c->pending) {
		mt_serve_client_goodbye(c, MT_PROTO_ERR_TOO_LARGE, msg);
		mt_serve_client_close(c);
		return;
	}
	c->close_when_flushed = true;
	mt_serve_client_send_error(c, MT_PROTO_ERR_TOO_LARGE, msg);
}

/* Queues the client's next complete request, pausing its reading, or
 * resumes reading when it has none. */
static void client_next(struct mt_serve_client *c)
{
	struct mt_serve *s = c->server;
	char *line;
	size_t len;

	int r = mt_linebuf_pop(&c->in, &line, &len);
	if (r < 0) {
		client_too_large(c);
		return;
	}
	if (r == 0) {
		if (!c->reading && !c->close_when_flushed &&
		    uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read) == 0)
			c->reading = true;
		return;
	}
	if (c->reading)
		uv_read_stop((uv_stream_t *)&c->pipe);
	c->reading = false;
	c->line = line; /* stays valid: nothing touches c->in until it is served */
	c->line_len = len;
	c->qnext = NULL;
	if (s->queue_tail)
		s->queue_tail->qnext = c;
	else {
		s->queue_head = c;
		uv_idle_start(&s->work, on_work);
	}
	s->queue_tail = c;
}

static void on_work(uv_idle_t *h)
{
	struct mt_serve *s = h->data;
	struct mt_serve_client *c = s->queue_head;

	if (!c) {
		uv_idle_stop(h);
		return;
	}
	s->queue_head = c->qnext;
	if (!s->queue_head)
		s->queue_tail = NULL;
	c->qnext = NULL;
	char *line = c->line;
	c->line = NULL;
	mt_serve_handle_line(c, line, c->line_len);
	if (!c->closing) {
		mt_serve_client_touch(c);
		client_next(c);
	}
	if (!s->queue_head)
		uv_idle_stop(h);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct mt_serve_client *c = stream->data;
	struct mt_serve *s = c->server;

	if (c->closing)
		return;
	if (nread == UV_EOF) {
		/* The client is done sending; finish what it asked for. */
		uv_read_stop(stream);
		c->reading = false;
		if (mt_linebuf_pending(&c->in))
			mt_serve_log(s, LOG_INFO, "%s: hung up inside a request (no final newline)",
			          c->name);
		c->close_when_flushed = true;
		if (!c->pending)
			mt_serve_client_close(c);
		return;
	}
	if (nread < 0) {
		mt_serve_log(s, LOG_DEBUG, "%s: read failed: %s", c->name, uv_strerror((int)nread));
		mt_serve_client_close(c);
		return;
	}
	mt_linebuf_commit(&c->in, (size_t)nread);
	client_next(c);
}

static void on_connection(uv_stream_t *listener, int status)
{
	struct mt_serve *s = listener->data;

	if (status < 0) {
		mt_serve_log(s, LOG_WARNING, "status socket: accept failed: %s", uv_strerror(status));
		return;
	}
	struct mt_serve_client *c = calloc(1, sizeof(*c));
	if (!c) {
		mt_serve_log(s, LOG_ERR, "status socket: out of memory for a new client");
		return;
	}
	c->server = s;
	mt_linebuf_init(&c->in, s->limits.max_request);
	uv_pipe_init(s->loop, &c->pipe, 0);
	uv_timer_init(s->loop, &c->timer);
	c->pipe.data = c;
	c->timer.data = c;
	c->open_handles = 2;
	c->next = s->clients;
	if (s->clients)
		s->clients->prev = c;
	s->clients = c;

	int r = uv_accept(listener, (uv_stream_t *)&c->pipe);
	if (r < 0) {
		mt_serve_log(s, LOG_WARNING, "status socket: accept failed: %s", uv_strerror(r));
		mt_serve_client_close(c);
		return;
	}
	s->stats.accepted++;

	uv_os_fd_t fd;
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0) {
		mt_serve_log(s, LOG_WARNING, "status socket: cannot read the peer's credentials: %m; "
		          "closing the connection");
		mt_serve_client_close(c);
		return;
	}
	c->peer = (struct mt_serve_peer){ .pid = cred.pid, .uid = cred.uid, .gid = cred.gid };
	snprintf(c->name, sizeof(c->name), "peer pid=%ld uid=%lu gid=%lu", (long)cred.pid,
	         (unsigned long)cred.uid, (unsigned long)cred.gid);

	unsigned same_uid = 0;
	for (struct mt_serve_client *k = s->clients; k; k = k->next)
		same_uid += k->counted && k->peer.uid == cred.uid;
	enum mt_admit adm = mt_admit_client(cred.uid, s->stats.clients, same_uid, s->limits.max_clients,
	                                    s->limits.per_uid_clients);
	if (adm != MT_ADMIT_OK) {
		s->stats.refused_busy++;
		if (adm == MT_ADMIT_UID_CAP)
			mt_serve_log(s, LOG_WARNING, "%s: refused: uid %lu already holds %u connections", c->name,
			          (unsigned long)cred.uid, same_uid);
		else
			mt_serve_log(s, LOG_WARNING, "%s: refused: %u clients already connected%s", c->name,
			          s->stats.clients, cred.uid ? " (the last slot is kept for uid 0)" : "");
		mt_serve_client_goodbye(c, MT_PROTO_ERR_TOO_MANY_CLIENTS,
		                   adm == MT_ADMIT_UID_CAP ? "too many connections from this uid" : NULL);
		mt_serve_client_close(c);
		return;
	}
	c->counted = true;
	s->stats.clients++;
	mt_serve_log(s, LOG_DEBUG, "%s: connected", c->name);
	mt_serve_client_touch(c);
	r = uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
	if (r < 0) {
		mt_serve_log(s, LOG_WARNING, "%s: cannot read: %s", c->name, uv_strerror(r));
		mt_serve_client_close(c);
		return;
	}
	c->reading = true;
}

int mt_serve_start(uv_loop_t *loop, const struct mt_serve_config *config,
                   const struct mt_serve_provider *provider, struct mt_serve **ret_server)
{
	const char *path = config->path ? config->path : MT_SERVE_DEFAULT_PATH;
	int r;

	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path) || path[0] == '\0')
		return -ENAMETOOLONG;
	if (config->limits.max_request > MT_PROTO_MAX_REQUEST)
		return -EINVAL;
	/* A client that hangs up while its reply is being written must cost an
	 * EPIPE, not the daemon: libuv writes with write(2), which raises
	 * SIGPIPE. A disposition the caller chose is left alone. */
	struct sigaction old_pipe;
	if (sigaction(SIGPIPE, NULL, &old_pipe) == 0 && old_pipe.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);
	struct mt_serve *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->path = strdup(path);
	if (!s->path) {
		free(s);
		return -ENOMEM;
	}
	s->loop = loop;
	s->provider = *provider;
	s->limits = config->limits;
	if (!s->limits.max_clients)
		s->limits.max_clients = MT_SERVE_MAX_CLIENTS;
	if (!s->limits.per_uid_clients)
		s->limits.per_uid_clients = MT_SERVE_MAX_CLIENTS_PER_UID;
	if (!s->limits.max_request)
		s->limits.max_request = MT_PROTO_MAX_REQUEST;
	if (!s->limits.idle_timeout_ms)
		s->limits.idle_timeout_ms = MT_SERVE_IDLE_TIMEOUT_MS;
	if (!s->limits.max_pending_reply)
		s->limits.max_pending_reply = MT_SERVE_MAX_PENDING_REPLY;

	int fd = mt_serve_socket_open(path, config->group, &s->dev, &s->ino);
	if (fd < 0) {
		free(s->path);
		free(s);
		return fd;
	}
	uv_pipe_init(loop, &s->listener, 0);
	s->listener.data = s;
	s->listener_open = true;
	uv_idle_init(loop, &s->work);
	s->work.data = s;
	s->work_open = true;
	r = uv_pipe_open(&s->listener, fd);
	if (r < 0)
		close(fd); /* not owned by the handle */
	else
		r = uv_listen((uv_stream_t *)&s->listener, MT_SERVE_BACKLOG, on_connection);
	if (r < 0) {
		mt_serve_stop(s); /* unlinks our socket; frees s once the loop runs */
		return r;         /* libuv errors are negative errnos on Unix */
	}
	*ret_server = s;
	return 0;
}

static void on_listener_closed(uv_handle_t *h)
{
	struct mt_serve *s = h->data;

	s->listener_open = false;
	mt_serve_maybe_free(s);
}

static void on_work_closed(uv_handle_t *h)
{
	struct mt_serve *s = h->data;

	s->work_open = false;
	mt_serve_maybe_free(s);
}

void mt_serve_stop(struct mt_serve *s)
{
	struct stat st;

	if (!s || s->stopping)
		return;
	s->stopping = true;
	if (s->ino && stat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
	for (struct mt_serve_client *c = s->clients; c; c = c->next)
		mt_serve_client_close(c);
	mt_serve_cache_clear(&s->cache);
	uv_close((uv_handle_t *)&s->work, on_work_closed);
	uv_close((uv_handle_t *)&s->listener, on_listener_closed);
}

void mt_serve_get_stats(const struct mt_serve *s, struct mt_serve_stats *ret_stats)
{
	*ret_stats = s->stats;
}
