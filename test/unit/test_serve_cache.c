/* cmd/memtriaged/serve_cache and the server's cached replies (serve.h,
 * "Cached replies"): the cache alone, then the server in-process on a temp
 * socket with a provider whose results and generations the test changes.
 * The loop and the clients share this thread: clients use non-blocking
 * sockets and the helpers pump the loop while they wait. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "serve.h"
#include "serve_cache.h"

static struct mt_serve_text *text(const char *s)
{
	struct mt_serve_text *t = NULL;
	CHECK_INT(mt_serve_text_new(strdup(s), strlen(s), &t), 0);
	return t;
}

static void test_cache_alone(void)
{
	struct mt_serve_cache cache = { 0 };
	struct mt_serve_text *a = text("a\n"), *b = text("b\n");

	CHECK(mt_serve_cache_get(&cache, MT_PROTO_CMD_CANDIDATES, 1) == NULL);
	mt_serve_cache_put(&cache, MT_PROTO_CMD_CANDIDATES, 1, a);
	CHECK_INT(a->refs, 2);
	/* same generation: the same text, one more reference */
	struct mt_serve_text *got = mt_serve_cache_get(&cache, MT_PROTO_CMD_CANDIDATES, 1);
	CHECK(got == a);
	CHECK_INT(a->refs, 3);
	mt_serve_text_unref(got);
	/* kinds are apart */
	CHECK(mt_serve_cache_get(&cache, MT_PROTO_CMD_SNAPSHOT, 1) == NULL);
	/* another generation: nothing, and the stale text is dropped at once */
	CHECK(mt_serve_cache_get(&cache, MT_PROTO_CMD_CANDIDATES, 2) == NULL);
	CHECK_INT(a->refs, 1);
	CHECK(mt_serve_cache_get(&cache, MT_PROTO_CMD_CANDIDATES, 1) == NULL);
	/* generation 0 is "not cached": neither stored nor found, and it
	 * drops what was stored (changes went uncounted meanwhile) */
	mt_serve_cache_put(&cache, MT_PROTO_CMD_CANDIDATES, 0, b);
	CHECK_INT(b->refs, 1);
	mt_serve_cache_put(&cache, MT_PROTO_CMD_CANDIDATES, 3, a);
	CHECK(mt_serve_cache_get(&cache, MT_PROTO_CMD_CANDIDATES, 0) == NULL);
	CHECK_INT(a->refs, 1);
	CHECK(mt_serve_cache_get(&cache, MT_PROTO_CMD_CANDIDATES, 3) == NULL);
	/* a store replaces the previous text */
	mt_serve_cache_put(&cache, MT_PROTO_CMD_SNAPSHOT, 7, a);
	mt_serve_cache_put(&cache, MT_PROTO_CMD_SNAPSHOT, 8, b);
	CHECK_INT(a->refs, 1);
	CHECK_INT(b->refs, 2);
	got = mt_serve_cache_get(&cache, MT_PROTO_CMD_SNAPSHOT, 8);
	CHECK(got == b);
	mt_serve_text_unref(got);
	/* out of range kinds are refused, not indexed */
	mt_serve_cache_put(&cache, MT_PROTO_CMD__COUNT, 1, a);
	CHECK(mt_serve_cache_get(&cache, MT_PROTO_CMD__COUNT, 1) == NULL);
	CHECK_INT(a->refs, 1);
	mt_serve_cache_clear(&cache);
	CHECK_INT(b->refs, 1);
	CHECK(mt_serve_cache_get(&cache, MT_PROTO_CMD_SNAPSHOT, 8) == NULL);
	mt_serve_text_unref(a);
	mt_serve_text_unref(b);
}

/* ---- the provider: what it shows, and under which generation ---- */

static struct {
	int value;                          /* shown by candidates and status */
	uint64_t gen[MT_PROTO_CMD__COUNT];  /* what generation() returns */
	int calls[MT_PROTO_CMD__COUNT];     /* query callbacks called */
	int gen_calls[MT_PROTO_CMD__COUNT]; /* generation() asked about */
	int snapshot_error;                 /* snapshot fails with it when non-zero */
	size_t big;                         /* candidates' padding, bytes */
} fake;

static json_t *fake_candidates(void *ud, struct mt_serve_error *e)
{
	fake.calls[MT_PROTO_CMD_CANDIDATES]++;
	char *pad = calloc(1, fake.big + 1);
	memset(pad, 'x', fake.big);
	json_t *r = json_pack("{s:i, s:s}", "value", fake.value, "pad", pad);
	free(pad);
	return r;
}

static json_t *fake_status(void *ud, struct mt_serve_error *e)
{
	fake.calls[MT_PROTO_CMD_STATUS]++;
	return json_pack("{s:i}", "value", fake.value);
}

static json_t *fake_snapshot(void *ud, struct mt_serve_error *e)
{
	fake.calls[MT_PROTO_CMD_SNAPSHOT]++;
	if (fake.snapshot_error) {
		e->error = fake.snapshot_error;
		return NULL;
	}
	return json_pack("{s:i}", "snap", fake.value);
}

