/* Internals shared by serve_conn.c (connections, framing, scheduling),
 * serve_dispatch.c (requests to provider calls and replies),
 * serve_client.c (a client's lifetime and replies) and serve_socket.c
 * (creating the socket). Calls go one way: serve_conn.c -> serve_dispatch.c ->
 * serve_client.c, serve_conn.c -> serve_client.c, serve_socket.c. Not for the
 * daemon: serve.h is the interface. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "linebuf.h"
#include "proto.h"
#include "ratelimit.h"
#include "serve.h"
#include "serve_cache.h"

struct mt_serve_client {
	uv_pipe_t pipe;          /* first: the handle's data points back anyway */
	uv_timer_t timer;        /* idle timeout */
	struct mt_serve *server;
	struct mt_serve_client *prev, *next;
	struct mt_serve_client *qnext;    /* in the server's queue of requests to serve */
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
	struct mt_serve_client *client;
	struct mt_serve_text *text;  /* one reference, dropped when written */
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
	struct mt_serve_client *queue_head, *queue_tail;
	bool listener_open;
	bool work_open;
	bool stopping;
	char *path;
	dev_t dev;               /* identity of the socket we created, so that */
	ino_t ino;               /* stop never unlinks a successor's socket */
	struct mt_serve_provider provider;
	struct mt_serve_limits limits;
	struct mt_serve_stats stats;
	struct mt_serve_cache cache;      /* encoded replies (serve_cache.h) */
	struct mt_serve_client *clients;  /* every client not yet freed, refused ones too */
	struct mt_ratelimit bad_request_log; /* lines any peer can provoke at will */
};

/* --- serve_client.c --- */
/* Logs through the provider's sink (or stderr); messages name the peer. */
__attribute__((format(printf, 3, 4)))
void mt_serve_log(struct mt_serve *s, int priority, const char *fmt, ...);

/* The same through a rate limit (lib/ratelimit): at most
 * MT_SERVE_LOG_BURST lines per MT_SERVE_LOG_INTERVAL_MS; the first line let
 * through after others were suppressed says how many. For what any peer
 * can repeat at will (a bad request: one unprivileged client produced
 * 588,000 lines in 5 s). */
#define MT_SERVE_LOG_INTERVAL_MS 5000
#define MT_SERVE_LOG_BURST 10
__attribute__((format(printf, 4, 5)))
void mt_serve_log_limited(struct mt_serve *s, struct mt_ratelimit *rl, int priority, const char *fmt, ...);

/* Queues one reply line, taking ownership of `line`. Returns 0, or a
 * negative errno after closing the client (over max_pending_reply: the
 * client does not read its replies). */
int mt_serve_client_send(struct mt_serve_client *c, char *line, size_t len);

/* Queues a shared reply line, taking a reference of its own; same
 * contract. */
int mt_serve_client_send_text(struct mt_serve_client *c, struct mt_serve_text *text);

/* Queues an error reply; same contract. */
int mt_serve_client_send_error(struct mt_serve_client *c, enum mt_proto_err code,
                               const char *message);

/* Closes at once; unsent replies are dropped (their write callbacks run
 * with UV_ECANCELED before the close callbacks). */
void mt_serve_client_close(struct mt_serve_client *c);

/* Best effort, never blocking: one last line for a client about to be
 * closed, sent only if nothing else is queued and the socket takes it whole. */
void mt_serve_client_goodbye(struct mt_serve_client *c, enum mt_proto_err code, const char *message);

/* Restarts the idle clock: called on a completed request or reply. */
void mt_serve_client_touch(struct mt_serve_client *c);

/* Frees a stopping server once its listener, idle handle and clients are
 * all closed. */
void mt_serve_maybe_free(struct mt_serve *s);

/* --- serve_dispatch.c --- */
/* Answers one request line: parse, check permission, call the provider,
 * queue the reply. */
void mt_serve_handle_line(struct mt_serve_client *c, const char *line, size_t len);

/* Creates the listening socket at `path` as serve.h's mt_serve_start
 * describes (directory, stale socket, temporary name, mode, group, rename).
 * Returns the listening fd and the socket's identity (serve_socket.c). */
int mt_serve_socket_open(const char *path, gid_t group, dev_t *ret_dev, ino_t *ret_ino);
