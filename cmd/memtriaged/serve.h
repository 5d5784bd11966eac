/* The status socket server of memtriaged (doc/protocol.md).
 *
 * The server owns the socket, the clients and the protocol; the daemon owns
 * the data. The daemon hands the server a struct mt_serve_provider: one
 * callback per command. The server parses and validates every request
 * (lib/proto.h), checks permissions, calls the matching callback, and writes
 * its answer back, all on the daemon's libuv loop and never blocking:
 *
 *   - a client that sends nothing, trickles a request, or never reads its
 *     replies costs at most limits.max_request + limits.max_pending_reply
 *     bytes and one slot, and is closed after limits.idle_timeout_ms;
 *   - writes go through uv_write only (never a blocking write); a client whose
 *     unsent replies would exceed limits.max_pending_reply is disconnected;
 *   - clients beyond limits.max_clients get one "too-many-clients" error line
 *     and are closed; the last slot is kept for uid 0 and no other uid holds
 *     more than limits.per_uid_clients (lib/admit.h);
 *   - requests are served one per loop iteration, round robin over clients
 *     (from a uv_idle handle), so the daemon's own callbacks (memory events,
 *     timers) wait for at most ONE request's work however many clients
 *     hammer the socket. That work is the provider callback plus encoding its
 *     reply. test/bench/bench_serve, 4 clients, 2-core machine: a 0.6 KiB
 *     status reply is served at ~35,000 qps (well under 0.1 ms each); a
 *     0.55 MiB reply (1000 candidates) costs ~7 ms of jansson encoding, and
 *     a 10 ms timer on the loop ran at most 10 ms late with this scheduling,
 *     37 ms late when each client's ready request was served at once;
 *   - so large replies are encoded once per change of what they show, not
 *     once per request (provider->generation, "Cached replies" below): a
 *     repeated query costs a reference to the kept text.
 *
 * CONTRACT FOR THE PROVIDER (the daemon implements these):
 *
 *   Threading. Every callback is called on the loop thread passed to
 *   mt_serve_start(), from a libuv idle callback. It must return
 *   promptly: build JSON from state already in memory; no cgroupfs reads, no
 *   sleeping, no waiting on the kernel. A callback never calls back into
 *   mt_serve_*.
 *
 *   Queries (status, candidates, history, explain, snapshot, policies)
 *   return a NEW reference to a JSON object (the server takes ownership and
 *   decrefs it) whose members follow doc/protocol.md section "Results"; the
 *   CLI renders exactly those members and passes the object through
 *   unchanged for `-o json`. To fail, return NULL and set ret_error->error to
 *   a negative errno and ret_error->message to one line for the operator
 *   (ret_error arrives zeroed). A NULL with error == 0, or a result that is
 *   not an object, is reported to the client as "internal" and logged.
 *
 *   Commands (reload, release, set_dry_run) are called only for peers with
 *   uid 0 (the server checks SO_PEERCRED first and answers others with
 *   "permission-denied" without calling). `peer` says who asked, for the
 *   daemon's own audit log. Return 0 on success (ret_error->message may
 *   carry a one-line note, e.g. "loaded 7 policies"; it becomes the result's
 *   "message") or a negative errno with ret_error->message set. Arguments
 *   arrive validated for shape only: release's cgroup is a non-empty
 *   relative path without "." or ".." components or "//", not necessarily
 *   an existing cgroup.
 *
 *   errno -> reply code, for both kinds:
 *     -ENOENT, -ESRCH   "not-found"    (unknown decision id, no such cgroup,
 *                                       cgroup not throttled)
 *     -EINVAL           "bad-value"    (an argument the daemon rejects)
 *     -EAGAIN           "unavailable"  (nothing to show yet, e.g. before the
 *                                       first snapshot or decision)
 *     -EBUSY            "busy"         (e.g. a reload already running)
 *     -EPERM, -EACCES   "permission-denied"
 *     -EOPNOTSUPP       "unsupported"
 *     -ENOMEM, other    "failed"
 *   The reply's message is ret_error->message, or strerror(-error) if empty.
 *
 *   A callback pointer may be NULL: the command then answers "unsupported".
 *
 *   Cached replies. generation (optional) lets the server answer the
 *   argument-less queries (status, candidates, snapshot, policies) from the
 *   reply it last encoded, without calling the query's callback: it is
 *   called before each such query, and the server keeps the query's last
 *   successful reply line with the value returned. The provider promises
 *   that while generation returns the same non-zero value for a query, the
 *   query's callback would return a result that encodes to the same bytes;
 *   so it must change the value (e.g. bump a counter) with every change of
 *   anything that result shows, before the next query can be served. 0
 *   means "do not cache": the callback is called, as without generation,
 *   and the kept reply is dropped (an old value returned later proves
 *   nothing about the changes made meanwhile).
 *   Errors, and replies over max_pending_reply, are never cached. A
 *   1000-candidate reply costs ~7 ms of building and encoding on the loop;
 *   from the cache, a reference (bench_serve).
 *
 * Logging. The server reports through provider->log (priority is a syslog
 * LOG_* level); each message names the peer ("peer pid=1234 uid=0 gid=0").
 * When log is NULL, messages go to stderr. Routine events (connect, a served
 * request) are LOG_DEBUG; a refused or disconnected client LOG_WARNING. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>
#include <uv.h>

#include "proto.h"

#define MT_SERVE_DEFAULT_PATH "/run/memtriage/memtriage.sock"

/* Default limits (struct mt_serve_limits fields left 0 take these). */

