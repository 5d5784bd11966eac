#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lineq.h"

/* The queue's bound: four times the largest line in practice (a decision
 * record with 1,000 candidates is about 0.5 MiB), held only while stderr
 * is stalled. */
#define LOG_QUEUE_BYTES (2u << 20)
/* How long exit waits for a stalled stderr: long enough for journald to
 * catch up after a burst, short beside systemd's 90 s stop timeout. */
#define LOG_CLOSE_FLUSH_MS 1000

static enum log_format log_format = LOG_FORMAT_JSON;
static int log_max_priority = LOG_INFO;

static struct {
	int fd;               /* where lines go; stderr, or our own description of it */
	bool own_fd;
	bool socket;          /* send(MSG_DONTWAIT): a socket's flags are shared */
	bool journal;         /* "<N>" prefixes; no timestamp of our own in text */
	struct mt_lineq *q;   /* NULL before log_open: blocking writes */
	uint64_t lost;        /* lines lost to write errors, reported with the drops */
	uv_poll_t poll;
	uv_timer_t timer;
	bool attached, polling;
	struct mt_ratelimit *limiters[LOG_RATELIMIT_TRACKED];
	const char *limiter_events[LOG_RATELIMIT_TRACKED];
	size_t n_limiters;
} L = { .fd = STDERR_FILENO };

void log_set_format(enum log_format f)
{
	log_format = f;
}

void log_set_level(int max_priority)
{
	log_max_priority = max_priority;
}

static const char *const level_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

int log_level_parse(const char *s)
{
	if (s[0] >= '0' && s[0] <= '7' && !s[1])
		return s[0] - '0';
	if (strcmp(s, "error") == 0)
		return LOG_ERR;
	if (strcmp(s, "warn") == 0)
		return LOG_WARNING;
	for (int i = 0; i < 8; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

static const char *level_name(int priority)
{
	switch (priority) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: return "crit";
	case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: return "notice";
	case LOG_INFO: return "info";
	default: return "debug";
	}
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool log_stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	char tail;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu%c", &dev, &ino, &tail) != 2 || fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_open(void)
{
	struct stat st;

	L.journal = log_stderr_is_journal();
	if (fstat(STDERR_FILENO, &st) < 0)
		return; /* no stderr: writes fail and are counted */
	if (S_ISSOCK(st.st_mode))
		L.socket = true;
	else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
		/* O_NONBLOCK on fd 2 itself would change the open file description
		 * we share with whoever started us (a shell's terminal); reopening
		 * gives one of our own. */
		int fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0) {
			L.fd = fd;
			L.own_fd = true;
		} else {
			int fl = fcntl(STDERR_FILENO, F_GETFL);
			if (fl >= 0)
				fcntl(STDERR_FILENO, F_SETFL, fl | O_NONBLOCK);
		}
	}
	/* A regular file is written blocking: the disk, not a reader, sets its
	 * pace. */
	/* MEMTRIAGE_LOG_QUEUE_BYTES (4 KiB..64 MiB) changes the bound: for a
	 * pod with little memory to spare, and for the tests that overflow it. */
	size_t bound = LOG_QUEUE_BYTES;
	const char *e = getenv("MEMTRIAGE_LOG_QUEUE_BYTES");
	if (e && *e) {
		char *end;
		unsigned long long v = strtoull(e, &end, 10);
		if (!*end && v >= 4096 && v <= (64ull << 20))
			bound = (size_t)v;
	}
	if (mt_lineq_new(bound, &L.q) < 0)
		L.q = NULL;
}

