/* memtriaged's log: one line per event, JSON lines (the default when stderr
 * is not a terminal) or text for a human at a terminal. Only cmd/ logs. */
#pragma once

#include <jansson.h>
#include <syslog.h>

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

void log_set_format(enum log_format f);
/* A free-text message: {"ts":..,"level":..,"event":"message","msg":..}. */
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A structured event; takes ownership of `fields` (an object or NULL). In
 * JSON format the fields are merged after ts/level/event; in text format
 * they are printed compact after the event name. */
void log_event(int priority, const char *event, json_t *fields);
