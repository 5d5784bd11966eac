/* cmd/memtriaged/log.c against a pipe nobody reads: logging never blocks,
 * kill records survive a flood that overflows the queue, the drop count
 * reported after the drain is exact, every line arrives whole, journald
 * priorities are prefixed when JOURNAL_STREAM names stderr, and a rate
 * limit lets LOG_RATELIMIT_BURST lines through. A blocking log would hang
 * here (and fail on meson's timeout). */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "log.h"

#define FLOOD 20000
#define KILLS 6

static struct {
	char *buf;
	size_t len, cap;
	int fd;
	bool done;
} rd;

static void on_read(uv_poll_t *h, int status, int events)
{
	for (;;) {
		if (rd.cap - rd.len < 65536) {
			rd.cap = rd.cap ? rd.cap * 2 : 1 << 20;
			rd.buf = realloc(rd.buf, rd.cap);
		}
		ssize_t k = read(rd.fd, rd.buf + rd.len, rd.cap - rd.len - 1);
		if (k <= 0)
			break;
		rd.len += (size_t)k;
	}
	rd.buf[rd.len] = '\0';
	if (strstr(rd.buf, "log-dropped")) {
		rd.done = true;
		uv_poll_stop(h);
	}
}

/* Reads until both limiters have reported. */
static void on_suppressed(uv_poll_t *h, int status, int events)
{
	rd.done = false;
	on_read(h, status, events);
	if (strstr(rd.buf, "\"of\":\"limited\"") && strstr(rd.buf, "\"of\":\"message\"")) {
		uv_poll_stop(h);
		uv_stop(h->loop);
	}
}

static void on_deadline(uv_timer_t *t)
{
	uv_stop(t->loop);
}