static ssize_t out(const char *buf, size_t len)
{
	if (L.socket)
		return send(L.fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	return write(L.fd, buf, len);
}

static void on_writable(uv_poll_t *h, int status, int events);

static void want_writable(void)
{
	if (L.attached && !L.polling && uv_poll_start(&L.poll, UV_WRITABLE, on_writable) == 0)
		L.polling = true;
}

static void report_drops(void)
{
	uint64_t by[MT_LINEQ_RANKS] = { 0 };
	uint64_t n = L.q ? mt_lineq_take_dropped(L.q, by) : 0;

	if (!n && !L.lost)
		return;
	/* Ranks: 0 kill records, 1 + syslog priority for the rest. */
	json_t *lv = json_object();
	for (int p = 0; p < 8; p++)
		if (by[1 + p])
			json_object_set_new(lv, level_name(p), json_integer((json_int_t)by[1 + p]));
	uint64_t lost = L.lost;
	L.lost = 0;
	log_event(LOG_WARNING, "log-dropped",
	          json_pack("{s:I, s:I, s:o, s:I}", "dropped", (json_int_t)(n + lost), "kill_records",
	                    (json_int_t)by[0], "by_level", lv, "write_errors", (json_int_t)lost));
}

/* Writes queued lines until stderr would block or the queue is empty. */
static void flush(void)
{
	const char *d;
	size_t n;

	while ((n = mt_lineq_front(L.q, &d)) > 0) {
		ssize_t k = out(d, n);
		if (k > 0) {
			mt_lineq_consume(L.q, (size_t)k);
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN) {
			want_writable();
			return;
		}
		/* stderr is gone (EPIPE, EBADF): nothing queued can be written. */
		while ((n = mt_lineq_front(L.q, &d)) > 0) {
			mt_lineq_consume(L.q, n);
			L.lost++;
		}
		break;
	}
	if (L.polling) {
		uv_poll_stop(&L.poll);
		L.polling = false;
	}
	report_drops();
}

static void on_writable(uv_poll_t *h, int status, int events)
{
	if (status < 0) {
		uv_poll_stop(&L.poll);
		L.polling = false;
		L.lost++;
	}
	flush();
}

/* Ranks for the queue: kill records are kept longest. */
static unsigned event_rank(int priority, const char *event)
{
	static const char *const kills[] = { "kill", "kill-report", "terminate", "kernel-oom-kill" };

	for (size_t i = 0; i < sizeof(kills) / sizeof(kills[0]); i++)
		if (strcmp(event, kills[i]) == 0)
			return 0;
	return 1 + (unsigned)(priority < 0 ? 0 : priority > 7 ? 7 : priority);
}

static void emit(unsigned rank, const char *buf, size_t len)
{
	if (!L.q) {
		while (len > 0) {
			ssize_t k = out(buf, len);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return;
			buf += k;
			len -= (size_t)k;
		}
		return;
	}
	if (mt_lineq_lines(L.q) > 0) {
		/* Behind others: keep the order. */
		mt_lineq_push(L.q, buf, len, rank);
		if (!L.polling)
			flush();
		return;
	}
	ssize_t k;
	do
		k = out(buf, len);
	while (k < 0 && errno == EINTR);
	if (k == (ssize_t)len)
		return;
	if (k < 0 && errno != EAGAIN) {
		L.lost++;
		return;
	}
	size_t done = k > 0 ? (size_t)k : 0;
	if (mt_lineq_push(L.q, buf, len, rank) == 1)
		mt_lineq_consume(L.q, done);
	else if (done > 0 && out("\n", 1) < 0)
		L.lost++; /* a line cut short: at least end it */
	want_writable();
}

/* Text form for a terminal: scalars as key=value, string arrays joined with
 * commas, one level of objects flattened (node.commit=...); arrays of objects
 * (a decision's candidates) are summarised by their count -- the JSON form
 * keeps everything. */
static void text_value(FILE *f, const char *prefix, const char *key, json_t *v, int depth)
{
	switch (json_typeof(v)) {
	case JSON_STRING: {
		const char *str = json_string_value(v);
		fprintf(f, strpbrk(str, " \"=") || !*str ? " %s%s=\"%s\"" : " %s%s=%s", prefix, key, str);
		break;
	}
	case JSON_INTEGER: fprintf(f, " %s%s=%" JSON_INTEGER_FORMAT, prefix, key, json_integer_value(v)); break;
	case JSON_REAL: fprintf(f, " %s%s=%.2f", prefix, key, json_real_value(v)); break;
	case JSON_TRUE: fprintf(f, " %s%s=true", prefix, key); break;
	case JSON_FALSE: fprintf(f, " %s%s=false", prefix, key); break;
	case JSON_NULL: break;
	case JSON_ARRAY: {
		size_t i, n = json_array_size(v);
		json_t *e;
		bool strings = true;
		json_array_foreach(v, i, e)
			strings = strings && json_is_string(e);
		if (!strings) {
			fprintf(f, " %s%s=[%zu]", prefix, key, n);
			break;
		}
		fprintf(f, " %s%s=", prefix, key);
		json_array_foreach(v, i, e)
			fprintf(f, "%s%s", i ? "," : "", json_string_value(e));
		break;
	}
	case JSON_OBJECT: {
		if (depth > 0) {
			fprintf(f, " %s%s={...}", prefix, key);
			break;
		}
		char sub[64];
		snprintf(sub, sizeof sub, "%s.", key);
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e)
			text_value(f, sub, k, e, depth + 1);
		break;
	}
	}
}

/* Formats one line into a memory stream: "<N>" when stderr is the
 * journal, then the JSON object or the text form, then "\n". */
