/* The status socket server: connections, framing, scheduling, replies.
 * serve.h has the contract, doc/protocol.md the wire format;
 * serve_dispatch.c turns requests into provider calls, serve_socket.c
 * creates the socket. */
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
#include <inttypes.h>
#include <syslog.h>
#include <unistd.h>

#include "admit.h"
#include "cleanup.h"
#include "serve_internal.h"

void mt_serve_log(struct mt_serve *s, int priority, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->provider.log)
		s->provider.log(s->provider.userdata, priority, msg);
	else if (priority <= LOG_INFO)
		fprintf(stderr, "memtriaged: %s\n", msg);
}

void mt_serve_log_limited(struct mt_serve *s, struct mt_ratelimit *rl, int priority, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	uint64_t suppressed;

	if (!mt_ratelimit_allow(rl, MT_SERVE_LOG_INTERVAL_MS, MT_SERVE_LOG_BURST, uv_now(s->loop), &suppressed))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (suppressed)
		mt_serve_log(s, priority, "%s (%" PRIu64 " similar lines suppressed before this one)", msg, suppressed);
	else
		mt_serve_log(s, priority, "%s", msg);
}

static void maybe_free_server(struct mt_serve *s)
{
	if (s->stopping && !s->listener_open && !s->work_open && !s->clients) {
		free(s->path);
		free(s);
	}
}

static void client_handle_closed(uv_handle_t *h)
{
	struct mt_serve_client *c = h->data;
	struct mt_serve *s = c->server;

	if (--c->open_handles > 0)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->counted)
		s->stats.clients--;
	mt_linebuf_done(&c->in);
	free(c);
	maybe_free_server(s);
}

/* Closes at once; unsent replies are dropped (their write callbacks run with
 * UV_ECANCELED before the close callbacks). */
static void queue_remove(struct mt_serve_client *c)
{
	struct mt_serve *s = c->server;
	struct mt_serve_client **pp = &s->queue_head, *prev = NULL;

	while (*pp && *pp != c) {
		prev = *pp;
		pp = &(*pp)->qnext;
	}
	if (!*pp)
		return;
	*pp = c->qnext;
	if (s->queue_tail == c)
		s->queue_tail = prev;
	c->qnext = NULL;
	c->line = NULL;
}

static void client_close(struct mt_serve_client *c)
{
	if (c->closing)
		return;
	c->closing = true;
	queue_remove(c);
	uv_close((uv_handle_t *)&c->timer, client_handle_closed);
	uv_close((uv_handle_t *)&c->pipe, client_handle_closed);
}

/* Best effort, never blocking: one last line for a client about to be
 * closed. It is sent only if nothing else is queued and the socket buffer
 * takes it whole. */
static void client_say_goodbye(struct mt_serve_client *c, enum mt_proto_err code, const char *message)
{
	_cleanup_free_ char *line = NULL;
	size_t len;

	if (c->pending || mt_proto_reply_error(code, message, &line, &len) < 0)
		return;
	uv_buf_t buf = uv_buf_init(line, (unsigned)len);
	(void)uv_try_write((uv_stream_t *)&c->pipe, &buf, 1);
}

static void client_touch(struct mt_serve_client *c);

static void on_write(uv_write_t *req, int status)
{
	struct write_req *w = (struct write_req *)req;
	struct mt_serve_client *c = w->client;

	c->pending -= w->text->len;
	mt_serve_text_unref(w->text);
	free(w);
	if (c->closing)
		return;
	if (status < 0) {
		mt_serve_log(c->server, LOG_DEBUG, "%s: write failed: %s", c->name, uv_strerror(status));
		client_close(c);
		return;
	}
	if (c->close_when_flushed && c->pending == 0) {
		client_close(c);
		return;
	}
	client_touch(c);
}

/* Queues one reply line; takes ownership of `line`. Returns 0, or a negative
 * errno after closing the client. */
int mt_serve_client_send(struct mt_serve_client *c, char *line, size_t len)
{
	struct mt_serve_text *t;

	if (mt_serve_text_new(line, len, &t) < 0) {
		client_close(c);
		return -ENOMEM;
	}
	int r = mt_serve_client_send_text(c, t);
	mt_serve_text_unref(t);
	return r;
}

