/* cmd/memtriaged/serve: the socket server, in-process on a temp socket with
 * a fake provider. The loop and the clients share this thread: clients use
 * non-blocking sockets and the helpers pump the loop while they wait. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "proto.h"
#include "serve.h"

static uv_loop_t loop;
static struct mt_serve *srv;
static char tmpdir[32], sockpath[96];

/* ---- the fake provider ---- */

static struct {
	int reloads, releases, dry_runs;
	uid_t last_uid;
	char last_cgroup[64];
	unsigned last_limit;
	size_t big;        /* size of the "snapshot" result's payload */
	int log_warnings;
	char last_log[512];
} fake;

static json_t *fake_status(void *ud, struct mt_serve_error *e)
{
	return json_pack("{sssb}", "mode", "watching", "dry_run", 0);
}

static json_t *fake_candidates(void *ud, struct mt_serve_error *e)
{
	return NULL; /* a provider bug: no result, no error */
}

static json_t *fake_history(void *ud, unsigned limit, struct mt_serve_error *e)
{
	fake.last_limit = limit;
	return json_pack("{s[]}", "actions");
}

static json_t *fake_explain(void *ud, const char *id, struct mt_serve_error *e)
{
	if (!id)
		return json_pack("{ss}", "id", "latest");
	if (strcmp(id, "7") == 0)
		return json_pack("{ss}", "id", "7");
	if (strcmp(id, "array") == 0)
		return json_array();
	e->error = -ENOENT;
	snprintf(e->message, sizeof(e->message), "no decision with id \"%s\"", id);
	return NULL;
}

static json_t *fake_snapshot(void *ud, struct mt_serve_error *e)
{
	if (!fake.big) {
		e->error = -EAGAIN;
		return NULL;
	}
	char *s = malloc(fake.big + 1);
	memset(s, 'x', fake.big);
	s[fake.big] = '\0';
	json_t *r = json_pack("{ss}", "blob", s);
	free(s);
	return r;
}

static int fake_reload(void *ud, const struct mt_serve_peer *peer, struct mt_serve_error *e)
{
	fake.reloads++;
	fake.last_uid = peer->uid;
	snprintf(e->message, sizeof(e->message), "loaded 3 policies");
	return 0;
}

static int fake_release(void *ud, const struct mt_serve_peer *peer, const char *cgroup,
                        struct mt_serve_error *e)
{
	fake.releases++;
	snprintf(fake.last_cgroup, sizeof(fake.last_cgroup), "%s", cgroup);
	return -EBUSY; /* message left empty: strerror is used */
}

static int fake_dry_run(void *ud, const struct mt_serve_peer *peer, bool on,
                        struct mt_serve_error *e)
{
	fake.dry_runs++;
	return 0;
}

static void fake_log(void *ud, int priority, const char *message)
{
	if (priority <= LOG_WARNING)
		fake.log_warnings++;
	snprintf(fake.last_log, sizeof(fake.last_log), "%s", message);
}

static const struct mt_serve_provider provider = {
	.status = fake_status,
	.candidates = fake_candidates,
	.history = fake_history,
	.explain = fake_explain,
	.snapshot = fake_snapshot,
	/* .policies left NULL: "unsupported" */
	.reload = fake_reload,
	.release = fake_release,
	.set_dry_run = fake_dry_run,
	.log = fake_log,
};

/* ---- client helpers ---- */