static void format_line(FILE *f, int priority, const char *event, json_t *fields)
{
	struct timespec rt, mono;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	if (L.journal)
		fprintf(f, "<%d>", priority < 0 ? 0 : priority > 7 ? 7 : priority);
	if (log_format == LOG_FORMAT_JSON) {
		char ts[40];
		struct tm tm;
		gmtime_r(&rt.tv_sec, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
		char tsfull[64];
		snprintf(tsfull, sizeof tsfull, "%s.%03ldZ", ts, rt.tv_nsec / 1000000);
		json_t *o = json_pack("{s:s, s:I, s:s, s:s}", "ts", tsfull,
		                      "mono_us", (json_int_t)(mono.tv_sec * 1000000ll + mono.tv_nsec / 1000),
		                      "level", level_name(priority), "event", event);
		if (o && fields)
			json_object_update(o, fields);
		if (!o || json_dumpf(o, f, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0)
			fprintf(f, "{\"event\":\"%s\",\"error\":\"out of memory formatting the log line\"}", event);
		json_decref(o);
	} else {
		if (!L.journal) { /* the journal stamps each line itself */
			char ts[16];
			struct tm tm;
			localtime_r(&rt.tv_sec, &tm);
			strftime(ts, sizeof ts, "%H:%M:%S", &tm);
			fprintf(f, "%s.%03ld ", ts, rt.tv_nsec / 1000000);
		}
		fprintf(f, "%-7s %s", level_name(priority), event);
		const char *k;
		json_t *v;
		if (fields)
			json_object_foreach(fields, k, v)
				text_value(f, "", k, v, 0);
	}
	fputc('\n', f);
}

void log_event(int priority, const char *event, json_t *fields)
{
	if (priority > log_max_priority) {
		json_decref(fields);
		return;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f) {
		format_line(f, priority, event, fields);
		if (fclose(f) == 0)
			emit(event_rank(priority, event), buf, len);
		else
			L.lost++;
	} else
		L.lost++;
	free(buf);
	json_decref(fields);
}

/* A free-text line as a "message" event's fields. */
static json_t *message_fields(const char *fmt, va_list ap)
{
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	return json_pack("{s:s}", "msg", buf);
}

void log_msg(int priority, const char *fmt, ...)
{
	if (priority > log_max_priority)
		return;
	va_list ap;
	va_start(ap, fmt);
	json_t *fields = message_fields(fmt, ap);
	va_end(ap);
	log_event(priority, "message", fields);
}

void log_event_limited(struct mt_ratelimit *rl, int priority, const char *event, json_t *fields)
{
	if (priority > log_max_priority) {
		json_decref(fields);
		return;
	}
	size_t i;
	for (i = 0; i < L.n_limiters && L.limiters[i] != rl; i++)
		;
	if (i == L.n_limiters && i < LOG_RATELIMIT_TRACKED) {
		L.limiters[i] = rl;
		L.limiter_events[i] = event;
		L.n_limiters++;
	}
	uint64_t suppressed;
	if (!mt_ratelimit_allow(rl, LOG_RATELIMIT_INTERVAL_MS, LOG_RATELIMIT_BURST, mono_ms(), &suppressed)) {
		json_decref(fields);
		return;
	}
	if (suppressed) {
		if (!fields)
			fields = json_object();
		json_object_set_new(fields, "suppressed", json_integer((json_int_t)suppressed));
	}
	log_event(priority, event, fields);
}

void log_msg_limited(struct mt_ratelimit *rl, int priority, const char *fmt, ...)
{
	if (priority > log_max_priority)
		return;
	va_list ap;
	va_start(ap, fmt);
	json_t *fields = message_fields(fmt, ap);
	va_end(ap);
	log_event_limited(rl, priority, "message", fields);
}

static void on_timer(uv_timer_t *t)
{
	uint64_t now = mono_ms();

	for (size_t i = 0; i < L.n_limiters; i++) {
		uint64_t n = mt_ratelimit_take_expired(L.limiters[i], LOG_RATELIMIT_INTERVAL_MS, now);
		if (n)
			log_event(LOG_NOTICE, "log-suppressed",
			          json_pack("{s:s, s:I}", "of", L.limiter_events[i], "suppressed", (json_int_t)n));
	}
}

void log_attach(uv_loop_t *loop)
{
	if (!L.q || L.attached)
		return;
	/* epoll refuses files and /dev/null, which never block anyway. */
	if (uv_poll_init(loop, &L.poll, L.fd) < 0)
		return;
	uv_unref((uv_handle_t *)&L.poll);
	uv_timer_init(loop, &L.timer);
	uv_unref((uv_handle_t *)&L.timer);
	uv_timer_start(&L.timer, on_timer, LOG_RATELIMIT_INTERVAL_MS, LOG_RATELIMIT_INTERVAL_MS);
	L.attached = true;
	if (mt_lineq_lines(L.q) > 0)
		want_writable();
}

void log_detach(void)
{
	if (!L.attached)
		return;
	L.attached = false;
	L.polling = false;
	uv_close((uv_handle_t *)&L.poll, NULL);
	uv_close((uv_handle_t *)&L.timer, NULL);
}

void log_close(void)
{
	if (!L.q)
		return;
	uint64_t deadline = mono_ms() + LOG_CLOSE_FLUSH_MS;
	for (;;) {
		flush();
		const char *d;
		uint64_t now = mono_ms();
		if (mt_lineq_front(L.q, &d) == 0 || now >= deadline)
			break;
		struct pollfd p = { .fd = L.fd, .events = POLLOUT };
		poll(&p, 1, (int)(deadline - now));
	}
	struct mt_lineq *q = L.q;
	L.q = NULL;
	mt_lineq_free(q);
	if (L.own_fd)
		close(L.fd);
	L.fd = STDERR_FILENO;
	L.own_fd = false;
}