int mt_serve_client_send_text(struct mt_serve_client *c, struct mt_serve_text *t)
{
	struct mt_serve *s = c->server;

	if (c->pending + t->len > s->limits.max_pending_reply) {
		s->stats.closed_slow++;
		mt_serve_log(s, LOG_WARNING,
		          "%s: not reading its replies (%zu bytes unsent, limit %zu); disconnecting",
		          c->name, c->pending + t->len, s->limits.max_pending_reply);
		client_close(c);
		return -ENOBUFS;
	}
	struct write_req *w = calloc(1, sizeof(*w));
	if (!w) {
		client_close(c);
		return -ENOMEM;
	}
	w->client = c;
	w->text = mt_serve_text_ref(t);
	/* libuv only reads the buffer: a shared text is safe to write to many
	 * clients at once. */
	uv_buf_t buf = uv_buf_init(t->line, (unsigned)t->len);
	int r = uv_write(&w->req, (uv_stream_t *)&c->pipe, &buf, 1, on_write);
	if (r < 0) {
		mt_serve_log(s, LOG_DEBUG, "%s: write failed: %s", c->name, uv_strerror(r));
		mt_serve_text_unref(w->text);
		free(w);
		client_close(c);
		return r;
	}
	c->pending += t->len;
	return 0;
}

int mt_serve_client_send_error(struct mt_serve_client *c, enum mt_proto_err code,
                               const char *message)
{
	char *line;
	size_t len;

	if (mt_proto_reply_error(code, message, &line, &len) < 0) {
		client_close(c);
		return -ENOMEM;
	}
	return mt_serve_client_send(c, line, len);
}

static void on_idle(uv_timer_t *t)
{
	struct mt_serve_client *c = t->data;

	c->server->stats.closed_idle++;
	mt_serve_log(c->server, LOG_WARNING, "%s: idle for %llu ms%s; disconnecting", c->name,
	          (unsigned long long)c->server->limits.idle_timeout_ms,
	          c->pending ? " with replies unread" : mt_linebuf_pending(&c->in) ?
	          " with a request incomplete" : "");
	client_say_goodbye(c, MT_PROTO_ERR_IDLE_TIMEOUT, NULL);
	client_close(c);
}

/* Restarts the idle clock: called on a completed request or reply. */
static void client_touch(struct mt_serve_client *c)
{
	uv_timer_start(&c->timer, on_idle, c->server->limits.idle_timeout_ms, 0);
}

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
		client_say_goodbye(c, MT_PROTO_ERR_TOO_LARGE, msg);
		client_close(c);
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
		client_touch(c);
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
			client_close(c);
		return;
	}
	if (nread < 0) {
		mt_serve_log(s, LOG_DEBUG, "%s: read failed: %s", c->name, uv_strerror((int)nread));
		client_close(c);
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
		client_close(c);
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
		client_close(c);
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
		client_say_goodbye(c, MT_PROTO_ERR_TOO_MANY_CLIENTS,
		                   adm == MT_ADMIT_UID_CAP ? "too many connections from this uid" : NULL);
		client_close(c);
		return;
	}
	c->counted = true;
	s->stats.clients++;
	mt_serve_log(s, LOG_DEBUG, "%s: connected", c->name);
	client_touch(c);
	r = uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
	if (r < 0) {
		mt_serve_log(s, LOG_WARNING, "%s: cannot read: %s", c->name, uv_strerror(r));
		client_close(c);
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
	maybe_free_server(s);
}

static void on_work_closed(uv_handle_t *h)
{
	struct mt_serve *s = h->data;

	s->work_open = false;
	maybe_free_server(s);
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
		client_close(c);
	mt_serve_cache_clear(&s->cache);
	uv_close((uv_handle_t *)&s->work, on_work_closed);
	uv_close((uv_handle_t *)&s->listener, on_listener_closed);
}

void mt_serve_get_stats(const struct mt_serve *s, struct mt_serve_stats *ret_stats)
{
	*ret_stats = s->stats;
}
