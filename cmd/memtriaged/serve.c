/* The status socket server: accept, frame, check, dispatch, reply. See
 * serve.h for the contract and doc/protocol.md for the wire format. */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
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

#include "cleanup.h"
#include "linebuf.h"
#include "proto.h"

struct client {
	uv_pipe_t pipe;          /* first: the handle's data points back anyway */
	uv_timer_t timer;        /* idle timeout */
	struct mt_serve *server;
	struct client *prev, *next;
	struct client *qnext;    /* in the server's queue of requests to serve */
	char *line;              /* the queued request (in `in`), NULL when none */
	size_t line_len;
	bool reading;            /* uv_read_start'ed */
	struct mt_serve_peer peer;
	char name[80];           /* "peer pid=N uid=N gid=N" for every log line */
	struct mt_linebuf in;
	size_t pending;          /* reply bytes handed to uv_write, not yet completed */
	unsigned open_handles;   /* pipe + timer until both close callbacks ran */
	bool closing;
	bool close_when_flushed; /* reading stopped: close once pending is 0 */
	bool counted;            /* holds a client slot (not a refused one) */
};

struct write_req {
	uv_write_t req;
	struct client *client;
	char *line;
	size_t len;
};

/* Requests are served one per loop iteration, round robin over clients,
 * from an idle handle: between two requests the loop polls, so the daemon's
 * memory-event and timer callbacks wait for at most one request's work, not
 * for every client's (bench_serve measures it). A client's reading pauses
 * while its request waits, so its next requests stay in the kernel. */
struct mt_serve {
	uv_loop_t *loop;
	uv_pipe_t listener;
	uv_idle_t work;
	struct client *queue_head, *queue_tail;
	bool listener_open;
	bool work_open;
	bool stopping;
	char *path;
	dev_t dev;               /* identity of the socket we created, so that */
	ino_t ino;               /* stop never unlinks a successor's socket */
	struct mt_serve_provider provider;
	struct mt_serve_limits limits;
	struct mt_serve_stats stats;
	struct client *clients;  /* every client not yet freed, refused ones too */
};

__attribute__((format(printf, 3, 4)))
static void serve_log(struct mt_serve *s, int priority, const char *fmt, ...)
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

static void maybe_free_server(struct mt_serve *s)
{
	if (s->stopping && !s->listener_open && !s->work_open && !s->clients) {
		free(s->path);
		free(s);
	}
}