struct conn {
	int fd;
	char *buf;
	size_t len, size;
	bool eof;
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void pump(int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	do {
		uv_run(&loop, UV_RUN_NOWAIT);
		usleep(500);
	} while (now_ms() < end);
}

/* Pumps the loop until `cond` holds or `ms` pass. The bound is for a
 * slow, shared machine, never a timing assertion: the check after it says
 * what must have happened. */
#define PUMP_UNTIL(cond, ms) \
	do { \
		uint64_t end_ = now_ms() + (uint64_t)(ms); \
		while (!(cond) && now_ms() < end_) \
			pump(1); \
	} while (0)

static int raw_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static struct conn *conn_open(void)
{
	struct conn *c = calloc(1, sizeof(*c));
	c->fd = raw_connect(sockpath);
	CHECK(c->fd >= 0);
	pump(5); /* let the server accept */
	return c;
}

static void conn_close(struct conn *c)
{
	close(c->fd);
	free(c->buf);
	free(c);
	pump(5);
}

static void conn_send(struct conn *c, const char *s, size_t n)
{
	size_t off = 0;
	uint64_t end = now_ms() + 5000;

	while (off < n && now_ms() < end) {
		ssize_t k = send(c->fd, s + off, n - off, MSG_NOSIGNAL);
		if (k > 0)
			off += (size_t)k;
		else
			pump(1);
	}
	CHECK_INT(off, n);
}

static void conn_sends(struct conn *c, const char *s)
{
	conn_send(c, s, strlen(s));
}

/* Reads whatever is available into c->buf. */
static void conn_fill(struct conn *c)
{
	for (;;) {
		if (c->size - c->len < 65536) {
			c->size = c->size ? c->size * 2 : 65536;
			c->buf = realloc(c->buf, c->size);
		}
		ssize_t k = recv(c->fd, c->buf + c->len, c->size - c->len - 1, 0);
		if (k > 0) {
			c->len += (size_t)k;
			continue;
		}
		if (k == 0 || (errno != EAGAIN && errno != EINTR))
			c->eof = true;
		return;
	}
}

/* Returns the next reply line (malloc'd, without '\n'), or NULL on EOF or
 * after timeout_ms. */
static char *conn_line(struct conn *c, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		conn_fill(c);
		char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
		if (nl) {
			size_t n = (size_t)(nl - c->buf);
			char *line = strndup(c->buf, n);
			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
			return line;
		}
		if (c->eof || now_ms() >= end)
			return NULL;
		pump(1);
	}
}

/* Waits for the server to close the connection: true if it did. */
static bool conn_wait_eof(struct conn *c, int timeout_ms)
{
	uint64_t end = now_ms() + (uint64_t)timeout_ms;

	while (!c->eof && now_ms() < end) {
		conn_fill(c);
		c->len = 0;
		if (!c->eof)
			pump(1);
	}
	return c->eof;
}

/* Sends one request line and checks the reply is exactly `want`. */
#define ASK(c, request, want) do { \
	conn_sends((c), request "\n"); \
	char *got_ = conn_line((c), 2000); \
	CHECK_STR(got_, want); \
	free(got_); \
} while (0)

#define ERR(code, msg) "{\"v\":1,\"ok\":false,\"error\":{\"code\":\"" code "\",\"message\":\"" msg "\"}}"

static struct mt_serve_stats stats(void)
{
	struct mt_serve_stats st;
	mt_serve_get_stats(srv, &st);
	return st;
}

static void start(struct mt_serve_limits limits, gid_t group)
{
	struct mt_serve_config cfg = { .path = sockpath, .group = group, .limits = limits };
	memset(&fake, 0, sizeof(fake));
	CHECK_INT(mt_serve_start(&loop, &cfg, &provider, &srv), 0);
}

static void stop(void)
{
	mt_serve_stop(srv);
	srv = NULL;
	CHECK_INT(uv_run(&loop, UV_RUN_DEFAULT), 0); /* every handle closed */
}

/* ---- tests ---- */