static json_t *fake_history(void *ud, unsigned limit, struct mt_serve_error *e)
{
	fake.calls[MT_PROTO_CMD_HISTORY]++;
	return json_pack("{s:[]}", "actions");
}

static uint64_t fake_generation(void *ud, enum mt_proto_cmd cmd)
{
	fake.gen_calls[cmd]++;
	return fake.gen[cmd];
}

static void fake_log(void *ud, int priority, const char *message)
{
}

static const struct mt_serve_provider provider = {
	.status = fake_status,
	.candidates = fake_candidates,
	.snapshot = fake_snapshot,
	.history = fake_history,
	.generation = fake_generation,
	.log = fake_log,
};

/* ---- the server and a client ---- */

static uv_loop_t loop;
static struct mt_serve *srv;
static char tmpdir[32], sockpath[96];

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
		usleep(200);
	} while (now_ms() < end);
}

static void start(size_t max_pending_reply)
{
	struct mt_serve_config cfg = { .path = sockpath, .group = (gid_t)-1,
	                               .limits = { .max_pending_reply = max_pending_reply } };
	memset(&fake, 0, sizeof(fake));
	CHECK_INT(mt_serve_start(&loop, &cfg, &provider, &srv), 0);
}

static void stop(void)
{
	mt_serve_stop(srv);
	srv = NULL;
	CHECK_INT(uv_run(&loop, UV_RUN_DEFAULT), 0); /* every handle closed */
}

static uint64_t cached(void)
{
	struct mt_serve_stats st;
	mt_serve_get_stats(srv, &st);
	return st.cached;
}

static int dial(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sockpath);
	CHECK_INT(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	pump(5); /* let the server accept */
	return fd;
}

