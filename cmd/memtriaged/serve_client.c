/* The status socket server's clients: their lifetime, replies and idle
 * timeout (serve.h has the contract). Called by serve_conn.c (connections,
 * framing, scheduling) and serve_dispatch.c (requests to provider calls);
 * calls neither. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

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

void mt_serve_maybe_free(struct mt_serve *s)
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
	mt_serve_maybe_free(s);
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

void mt_serve_client_close(struct mt_serve_client *c)
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
void mt_serve_client_goodbye(struct mt_serve_client *c, enum mt_proto_err code, const char *message)
{
	_cleanup_free_ char *line = NULL;
	size_t len;

	if (c->pending || mt_proto_reply_error(code, message, &line, &len) < 0)
		return;
	uv_buf_t buf = uv_buf_init(line, (unsigned)len);
	(void)uv_try_write((uv_stream_t *)&c->pipe, &buf, 1);
}

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
		mt_serve_client_close(c);
		return;
	}
	if (c->close_when_flushed && c->pending == 0) {
		mt_serve_client_close(c);
		return;
	}
	mt_serve_client_touch(c);
}

/* Queues one reply line; takes ownership of `line`. Returns 0, or a negative
 * errno after closing the client. */
int mt_serve_client_send(struct mt_serve_client *c, char *line, size_t len)
{
	struct mt_serve_text *t;

	if (mt_serve_text_new(line, len, &t) < 0) {
		mt_serve_client_close(c);
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
		mt_serve_client_close(c);
		return -ENOBUFS;
	}
	struct write_req *w = calloc(1, sizeof(*w));
	if (!w) {
		mt_serve_client_close(c);
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
		mt_serve_client_close(c);
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
		mt_serve_client_close(c);
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
	mt_serve_client_goodbye(c, MT_PROTO_ERR_IDLE_TIMEOUT, NULL);
	mt_serve_client_close(c);
}

/* Restarts the idle clock: called on a completed request or reply. */
void mt_serve_client_touch(struct mt_serve_client *c)
{
	uv_timer_start(&c->timer, on_idle, c->server->limits.idle_timeout_ms, 0);
}