static void test_queries(void)
{
	start((struct mt_serve_limits){ 0 }, (gid_t)-1);
	struct conn *c = conn_open();

	ASK(c, "{\"v\":1,\"cmd\":\"status\"}", "{\"v\":1,\"ok\":true,\"result\":{\"mode\":\"watching\",\"dry_run\":false}}");
	ASK(c, "{\"v\":1,\"cmd\":\"history\",\"args\":{\"limit\":5}}", "{\"v\":1,\"ok\":true,\"result\":{\"actions\":[]}}");
	CHECK_INT(fake.last_limit, 5);
	ASK(c, "{\"v\":1,\"cmd\":\"explain\"}", "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
	ASK(c, "{\"v\":1,\"cmd\":\"explain\",\"args\":{\"id\":\"7\"}}", "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"7\"}}");
	/* provider errors map onto codes */
	ASK(c, "{\"v\":1,\"cmd\":\"explain\",\"args\":{\"id\":\"9\"}}", ERR("not-found", "no decision with id \\\"9\\\""));
	ASK(c, "{\"v\":1,\"cmd\":\"explain\",\"args\":{\"id\":\"array\"}}", ERR("internal", "the daemon returned a non-object result"));
	ASK(c, "{\"v\":1,\"cmd\":\"candidates\"}", ERR("internal", "the daemon returned no result"));
	ASK(c, "{\"v\":1,\"cmd\":\"snapshot\"}", ERR("unavailable", "Resource temporarily unavailable"));
	ASK(c, "{\"v\":1,\"cmd\":\"policies\"}", ERR("unsupported", "this daemon does not implement the command"));

	/* bad requests: each its own code, the connection stays usable */
	ASK(c, "hello", ERR("not-json", "column 5: invalid token near 'hello'"));
	ASK(c, "[]", ERR("not-object", "request: expected an object, got array"));
	ASK(c, "{\"v\":2,\"cmd\":\"status\"}", ERR("unsupported-version", "v: version 2 not supported; this server speaks 1"));
	ASK(c, "{\"v\":1,\"cmd\":\"stats\"}", ERR("unknown-command", "cmd: unknown command \\\"stats\\\""));
	ASK(c, "{\"v\":1,\"cmd\":\"history\",\"args\":{\"limit\":\"x\"}}", ERR("wrong-type", "args.limit: expected an integer, got string"));
	ASK(c, "{\"v\":1,\"cmd\":\"release\"}", ERR("missing-field", "args.cgroup: required by \\\"release\\\""));
	ASK(c, "{\"v\":1,\"cmd\":\"status\",\"x\":1}", ERR("extra-field", "x: not a request member (v, cmd, args)"));
	ASK(c, "{\"v\":1,\"cmd\":\"status\"}", "{\"v\":1,\"ok\":true,\"result\":{\"mode\":\"watching\",\"dry_run\":false}}");

	/* commands, as root (this test's uid decides what is expected) */
	if (getuid() == 0) {
		ASK(c, "{\"v\":1,\"cmd\":\"reload\"}", "{\"v\":1,\"ok\":true,\"result\":{\"message\":\"loaded 3 policies\"}}");
		CHECK_INT(fake.reloads, 1);
		CHECK_INT(fake.last_uid, 0);
		ASK(c, "{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":\"a/b\"}}", ERR("busy", "Device or resource busy"));
		CHECK_STR(fake.last_cgroup, "a/b");
		ASK(c, "{\"v\":1,\"cmd\":\"dry-run\",\"args\":{\"enabled\":true}}", "{\"v\":1,\"ok\":true,\"result\":{\"message\":\"\",\"dry_run\":true}}");
		CHECK_INT(fake.dry_runs, 1);
	} else {
		ASK(c, "{\"v\":1,\"cmd\":\"reload\"}", ERR("permission-denied", "this command changes state and needs uid 0"));
		CHECK_INT(fake.reloads, 0);
		fprintf(stderr, "test_serve: not root: state changes as uid 0 not checked (CI runs as root)\n");
	}

	/* several requests in one write, answered in order */
	conn_sends(c, "{\"v\":1,\"cmd\":\"explain\",\"args\":{\"id\":\"7\"}}\n{\"v\":1,\"cmd\":\"explain\"}\n");
	char *l1 = conn_line(c, 2000), *l2 = conn_line(c, 2000);
	CHECK_STR(l1, "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"7\"}}");
	CHECK_STR(l2, "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
	free(l1);
	free(l2);

	/* a request split across many writes, a byte at a time */
	const char *req = "{\"v\":1,\"cmd\":\"explain\",\"args\":{\"id\":\"7\"}}\n";
	for (size_t i = 0; req[i]; i++) {
		conn_send(c, req + i, 1);
		pump(1);
	}
	char *l3 = conn_line(c, 2000);
	CHECK_STR(l3, "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"7\"}}");
	free(l3);

	/* a client that sends its request and shuts down its side still gets
	 * the reply, then EOF */
	struct conn *d = conn_open();
	conn_sends(d, "{\"v\":1,\"cmd\":\"explain\"}\n");
	shutdown(d->fd, SHUT_WR);
	char *l4 = conn_line(d, 2000);
	CHECK_STR(l4, "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
	free(l4);
	CHECK(conn_wait_eof(d, 2000));
	conn_close(d);

	/* round robin: a client pipelining 50 requests does not hold back
	 * another's single one (one request is served per loop iteration) */
	struct conn *e = conn_open();
	char burst[50 * 32] = "";
	for (int i = 0; i < 50; i++)
		strcat(burst, "{\"v\":1,\"cmd\":\"explain\"}\n");
	uint64_t before = stats().requests;
	conn_sends(c, burst);
	conn_sends(e, "{\"v\":1,\"cmd\":\"status\"}\n");
	char *l5 = conn_line(e, 2000);
	uint64_t served = stats().requests - before;
	CHECK_STR(l5, "{\"v\":1,\"ok\":true,\"result\":{\"mode\":\"watching\",\"dry_run\":false}}");
	free(l5);
	if (served >= 20) {
		fprintf(stderr, "test_serve: %llu requests served before the other client's one\n",
		        (unsigned long long)served);
		mt_check_failures++;
	}
	for (int i = 0; i < 50; i++) {
		char *l = conn_line(c, 2000);
		CHECK_STR(l, "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
		free(l);
	}
	conn_close(e);

	CHECK_INT(stats().clients, 1);
	conn_close(c);
	CHECK_INT(stats().clients, 0);
	CHECK_INT(fake.log_warnings, 2); /* the two provider bugs, at LOG_ERR */
	stop();
}

static void test_too_large(void)
{
	start((struct mt_serve_limits){ 0 }, (gid_t)-1);
	struct conn *c = conn_open();
	size_t n = MT_PROTO_MAX_REQUEST + 100;
	char *big = malloc(n);
	memset(big, ' ', n);

	/* no newline at all: closed once 8193 bytes are in */
	conn_send(c, big, n);
	char *l = conn_line(c, 2000);
	CHECK_STR(l, ERR("too-large", "request line longer than 8192 bytes"));
	free(l);
	CHECK(conn_wait_eof(c, 2000));
	conn_close(c);

	/* exactly at the limit is still served */
	c = conn_open();
	memcpy(big, "{\"v\":1,\"cmd\":\"explain\"}", 23);
	big[MT_PROTO_MAX_REQUEST] = '\n';
	conn_send(c, big, MT_PROTO_MAX_REQUEST + 1);
	l = conn_line(c, 2000);
	CHECK_STR(l, "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
	free(l);
	conn_close(c);
	free(big);
	CHECK_INT(stats().closed_too_large, 1);
	CHECK(strstr(fake.last_log, "peer pid=") != NULL);
	stop();
}

static void test_idle(void)
{
	start((struct mt_serve_limits){ .idle_timeout_ms = 200 }, (gid_t)-1);

	/* connects and says nothing */
	struct conn *c = conn_open();
	uint64_t t0 = now_ms();
	char *l = conn_line(c, 3000);
	uint64_t waited = now_ms() - t0;
	CHECK_STR(l, ERR("idle-timeout", "closing an idle connection"));
	free(l);
	CHECK(waited >= 150 && waited < 2000);
	CHECK(conn_wait_eof(c, 1000));
	conn_close(c);
	CHECK_INT(stats().closed_idle, 1);
	char want[128];
	snprintf(want, sizeof(want), "peer pid=%ld uid=%lu", (long)getpid(), (unsigned long)getuid());
	CHECK(strstr(fake.last_log, want) != NULL);

	/* trickles a request a byte every 50 ms (24 bytes: 1.2 s, six idle
	 * timeouts): closed before the request is whole. Judged by bytes sent,
	 * not by the clock, so a stalled test process cannot fail it. */
	c = conn_open();
	const char *req = "{\"v\":1,\"cmd\":\"status\"}\n";
	size_t sent = 0;
	for (; req[sent] && !c->eof; sent++) {
		send(c->fd, req + sent, 1, MSG_NOSIGNAL);
		pump(50);
		conn_fill(c);
	}
	CHECK(conn_wait_eof(c, 1000));
	CHECK(sent < strlen(req));
	conn_close(c);
	CHECK_INT(stats().closed_idle, 2);

	/* an active client is not idle: 10 requests 40 ms apart (twice the
	 * idle timeout in all; each gap leaves 160 ms for a stalled machine) */
	c = conn_open();
	for (int i = 0; i < 10; i++) {
		ASK(c, "{\"v\":1,\"cmd\":\"explain\"}", "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
		pump(40);
	}
	conn_close(c);
	CHECK_INT(stats().closed_idle, 2);
	stop();
}

static void test_slow_and_vanishing_readers(void)
{
	start((struct mt_serve_limits){ .max_pending_reply = 1 << 20 }, (gid_t)-1);
	fake.big = 200000;

	/* asks for a large reply and disconnects mid-reply */
	struct conn *c = conn_open();
	conn_sends(c, "{\"v\":1,\"cmd\":\"snapshot\"}\n{\"v\":1,\"cmd\":\"snapshot\"}\n");
	char tmp[1000];
	ssize_t got = -1;
	PUMP_UNTIL((got = recv(c->fd, tmp, sizeof(tmp), 0)) > 0, 5000);
	CHECK(got > 0);
	conn_close(c);
	PUMP_UNTIL(stats().clients == 0, 5000);
	CHECK_INT(stats().clients, 0);

	/* asks and never reads: disconnected once 1 MiB is unsent, never
	 * buffered beyond that */
	c = conn_open();
	uint64_t give_up = now_ms() + 10000;
	for (int i = 0; i < 400 && !stats().closed_slow && now_ms() < give_up; i++) {
		conn_sends(c, "{\"v\":1,\"cmd\":\"snapshot\"}\n");
		pump(2);
	}
	CHECK_INT(stats().closed_slow, 1);
	CHECK_INT(stats().clients, 0);
	CHECK(strstr(fake.last_log, "not reading its replies") != NULL);
	conn_close(c);

	/* a single reply above the limit is refused, not buffered */
	fake.big = 2 << 20;
	c = conn_open();
	conn_sends(c, "{\"v\":1,\"cmd\":\"snapshot\"}\n");
	char *l = conn_line(c, 2000);
	CHECK_STR(l, ERR("failed", "reply of 2097191 bytes exceeds the server's limit of 1048576"));
	free(l);
	conn_close(c);

	/* the server still serves */
	c = conn_open();
	ASK(c, "{\"v\":1,\"cmd\":\"explain\"}", "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
	conn_close(c);
	stop();
}

static void test_too_many_clients(void)
{
	start((struct mt_serve_limits){ .max_clients = 2 }, (gid_t)-1);
	struct conn *a = conn_open(), *b = conn_open(), *c = conn_open();

	char *l = conn_line(c, 2000);
	CHECK_STR(l, ERR("too-many-clients", "too many clients connected"));
	free(l);
	CHECK(conn_wait_eof(c, 2000));
	conn_close(c);
	ASK(a, "{\"v\":1,\"cmd\":\"explain\"}", "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
	ASK(b, "{\"v\":1,\"cmd\":\"explain\"}", "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
	CHECK_INT(stats().refused_busy, 1);
	CHECK_INT(stats().clients, 2);

	/* a slot freed is a slot available */
	conn_close(a);
	c = conn_open();
	ASK(c, "{\"v\":1,\"cmd\":\"explain\"}", "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
	conn_close(b);
	conn_close(c);
	stop();
}

/* Runs `request` as uid/gid 65534 in a child while this process serves.
 * Returns the child's exit status: 0 when its checks passed. */
static int as_nobody(gid_t gid, const char *request, const char *want)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(65534) < 0)
			_exit(10);
		int fd = raw_connect(sockpath);
		if (want == NULL) /* expect no access at all */
			_exit(fd == -EACCES ? 0 : 11);
		if (fd < 0)
			_exit(12);
		int fl = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		struct timeval tv = { .tv_sec = 5 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (write(fd, request, strlen(request)) != (ssize_t)strlen(request))
			_exit(13);
		char buf[512];
		size_t len = 0;
		while (len < sizeof(buf) - 1) {
			ssize_t k = read(fd, buf + len, sizeof(buf) - 1 - len);
			if (k <= 0)
				break;
			len += (size_t)k;
			if (memchr(buf, '\n', len))
				break;
		}
		buf[len] = '\0';
		if (strcmp(buf, want) != 0) {
			fprintf(stderr, "child got: %s", buf);
			_exit(14);
		}
		_exit(0);
	}
	int status = -1;
	uint64_t end = now_ms() + 10000;
	while (now_ms() < end) {
		pump(2);
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 101;
}

static void test_permissions(void)
{
	struct stat st;
	char dir[128];

	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	start((struct mt_serve_limits){ 0 }, getuid() == 0 ? 65534 : (gid_t)-1);

	/* directory created 0755, socket 0660 with the configured group */
	CHECK_INT(stat(dir, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0755);
	CHECK_INT(lstat(sockpath, &st), 0);
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_INT(st.st_mode & 07777, 0660);
	if (getuid() != 0) {
		fprintf(stderr, "test_serve: not root: SKIPPED the non-root client check "
		        "(needs setuid(65534) from root; CI runs as root)\n");
		stop();
		return;
	}
	CHECK_INT(st.st_gid, 65534);

	/* a non-root client in the socket's group: queries yes, commands no */
	CHECK_INT(as_nobody(65534, "{\"v\":1,\"cmd\":\"explain\"}\n",
	                    "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}\n"), 0);
	CHECK_INT(as_nobody(65534, "{\"v\":1,\"cmd\":\"reload\"}\n",
	                    ERR("permission-denied", "this command changes state and needs uid 0") "\n"), 0);
	CHECK_INT(as_nobody(65534, "{\"v\":1,\"cmd\":\"dry-run\",\"args\":{\"enabled\":false}}\n",
	                    ERR("permission-denied", "this command changes state and needs uid 0") "\n"), 0);
	CHECK_INT(fake.reloads, 0);
	CHECK_INT(fake.dry_runs, 0);
	CHECK_INT(stats().denied, 2);
	CHECK(strstr(fake.last_log, "uid=65534") != NULL);
	CHECK(strstr(fake.last_log, "refused: needs uid 0") != NULL);
	/* outside the group: cannot even connect */
	CHECK_INT(as_nobody(65533, "", NULL), 0);
	stop();
}

/* A child as uid 65534 opens n connections and writes one letter per
 * connection to *ret (O: served, U: refused, uid cap; F: refused, full),
 * then holds them until killed. Returns its pid; the caller pumps. */
static pid_t hold_as_nobody(int n, char *ret)
{
	int p[2];
	if (pipe(p) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(10);
		char res[16] = "";
		for (int i = 0; i < n && i < 15; i++) {
			int fd = raw_connect(sockpath);
			if (fd < 0)
				_exit(11);
			/* a refused one gets its goodbye line at once */
			char buf[512] = "";
			ssize_t k = -1;
			for (int t = 0; t < 50 && k < 0; t++) {
				k = read(fd, buf, sizeof buf - 1);
				if (k < 0)
					usleep(10000);
			}
			res[i] = k <= 0 ? 'O' : strstr(buf, "from this uid") ? 'U' : strstr(buf, "too-many-clients") ? 'F' : '?';
		}
		if (write(p[1], res, strlen(res)) < 0)
			_exit(12);
		for (;;)
			pause();
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	ret[0] = 0;
	uint64_t end = now_ms() + 10000;
	while (now_ms() < end) {
		pump(5);
		ssize_t k = read(p[0], ret, 15);
		if (k > 0) {
			ret[k] = 0;
			break;
		}
	}
	close(p[0]);
	return pid;
}

static void end_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	pump(50);
}

/* The last slot is root's; one uid holds at most per_uid_clients. */
static void test_admission(void)
{
	if (getuid() != 0) {
		fprintf(stderr, "test_serve: not root: SKIPPED the admission check (setuid(65534))\n");
		return;
	}
	char res[16];
	start((struct mt_serve_limits){ .max_clients = 4, .per_uid_clients = 2 }, 65534);
	pid_t k = hold_as_nobody(3, res);
	CHECK_STR(res, "OOU");
	CHECK_INT(stats().clients, 2);
	CHECK(strstr(fake.last_log, "uid 65534 already holds 2 connections") != NULL);
	end_child(k);
	stop();

	start((struct mt_serve_limits){ .max_clients = 3, .per_uid_clients = 4 }, 65534);
	k = hold_as_nobody(3, res);
	CHECK_STR(res, "OOF");  /* 2 of 3 slots: the third is root's */
	struct conn *c = conn_open();
	ASK(c, "{\"v\":1,\"cmd\":\"explain\"}", "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
	CHECK_INT(stats().clients, 3);
	conn_close(c);
	end_child(k);
	stop();
}

/* The socket's directory: only its owner may write it. */
static void test_dir_checks(void)
{
	struct mt_serve_config cfg = { .group = (gid_t)-1 };
	struct mt_serve *s2 = NULL;
	char dir[128], path[160];
	snprintf(dir, sizeof dir, "%s/open", tmpdir);
	snprintf(path, sizeof path, "%s/s.sock", dir);
	cfg.path = path;
	CHECK_INT(mkdir(dir, 0700), 0);
	CHECK_INT(chmod(dir, 0777), 0);
	CHECK_INT(mt_serve_start(&loop, &cfg, &provider, &s2), -EPERM);
	CHECK_INT(chmod(dir, 0770), 0);
	CHECK_INT(mt_serve_start(&loop, &cfg, &provider, &s2), -EPERM);
	/* sticky, as /run and /tmp on a tmpfs: no one can replace our names */
	CHECK_INT(chmod(dir, 01777), 0);
	CHECK_INT(mt_serve_start(&loop, &cfg, &provider, &s2), 0);
	mt_serve_stop(s2);
	CHECK_INT(uv_run(&loop, UV_RUN_DEFAULT), 0);
	CHECK_INT(chmod(dir, 0755), 0);
	if (getuid() == 0) {
		CHECK_INT(chmod(dir, 0755), 0);
		CHECK_INT(chown(dir, 65534, 65534), 0);
		CHECK_INT(mt_serve_start(&loop, &cfg, &provider, &s2), -EPERM);
	}
	CHECK_INT(rmdir(dir), 0);
	/* a symlink where the directory should be */
	CHECK_INT(symlink("/tmp", dir), 0);
	CHECK_INT(mt_serve_start(&loop, &cfg, &provider, &s2), -ELOOP);
	CHECK_INT(unlink(dir), 0);
	/* a umask that would open the socket up changes nothing */
	mode_t old = umask(0);
	start((struct mt_serve_limits){ 0 }, (gid_t)-1);
	umask(old);
	struct stat st;
	CHECK_INT(lstat(sockpath, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0660);
	stop();
}

static void test_socket_lifecycle(void)
{
	struct mt_serve_config cfg = { .path = sockpath, .group = (gid_t)-1 };
	struct mt_serve *second;
	struct stat st;

	/* a live server: a second one refuses, the first keeps its socket */
	start((struct mt_serve_limits){ 0 }, (gid_t)-1);
	CHECK_INT(mt_serve_start(&loop, &cfg, &provider, &second), -EADDRINUSE);
	struct conn *c = conn_open();
	ASK(c, "{\"v\":1,\"cmd\":\"explain\"}", "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
	conn_close(c);
	stop();
	/* stop unlinks our socket */
	CHECK_INT(lstat(sockpath, &st), -1);

	/* a stale socket (bound, nobody listening) is replaced */
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sockpath);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_INT(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	CHECK_INT(lstat(sockpath, &st), 0);
	start((struct mt_serve_limits){ 0 }, (gid_t)-1);
	c = conn_open();
	ASK(c, "{\"v\":1,\"cmd\":\"explain\"}", "{\"v\":1,\"ok\":true,\"result\":{\"id\":\"latest\"}}");
	conn_close(c);
	stop();

	/* something that is not a socket is left alone */
	fd = open(sockpath, O_CREAT | O_WRONLY, 0600);
	close(fd);
	CHECK_INT(mt_serve_start(&loop, &cfg, &provider, &second), -EEXIST);
	CHECK_INT(lstat(sockpath, &st), 0);
	CHECK(S_ISREG(st.st_mode));
	unlink(sockpath);

	/* a socket directory that is a symlink is refused (lib/rundir.h) */
	char link[160], target[160];
	snprintf(target, sizeof(target), "%s/real", tmpdir);
	snprintf(link, sizeof(link), "%s/linked", tmpdir);
	mkdir(target, 0755);
	CHECK_INT(symlink(target, link), 0);
	char p[200];
	snprintf(p, sizeof(p), "%s/memtriage.sock", link);
	cfg.path = p;
	CHECK_INT(mt_serve_start(&loop, &cfg, &provider, &second), -ELOOP);
	unlink(link);
	rmdir(target);

	/* a path too long for sockaddr_un */
	char longp[200];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	cfg.path = longp;
	CHECK_INT(mt_serve_start(&loop, &cfg, &provider, &second), -ENAMETOOLONG);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mt-serve-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	chmod(tmpdir, 0755); /* the non-root child must reach the socket */
	snprintf(sockpath, sizeof(sockpath), "%s/run/memtriage.sock", tmpdir);
	uv_loop_init(&loop);

	test_queries();
	test_too_large();
	test_idle();
	test_slow_and_vanishing_readers();
	test_too_many_clients();
	test_permissions();
	test_socket_lifecycle();
	test_admission();
	test_dir_checks();

	CHECK_INT(uv_loop_close(&loop), 0);
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/run", tmpdir);
	rmdir(dir);
	CHECK_INT(rmdir(tmpdir), 0);
	return mt_check_status();
}