static void client_handle_closed(uv_handle_t *h)
{
	struct client *c = h->data;
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
static void queue_remove(struct client *c)
{
	struct mt_serve *s = c->server;
	struct client **pp = &s->queue_head, *prev = NULL;

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

static void client_close(struct client *c)
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
static void client_say_goodbye(struct client *c, enum mt_proto_err code, const char *message)
{
	_cleanup_free_ char *line = NULL;
	size_t len;

	if (c->pending || mt_proto_reply_error(code, message, &line, &len) < 0)
		return;
	uv_buf_t buf = uv_buf_init(line, (unsigned)len);
	(void)uv_try_write((uv_stream_t *)&c->pipe, &buf, 1);
}

static void client_touch(struct client *c);

static void on_write(uv_write_t *req, int status)
{
	struct write_req *w = (struct write_req *)req;
	struct client *c = w->client;

	c->pending -= w->len;
	free(w->line);
	free(w);
	if (c->closing)
		return;
	if (status < 0) {
		serve_log(c->server, LOG_DEBUG, "%s: write failed: %s", c->name, uv_strerror(status));
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
static int client_send(struct client *c, char *line, size_t len)
{
	struct mt_serve *s = c->server;

	if (c->pending + len > s->limits.max_pending_reply) {
		free(line);
		s->stats.closed_slow++;
		serve_log(s, LOG_WARNING,
		          "%s: not reading its replies (%zu bytes unsent, limit %zu); disconnecting",
		          c->name, c->pending + len, s->limits.max_pending_reply);
		client_close(c);
		return -ENOBUFS;
	}
	struct write_req *w = calloc(1, sizeof(*w));
	if (!w) {
		free(line);
		client_close(c);
		return -ENOMEM;
	}
	w->client = c;
	w->line = line;
	w->len = len;
	uv_buf_t buf = uv_buf_init(line, (unsigned)len);
	int r = uv_write(&w->req, (uv_stream_t *)&c->pipe, &buf, 1, on_write);
	if (r < 0) {
		serve_log(s, LOG_DEBUG, "%s: write failed: %s", c->name, uv_strerror(r));
		free(line);
		free(w);
		client_close(c);
		return r;
	}
	c->pending += len;
	return 0;
}

static int client_send_error(struct client *c, enum mt_proto_err code, const char *message)
{
	char *line;
	size_t len;

	if (mt_proto_reply_error(code, message, &line, &len) < 0) {
		client_close(c);
		return -ENOMEM;
	}
	return client_send(c, line, len);
}

static enum mt_proto_err errno_to_code(int error)
{
	switch (error) {
	case -ENOENT:
	case -ESRCH:
		return MT_PROTO_ERR_NOT_FOUND;
	case -EINVAL:
		return MT_PROTO_ERR_BAD_VALUE;
	case -EAGAIN:
		return MT_PROTO_ERR_UNAVAILABLE;
	case -EBUSY:
		return MT_PROTO_ERR_BUSY;
	case -EPERM:
	case -EACCES:
		return MT_PROTO_ERR_PERMISSION_DENIED;
	case -EOPNOTSUPP:
		return MT_PROTO_ERR_UNSUPPORTED;
	default:
		return MT_PROTO_ERR_FAILED;
	}
}

static void send_provider_error(struct client *c, const char *cmd, const struct mt_serve_error *e)
{
	const char *msg = e->message[0] ? e->message : strerror(-e->error);

	serve_log(c->server, LOG_INFO, "%s: %s: %s", c->name, cmd, msg);
	client_send_error(c, errno_to_code(e->error), msg);
}

static void send_result(struct client *c, const char *cmd, json_t *result, struct mt_serve_error *e)
{
	struct mt_serve *s = c->server;
	char *line;
	size_t len;

	if (!result) {
		if (e->error >= 0) {
			serve_log(s, LOG_ERR, "%s: %s: provider returned no result and no error",
			          c->name, cmd);
			client_send_error(c, MT_PROTO_ERR_INTERNAL, "the daemon returned no result");
			return;
		}
		send_provider_error(c, cmd, e);
		return;
	}
	if (!json_is_object(result)) {
		json_decref(result);
		serve_log(s, LOG_ERR, "%s: %s: provider returned a non-object result", c->name, cmd);
		client_send_error(c, MT_PROTO_ERR_INTERNAL, "the daemon returned a non-object result");
		return;
	}
	int r = mt_proto_reply_ok(result, &line, &len);
	if (r < 0) {
		serve_log(s, LOG_ERR, "%s: %s: cannot encode the reply: %s", c->name, cmd, strerror(-r));
		client_send_error(c, MT_PROTO_ERR_INTERNAL, "cannot encode the reply");
		return;
	}
	if (len > s->limits.max_pending_reply) {
		char msg[128];
		snprintf(msg, sizeof(msg), "reply of %zu bytes exceeds the server's limit of %zu",
		         len, s->limits.max_pending_reply);
		free(line);
		serve_log(s, LOG_WARNING, "%s: %s: %s", c->name, cmd, msg);
		client_send_error(c, MT_PROTO_ERR_FAILED, msg);
		return;
	}
	client_send(c, line, len);
}

static void send_command_result(struct client *c, const char *cmd, int r,
                                struct mt_serve_error *e, int dry_run)
{
	if (r < 0) {
		if (e->error == 0)
			e->error = r;
		send_provider_error(c, cmd, e);
		return;
	}
	serve_log(c->server, LOG_INFO, "%s: %s: done%s%s", c->name, cmd,
	          e->message[0] ? ": " : "", e->message);
	json_t *result = dry_run < 0 ? json_pack("{ss}", "message", e->message)
	                             : json_pack("{sssb}", "message", e->message, "dry_run", dry_run);
	if (!result) /* message not UTF-8 */
		result = json_pack("{ss}", "message", "");
	send_result(c, cmd, result, e);
}

static void dispatch(struct client *c, const struct mt_proto_request *req)
{
	const struct mt_serve_provider *p = &c->server->provider;
	struct mt_serve_error e = { 0 };
	const char *cmd = mt_proto_cmd_to_string(req->cmd);
	json_t *result = NULL;
	int r;

	switch (req->cmd) {
	case MT_PROTO_CMD_STATUS:
		if (!p->status)
			goto unsupported;
		result = p->status(p->userdata, &e);
		break;
	case MT_PROTO_CMD_CANDIDATES:
		if (!p->candidates)
			goto unsupported;
		result = p->candidates(p->userdata, &e);
		break;
	case MT_PROTO_CMD_HISTORY:
		if (!p->history)
			goto unsupported;
		result = p->history(p->userdata, req->history_limit, &e);
		break;
	case MT_PROTO_CMD_EXPLAIN:
		if (!p->explain)
			goto unsupported;
		result = p->explain(p->userdata, req->explain_id[0] ? req->explain_id : NULL, &e);
		break;
	case MT_PROTO_CMD_SNAPSHOT:
		if (!p->snapshot)
			goto unsupported;
		result = p->snapshot(p->userdata, &e);
		break;
	case MT_PROTO_CMD_POLICIES:
		if (!p->policies)
			goto unsupported;
		result = p->policies(p->userdata, &e);
		break;
	case MT_PROTO_CMD_RELOAD:
		if (!p->reload)
			goto unsupported;
		r = p->reload(p->userdata, &c->peer, &e);
		send_command_result(c, cmd, r, &e, -1);
		return;
	case MT_PROTO_CMD_RELEASE:
		if (!p->release)
			goto unsupported;
		r = p->release(p->userdata, &c->peer, req->cgroup, &e);
		send_command_result(c, cmd, r, &e, -1);
		return;
	case MT_PROTO_CMD_DRY_RUN:
		if (!p->set_dry_run)
			goto unsupported;
		r = p->set_dry_run(p->userdata, &c->peer, req->dry_run, &e);
		send_command_result(c, cmd, r, &e, req->dry_run);
		return;
	default:
		goto unsupported;
	}
	send_result(c, cmd, result, &e);
	return;
unsupported:
	client_send_error(c, MT_PROTO_ERR_UNSUPPORTED, "this daemon does not implement the command");
}

static void handle_line(struct client *c, const char *line, size_t len)
{
	struct mt_serve *s = c->server;
	struct mt_proto_request req;
	struct mt_proto_failure f;

	s->stats.requests++;
	int r = mt_proto_request_parse(line, len, &req, &f);
	if (r == -ENOMEM) {
		client_send_error(c, MT_PROTO_ERR_INTERNAL, "out of memory");
		return;
	}
	if (r < 0) {
		serve_log(s, LOG_INFO, "%s: bad request: %s: %s", c->name,
		          mt_proto_err_to_string(f.code), f.message);
		client_send_error(c, f.code, f.message);
		return;
	}
	if (mt_proto_cmd_changes_state(req.cmd) && c->peer.uid != 0) {
		s->stats.denied++;
		serve_log(s, LOG_WARNING, "%s: %s refused: needs uid 0", c->name,
		          mt_proto_cmd_to_string(req.cmd));
		client_send_error(c, MT_PROTO_ERR_PERMISSION_DENIED,
		                  "this command changes state and needs uid 0");
		return;
	}
	serve_log(s, LOG_DEBUG, "%s: %s", c->name, mt_proto_cmd_to_string(req.cmd));
	dispatch(c, &req);
}

static void on_idle(uv_timer_t *t)
{
	struct client *c = t->data;

	c->server->stats.closed_idle++;
	serve_log(c->server, LOG_WARNING, "%s: idle for %llu ms%s; disconnecting", c->name,
	          (unsigned long long)c->server->limits.idle_timeout_ms,
	          c->pending ? " with replies unread" : mt_linebuf_pending(&c->in) ?
	          " with a request incomplete" : "");
	client_say_goodbye(c, MT_PROTO_ERR_IDLE_TIMEOUT, NULL);
	client_close(c);
}

/* Restarts the idle clock: called on a completed request or reply. */
static void client_touch(struct client *c)
{
	uv_timer_start(&c->timer, on_idle, c->server->limits.idle_timeout_ms, 0);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct client *c = h->data;
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
static void client_too_large(struct client *c)
{
	struct mt_serve *s = c->server;
	char msg[96];

	s->stats.requests++;
	s->stats.closed_too_large++;
	serve_log(s, LOG_WARNING, "%s: request longer than %zu bytes; disconnecting", c->name,
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
	client_send_error(c, MT_PROTO_ERR_TOO_LARGE, msg);
}

/* Queues the client's next complete request, pausing its reading, or
 * resumes reading when it has none. */
static void client_next(struct client *c)
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
	struct client *c = s->queue_head;

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
	handle_line(c, line, c->line_len);
	if (!c->closing) {
		client_touch(c);
		client_next(c);
	}
	if (!s->queue_head)
		uv_idle_stop(h);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct client *c = stream->data;
	struct mt_serve *s = c->server;

	if (c->closing)
		return;
	if (nread == UV_EOF) {
		/* The client is done sending; finish what it asked for. */
		uv_read_stop(stream);
		c->reading = false;
		if (mt_linebuf_pending(&c->in))
			serve_log(s, LOG_INFO, "%s: hung up inside a request (no final newline)",
			          c->name);
		c->close_when_flushed = true;
		if (!c->pending)
			client_close(c);
		return;
	}
	if (nread < 0) {
		serve_log(s, LOG_DEBUG, "%s: read failed: %s", c->name, uv_strerror((int)nread));
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
		serve_log(s, LOG_WARNING, "status socket: accept failed: %s", uv_strerror(status));
		return;
	}
	struct client *c = calloc(1, sizeof(*c));
	if (!c) {
		serve_log(s, LOG_ERR, "status socket: out of memory for a new client");
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
		serve_log(s, LOG_WARNING, "status socket: accept failed: %s", uv_strerror(r));
		client_close(c);
		return;
	}
	s->stats.accepted++;

	uv_os_fd_t fd;
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0) {
		serve_log(s, LOG_WARNING, "status socket: cannot read the peer's credentials: %m; "
		          "closing the connection");
		client_close(c);
		return;
	}
	c->peer = (struct mt_serve_peer){ .pid = cred.pid, .uid = cred.uid, .gid = cred.gid };
	snprintf(c->name, sizeof(c->name), "peer pid=%ld uid=%lu gid=%lu", (long)cred.pid,
	         (unsigned long)cred.uid, (unsigned long)cred.gid);

	if (s->stats.clients >= s->limits.max_clients) {
		s->stats.refused_busy++;
		serve_log(s, LOG_WARNING, "%s: refused: %u clients already connected", c->name,
		          s->stats.clients);
		client_say_goodbye(c, MT_PROTO_ERR_TOO_MANY_CLIENTS, NULL);
		client_close(c);
		return;
	}
	c->counted = true;
	s->stats.clients++;
	serve_log(s, LOG_DEBUG, "%s: connected", c->name);
	client_touch(c);
	r = uv_read_start((uv_stream_t *)&c->pipe, on_alloc, on_read);
	if (r < 0) {
		serve_log(s, LOG_WARNING, "%s: cannot read: %s", c->name, uv_strerror(r));
		client_close(c);
		return;
	}
	c->reading = true;
}

/* Makes sure the socket's directory exists (mode 0755 when we create it)
 * and is a real directory. */
static int ensure_dir(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	struct stat st;

	if (!copy)
		return -ENOMEM;
	const char *dir = dirname(copy);
	if (lstat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (errno != ENOENT)
		return -errno;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* mkdir honours the umask; the mode is part of the contract. */
	if (chmod(dir, 0755) < 0)
		return -errno;
	return 0;
}

/* What is at the socket path now: 0 when nothing or a stale socket (safe to
 * replace), -EADDRINUSE when a live server answers, -EEXIST when it is not
 * a socket. */
static int check_existing(const char *path)
{
	struct stat st;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return -EADDRINUSE;
	/* EAGAIN: a live server whose backlog is full. */
	if (errno == EAGAIN || errno == EINPROGRESS)
		return -EADDRINUSE;
	if (errno == ECONNREFUSED || errno == ENOENT)
		return 0;
	return -errno;
}

/* Binds under a temporary name, sets mode and group, listens, and renames
 * onto `path`, so the socket never appears with other permissions. Returns
 * the listening fd. */
static int bind_socket(const char *path, gid_t group, char *tmp, size_t tmp_size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_free_ char *copy = strdup(path), *copy2 = strdup(path);

	if (!copy || !copy2)
		return -ENOMEM;
	int n = snprintf(tmp, tmp_size, "%s/.%s.%ld.tmp", dirname(copy), basename(copy2),
	                 (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path) || (size_t)n >= tmp_size)
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, tmp, (size_t)n + 1);
	if (unlink(tmp) < 0 && errno != ENOENT)
		return -errno;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	int r = 0;
	if (chmod(tmp, 0660) < 0 || (group != (gid_t)-1 && chown(tmp, (uid_t)-1, group) < 0) ||
	    listen(fd, MT_SERVE_BACKLOG) < 0 || rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return mt_take_fd(&fd);
}

int mt_serve_start(uv_loop_t *loop, const struct mt_serve_config *config,
                   const struct mt_serve_provider *provider, struct mt_serve **ret_server)
{
	const char *path = config->path ? config->path : MT_SERVE_DEFAULT_PATH;
	char tmp[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;
	int r;

	if (strlen(path) >= sizeof(tmp) || path[0] == '\0')
		return -ENAMETOOLONG;
	/* A client that hangs up while its reply is being written must cost an
	 * EPIPE, not the daemon: libuv writes with write(2), which raises
	 * SIGPIPE. A disposition the caller chose is left alone. */
	struct sigaction old_pipe;
	if (sigaction(SIGPIPE, NULL, &old_pipe) == 0 && old_pipe.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);
	if (config->limits.max_request > MT_PROTO_MAX_REQUEST)
		return -EINVAL;
	r = ensure_dir(path);
	if (r < 0)
		return r;
	r = check_existing(path);
	if (r < 0)
		return r;
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
	if (!s->limits.max_request)
		s->limits.max_request = MT_PROTO_MAX_REQUEST;
	if (!s->limits.idle_timeout_ms)
		s->limits.idle_timeout_ms = MT_SERVE_IDLE_TIMEOUT_MS;
	if (!s->limits.max_pending_reply)
		s->limits.max_pending_reply = MT_SERVE_MAX_PENDING_REPLY;

	int fd = bind_socket(path, config->group, tmp, sizeof(tmp));
	if (fd < 0) {
		free(s->path);
		free(s);
		return fd;
	}
	if (stat(path, &st) == 0) {
		s->dev = st.st_dev;
		s->ino = st.st_ino;
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
	for (struct client *c = s->clients; c; c = c->next)
		client_close(c);
	uv_close((uv_handle_t *)&s->work, on_work_closed);
	uv_close((uv_handle_t *)&s->listener, on_listener_closed);
}

void mt_serve_get_stats(const struct mt_serve *s, struct mt_serve_stats *ret_stats)
{
	*ret_stats = s->stats;
}
