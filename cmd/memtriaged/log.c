#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static enum log_format log_format = LOG_FORMAT_JSON;
static int log_max_priority = LOG_INFO;

void log_set_format(enum log_format f)
{
	log_format = f;
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
		char ts[16];
		struct tm tm;
		localtime_r(&rt.tv_sec, &tm);
		strftime(ts, sizeof ts, "%H:%M:%S", &tm);
		flockfile(stderr);
		fprintf(stderr, "%s.%03ld %-7s %s", ts, rt.tv_nsec / 1000000, level_name(priority), event);
		if (fields) {
			const char *k;
			json_t *v;
			json_object_foreach(fields, k, v)
				text_value(stderr, "", k, v, 0);
		}
		fputc('\n', stderr);
		funlockfile(stderr);
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
