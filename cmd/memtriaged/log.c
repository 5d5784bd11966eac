#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static enum log_format log_format = LOG_FORMAT_JSON;
static int log_max_priority = LOG_INFO;

void log_set_format(enum log_format f)
{
	log_format = f;
}

void log_set_max_priority(int priority)
{
	log_max_priority = priority;
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

void log_event(int priority, const char *event, json_t *fields)
{
	if (priority > log_max_priority) {
		json_decref(fields);
		return;
	}
	struct timespec rt, mono;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
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
		char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (s)
			fprintf(stderr, "%s\n", s);
		else
			fprintf(stderr, "{\"event\":\"%s\",\"error\":\"out of memory formatting the log line\"}\n", event);
		free(s);
		json_decref(o);
	} else {
		char *s = fields ? json_dumps(fields, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		fprintf(stderr, "%s %s%s%s\n", level_name(priority), event, s ? " " : "", s ? s : "");
		free(s);
	}
	json_decref(fields);
}

void log_msg(int priority, const char *fmt, ...)
{
	if (priority > log_max_priority)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	log_event(priority, "message", json_pack("{s:s}", "msg", buf));
}