/* Concurrent clients: an operator's CLI, a `memtriage top` or two and a
 * monitoring scraper are a handful; 16 leaves headroom while bounding the
 * server's worst-case memory to 16 x (8 KiB + 4 MiB). */
#define MT_SERVE_MAX_CLIENTS 16
/* Connections one uid other than 0 may hold at once: a CLI user runs one
 * or two (`top` and a query); 4 leaves room, and 3 uids cannot fill the
 * 15 slots open to them. uid 0 always has the last slot. */
#define MT_SERVE_MAX_CLIENTS_PER_UID 4

/* A client must complete a request, or accept a whole reply, within this
 * long of its previous completed request or reply: a CLI sends its request
 * at once and `memtriage top` refreshes every 1 s, so 30 s only ever closes
 * clients that are stuck or hostile (including one trickling bytes). */
#define MT_SERVE_IDLE_TIMEOUT_MS 30000

/* Unsent reply bytes held for one client. The largest reply is a snapshot:
 * about 0.6 KiB per cgroup, so a node with 1000 container cgroups sends
 * ~0.6 MiB; 4 MiB holds several such replies for a client reading slowly and
 * disconnects one that does not read at all before it costs more. A single
 * reply larger than this is refused as "failed" (reply too large) rather
 * than buffered. */
#define MT_SERVE_MAX_PENDING_REPLY (4u << 20)

/* Pending connections the kernel queues before accept(2). */
#define MT_SERVE_BACKLOG 16

struct mt_serve_limits {
	unsigned max_clients;       /* 0 = MT_SERVE_MAX_CLIENTS; the last one for uid 0 */
	unsigned per_uid_clients;   /* 0 = MT_SERVE_MAX_CLIENTS_PER_UID; uid 0 unlimited */
	size_t max_request;         /* 0 = MT_PROTO_MAX_REQUEST; at most that */
	uint64_t idle_timeout_ms;   /* 0 = MT_SERVE_IDLE_TIMEOUT_MS */
	size_t max_pending_reply;   /* 0 = MT_SERVE_MAX_PENDING_REPLY */
};

/* Who is on the other end, from SO_PEERCRED at accept time. */
struct mt_serve_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

struct mt_serve_error {
	int error;          /* negative errno */
	char message[256];  /* one line, no trailing newline */
};

struct mt_serve_provider {
	void *userdata;     /* passed to every callback */