int main(void)
{
	int p[2];
	struct stat st;
	char env[64];

	CHECK(pipe(p) == 0);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	int saved = dup(STDERR_FILENO);
	CHECK(dup2(p[1], STDERR_FILENO) == STDERR_FILENO);
	close(p[1]);
	rd.fd = p[0];
	fcntl(rd.fd, F_SETFL, O_NONBLOCK);

	/* JOURNAL_STREAM: only stderr's own device and inode count. */
	unsetenv("JOURNAL_STREAM");
	CHECK(!log_stderr_is_journal());
	CHECK(fstat(STDERR_FILENO, &st) == 0);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", env, 1);
	CHECK(!log_stderr_is_journal());
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	CHECK(log_stderr_is_journal());

	CHECK_INT(log_level_parse("warning"), LOG_WARNING);
	CHECK_INT(log_level_parse("warn"), LOG_WARNING);
	CHECK_INT(log_level_parse("error"), LOG_ERR);
	CHECK_INT(log_level_parse("7"), LOG_DEBUG);
	CHECK_INT(log_level_parse("8"), -1);
	CHECK_INT(log_level_parse("loud"), -1);

	log_set_format(LOG_FORMAT_JSON);
	log_set_level(LOG_INFO);
	log_open();
	uv_loop_t *loop = uv_default_loop();
	log_attach(loop);

	/* ~3.4 MB of info lines into a 4 KiB pipe and a 2 MiB queue, kill
	 * records at the start, in the middle and at the end. */
	for (int i = 0; i < FLOOD; i++) {
		if (i % (FLOOD / (KILLS - 1)) == 0 || i == FLOOD - 1)
			log_event(LOG_WARNING, "kill", json_pack("{s:i}", "n", i));
		log_event(LOG_INFO, "flood", json_pack("{s:i, s:s}", "n", i, "pad",
		          "................................................................................."
		          "................................................................"));
	}
	log_event(LOG_DEBUG, "hidden", NULL); /* above the level: never written */
	struct mt_ratelimit rl = { 0 };
	for (int i = 0; i < 100; i++)
		log_event_limited(&rl, LOG_WARNING, "limited", json_pack("{s:i}", "n", i));
	struct mt_ratelimit rl2 = { 0 };
	for (int i = 0; i < 50; i++)
		log_msg_limited(&rl2, LOG_WARNING, "limited message %d", i);

	uv_poll_t rp;
	uv_timer_t deadline;
	uv_poll_init(loop, &rp, rd.fd);
	uv_poll_start(&rp, UV_READABLE, on_read);
	uv_timer_init(loop, &deadline);
	uv_timer_start(&deadline, on_deadline, 60000, 0);
	while (!rd.done && uv_run(loop, UV_RUN_ONCE))
		;
	CHECK(rd.done);
	/* Whatever followed the drop report. */
	uv_timer_start(&deadline, on_deadline, 200, 0);
	uv_poll_start(&rp, UV_READABLE, on_read);
	uv_run(loop, UV_RUN_DEFAULT);
	on_read(&rp, 0, 0);

	int kills = 0, flood = 0, limited = 0, limited_msgs = 0, reports = 0, bad = 0;
	long long dropped = -1, kill_dropped = -1, info_dropped = -1;
	for (char *line = rd.buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		else
			bad++; /* a line cut short */
		int prio = -1, off = 0;
		if (sscanf(line, "<%d>%n", &prio, &off) != 1) {
			bad++;
			continue;
		}
		json_t *o = json_loads(line + off, 0, NULL);
		const char *ev = json_string_value(json_object_get(o, "event"));
		if (!ev) {
			bad++;
		} else if (strcmp(ev, "kill") == 0) {
			kills++;
			CHECK_INT(prio, LOG_WARNING);
		} else if (strcmp(ev, "flood") == 0) {
			flood++;
			CHECK_INT(prio, LOG_INFO);
		} else if (strcmp(ev, "limited") == 0) {
			limited++;
		} else if (strcmp(ev, "message") == 0) {
			limited_msgs++;
			char want[32];
			snprintf(want, sizeof(want), "limited message %d", limited_msgs - 1);
			CHECK_STR(json_string_value(json_object_get(o, "msg")), want);
		} else if (strcmp(ev, "log-dropped") == 0) {
			reports++;
			CHECK_INT(prio, LOG_WARNING);
			dropped = json_integer_value(json_object_get(o, "dropped"));
			kill_dropped = json_integer_value(json_object_get(o, "kill_records"));
			info_dropped = json_integer_value(json_object_get(json_object_get(o, "by_level"), "info"));
		} else
			bad++;
		json_decref(o);
	}
	CHECK_INT(bad, 0);
	CHECK_INT(kills, KILLS);
	CHECK_INT(kill_dropped, 0);
	CHECK_INT(reports, 1);
	CHECK(flood > 0 && flood < FLOOD);
	/* Every flood line either arrived or was counted; the limited lines came
	 * after the queue was full of info lines and outrank them. */
	CHECK_INT(info_dropped, FLOOD - flood);
	CHECK_INT(limited, LOG_RATELIMIT_BURST);
	CHECK_INT(limited_msgs, LOG_RATELIMIT_BURST);
	CHECK_INT(dropped, info_dropped);

	/* Once their window has closed, the suppressed counts are reported
	 * without another line through the limiters (within 2 windows). */
	rd.len = 0;
	rd.buf[0] = '\0';
	uv_timer_start(&deadline, on_deadline, 4 * LOG_RATELIMIT_INTERVAL_MS, 0);
	uv_poll_start(&rp, UV_READABLE, on_suppressed);
	uv_run(loop, UV_RUN_DEFAULT);
	CHECK(strstr(rd.buf, "\"event\":\"log-suppressed\",\"of\":\"limited\",\"suppressed\":90}") != NULL);
	CHECK(strstr(rd.buf, "\"event\":\"log-suppressed\",\"of\":\"message\",\"suppressed\":40}") != NULL);

	log_detach();
	uv_close((uv_handle_t *)&rp, NULL);
	uv_close((uv_handle_t *)&deadline, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	CHECK_INT(uv_loop_close(loop), 0);
	log_close();
	dup2(saved, STDERR_FILENO);
	free(rd.buf);
	return mt_check_status();
}