static void say(int fd, const char *request)
{
	size_t n = strlen(request);
	CHECK_INT(send(fd, request, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* The next reply line (malloc'd, without '\n'); NULL after 5 s. Reads
 * byte by byte so that pipelined replies stay in the socket. */
static char *hear(int fd)
{
	size_t len = 0, size = 256;
	char *buf = malloc(size);
	uint64_t end = now_ms() + 5000;

	while (now_ms() < end) {
		char ch;
		ssize_t k = recv(fd, &ch, 1, 0);
		if (k == 1 && ch == '\n') {
			buf[len] = '\0';
			return buf;
		}
		if (k == 1) {
			if (len + 1 == size)
				buf = realloc(buf, size *= 2);
			buf[len++] = ch;
			continue;
		}
		if (k == 0)
			break;
		pump(1);
	}
	free(buf);
	return NULL;
}

static char *ask(int fd, const char *request)
{
	say(fd, request);
	return hear(fd);
}

#define ASK(fd, request, want) do { \
	char *got_ = ask((fd), request "\n"); \
	CHECK_STR(got_, want); \
	free(got_); \
} while (0)

#define CANDIDATES "{\"v\":1,\"cmd\":\"candidates\"}"
#define REPLY(v) "{\"v\":1,\"ok\":true,\"result\":{\"value\":" v ",\"pad\":\"\"}}"

static void test_served_from_cache(void)
{
	start(0);
	int fd = dial();

	/* a generation: built once, then answered from the text */
	fake.gen[MT_PROTO_CMD_CANDIDATES] = 1;
	fake.value = 10;
	ASK(fd, CANDIDATES, REPLY("10"));
	ASK(fd, CANDIDATES, REPLY("10"));
	ASK(fd, CANDIDATES, REPLY("10"));
	CHECK_INT(fake.calls[MT_PROTO_CMD_CANDIDATES], 1);
	CHECK_INT(fake.gen_calls[MT_PROTO_CMD_CANDIDATES], 3);
	CHECK_INT(cached(), 2);

	/* a change with its new generation is visible to the very next query */
	fake.value = 11;
	fake.gen[MT_PROTO_CMD_CANDIDATES] = 2;
	ASK(fd, CANDIDATES, REPLY("11"));
	CHECK_INT(fake.calls[MT_PROTO_CMD_CANDIDATES], 2);
	/* the server trusts the generation: a change without one is not seen
	 * (which is why the daemon bumps it with every change) */
	fake.value = 12;
	ASK(fd, CANDIDATES, REPLY("11"));
	CHECK_INT(cached(), 3);
	/* a generation may go back to an old value: only equality counts */
	fake.gen[MT_PROTO_CMD_CANDIDATES] = 1;
	ASK(fd, CANDIDATES, REPLY("12"));
	CHECK_INT(fake.calls[MT_PROTO_CMD_CANDIDATES], 3);

	/* generation 0: built every time, and an old generation coming back
	 * afterwards does not revive the text from before */
	fake.gen[MT_PROTO_CMD_CANDIDATES] = 0;
	ASK(fd, CANDIDATES, REPLY("12"));
	fake.value = 13;
	ASK(fd, CANDIDATES, REPLY("13"));
	CHECK_INT(fake.calls[MT_PROTO_CMD_CANDIDATES], 5);
	CHECK_INT(cached(), 3);

	/* status under the same rules, its own entry */
	fake.gen[MT_PROTO_CMD_STATUS] = 1;
	fake.gen[MT_PROTO_CMD_CANDIDATES] = 1;
	ASK(fd, "{\"v\":1,\"cmd\":\"status\"}", "{\"v\":1,\"ok\":true,\"result\":{\"value\":13}}");
	ASK(fd, "{\"v\":1,\"cmd\":\"status\"}", "{\"v\":1,\"ok\":true,\"result\":{\"value\":13}}");
	CHECK_INT(fake.calls[MT_PROTO_CMD_STATUS], 1);
	ASK(fd, CANDIDATES, REPLY("13"));
	CHECK_INT(fake.calls[MT_PROTO_CMD_CANDIDATES], 6);

	/* errors are never cached: the next query asks again */
	fake.gen[MT_PROTO_CMD_SNAPSHOT] = 5;
	fake.snapshot_error = -EAGAIN;
	ASK(fd, "{\"v\":1,\"cmd\":\"snapshot\"}",
	    "{\"v\":1,\"ok\":false,\"error\":{\"code\":\"unavailable\",\"message\":\"Resource temporarily unavailable\"}}");
	fake.snapshot_error = 0;
	ASK(fd, "{\"v\":1,\"cmd\":\"snapshot\"}", "{\"v\":1,\"ok\":true,\"result\":{\"snap\":13}}");
	ASK(fd, "{\"v\":1,\"cmd\":\"snapshot\"}", "{\"v\":1,\"ok\":true,\"result\":{\"snap\":13}}");
	CHECK_INT(fake.calls[MT_PROTO_CMD_SNAPSHOT], 2);

	/* queries with arguments are never cached, generation is not asked */
	fake.gen[MT_PROTO_CMD_HISTORY] = 1;
	ASK(fd, "{\"v\":1,\"cmd\":\"history\"}", "{\"v\":1,\"ok\":true,\"result\":{\"actions\":[]}}");
	ASK(fd, "{\"v\":1,\"cmd\":\"history\"}", "{\"v\":1,\"ok\":true,\"result\":{\"actions\":[]}}");
	CHECK_INT(fake.calls[MT_PROTO_CMD_HISTORY], 2);
	CHECK_INT(fake.gen_calls[MT_PROTO_CMD_HISTORY], 0);

	close(fd);
	stop();
}

/* One large text shared by several clients' unsent writes; the server
 * stops with some of them still pending (ASan: nothing leaks, nothing is
 * freed twice). */
static void test_shared_text(void)
{
	start(0);
	fake.big = 300000; /* more than a socket buffer: writes stay pending */
	fake.gen[MT_PROTO_CMD_CANDIDATES] = 9;
	int fd[3];
	for (int i = 0; i < 3; i++) {
		fd[i] = dial();
		say(fd[i], CANDIDATES "\n" CANDIDATES "\n");
	}
	/* all six answered (one built, five from the cache); the bound is for
	 * a slow machine, the counts below are the check */
	for (uint64_t end = now_ms() + 5000; cached() < 5 && now_ms() < end;)
		pump(1);
	CHECK_INT(fake.calls[MT_PROTO_CMD_CANDIDATES], 1);
	/* the first client reads both of its replies: the same bytes */
	char *a = hear(fd[0]), *b = hear(fd[0]);
	CHECK(a && b);
	CHECK_INT(a ? strlen(a) : 0, 300047);
	CHECK(a && b && strcmp(a, b) == 0);
	free(a);
	free(b);
	CHECK_INT(fake.calls[MT_PROTO_CMD_CANDIDATES], 1);
	CHECK_INT(cached(), 5);
	/* the others never read theirs */
	for (int i = 0; i < 3; i++)
		close(fd[i]);
	stop();
}

/* A reply over the limit is refused and not kept: each query tries again. */
static void test_too_large_not_cached(void)
{
	start(4096);
	fake.big = 8192;
	fake.gen[MT_PROTO_CMD_CANDIDATES] = 3;
	int fd = dial();
	ASK(fd, CANDIDATES, "{\"v\":1,\"ok\":false,\"error\":{\"code\":\"failed\","
	    "\"message\":\"reply of 8240 bytes exceeds the server's limit of 4096\"}}");
	ASK(fd, CANDIDATES, "{\"v\":1,\"ok\":false,\"error\":{\"code\":\"failed\","
	    "\"message\":\"reply of 8240 bytes exceeds the server's limit of 4096\"}}");
	CHECK_INT(fake.calls[MT_PROTO_CMD_CANDIDATES], 2);
	CHECK_INT(cached(), 0);
	close(fd);
	stop();
}

int main(void)
{
	test_cache_alone();

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mt-cache-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(sockpath, sizeof(sockpath), "%s/memtriage.sock", tmpdir);
	uv_loop_init(&loop);

	test_served_from_cache();
	test_shared_text();
	test_too_large_not_cached();

	CHECK_INT(uv_loop_close(&loop), 0);
	CHECK_INT(rmdir(tmpdir), 0);
	return mt_check_status();
}