	/* Queries: see the contract above. */
	json_t *(*status)(void *userdata, struct mt_serve_error *ret_error);
	json_t *(*candidates)(void *userdata, struct mt_serve_error *ret_error);
	/* limit: the most recent `limit` actions, newest first; 0 = the
	 * provider's default (all it keeps). */
	json_t *(*history)(void *userdata, unsigned limit, struct mt_serve_error *ret_error);
	/* id: a decision id as reported by history/explain; NULL = the latest
	 * decision. Unknown id: -ENOENT. No decision yet: -EAGAIN. */
	json_t *(*explain)(void *userdata, const char *id, struct mt_serve_error *ret_error);
	/* The current snapshot in the format `memtriage simulate` reads
	 * (lib/snapshot.h). No snapshot yet: -EAGAIN. */
	json_t *(*snapshot)(void *userdata, struct mt_serve_error *ret_error);
	json_t *(*policies)(void *userdata, struct mt_serve_error *ret_error);
	/* Optional: see "Cached replies" above. cmd is one of
	 * MT_PROTO_CMD_STATUS, _CANDIDATES, _SNAPSHOT, _POLICIES. */
	uint64_t (*generation)(void *userdata, enum mt_proto_cmd cmd);

	/* Commands (uid 0 only): see the contract above. */
	/* Re-read the policy set: parse into a new set, validate, swap; a bad
	 * set keeps the old one and returns -EINVAL with file:line:col. */
	int (*reload)(void *userdata, const struct mt_serve_peer *peer,
	              struct mt_serve_error *ret_error);
	/* Lift the throttle (memory.high) memtriage set on `cgroup`. */
	int (*release)(void *userdata, const struct mt_serve_peer *peer,
	               const char *cgroup, struct mt_serve_error *ret_error);
	/* Switch dry run: on = decide and record, never act. */
	int (*set_dry_run)(void *userdata, const struct mt_serve_peer *peer,
	                   bool on, struct mt_serve_error *ret_error);

	/* Optional log sink; see "Logging" above. */
	void (*log)(void *userdata, int priority, const char *message);
};

struct mt_serve_config {
	const char *path;               /* NULL = MT_SERVE_DEFAULT_PATH */
	gid_t group;                    /* the socket's group; (gid_t)-1 keeps the
	                                   daemon's own */
	struct mt_serve_limits limits;  /* zeroed fields take the defaults */
};

/* Counters since start, for status and tests. */
struct mt_serve_stats {
	unsigned clients;          /* connected now */
	uint64_t accepted;         /* connections accepted (incl. refused ones) */
	uint64_t requests;         /* request lines answered (ok or error) */
	uint64_t refused_busy;     /* closed because max_clients were connected */
	uint64_t denied;           /* state changes refused for uid != 0 */
	uint64_t closed_idle;      /* closed by the idle timeout */
	uint64_t closed_slow;      /* closed for exceeding max_pending_reply */
	uint64_t closed_too_large; /* closed after a request over max_request */
	uint64_t cached;           /* replies sent from the cache (no callback called) */
};

struct mt_serve;

/* Creates the socket and starts serving on `loop`.
 *
 * The socket's directory, when absolute, is made as lib/rundir.h says
 * (created 0755 with its parents if missing; a symlink: -ELOOP; writable
 * by anyone else, unless sticky: -EPERM); a relative one must exist. The socket is
 * bound under a temporary name, set to mode 0660 and config->group, and
 * renamed onto config->path, so it never appears with other permissions.
 * An existing socket at the path that refuses connections (stale, left by a
 * crash) is replaced; one that accepts is another live daemon: -EADDRINUSE.
 * Anything else at the path (a file, a symlink): -EEXIST, left alone.
 *
 * Sets SIGPIPE to SIG_IGN when it is at its default: a client hanging up
 * mid-reply must not kill the daemon (libuv writes with write(2)).
 *
 * `config` and `provider` are copied (provider->userdata is not owned).
 * Returns 0 and sets *ret_server; a negative errno otherwise, having logged
 * nothing (the caller reports it, naming the path). */
int mt_serve_start(uv_loop_t *loop, const struct mt_serve_config *config,
                   const struct mt_serve_provider *provider,
                   struct mt_serve **ret_server);

/* Stops accepting, closes every client (dropping unsent replies), unlinks
 * the socket path if it is still ours, and frees the server once the loop
 * has run the close callbacks (run the loop after calling; the daemon's
 * shutdown already does). No provider callback is called after this. */
void mt_serve_stop(struct mt_serve *server);

void mt_serve_get_stats(const struct mt_serve *server, struct mt_serve_stats *ret_stats);
