/* memtriaged's log: one line per event on stderr, JSON lines (the default
 * when stderr is not a terminal) or text for a human at a terminal. Only
 * cmd/ logs.
 *
 * The log never blocks the loop. Once log_open has run, a line that stderr
 * cannot take at once (a full pipe, a stalled journald) waits in a bounded
 * queue (lib/lineq) flushed when stderr is writable again (log_attach); when
 * the queue is full the least important lines go first and kill records
 * last, and when it has drained a "log-dropped" line says how many were
 * lost at which level. When stderr is the journal (JOURNAL_STREAM names its
 * device and inode) each line starts with its syslog priority, "<4>", so
 * `journalctl -p warning` filters it.
 *
 * Called from the loop's thread only (the thread pool's work functions do
 * not log). */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <syslog.h>
#include <uv.h>

#include "ratelimit.h"

enum log_format { LOG_FORMAT_TEXT, LOG_FORMAT_JSON };

void log_set_format(enum log_format f);

/* Lines above this syslog priority are not logged (default LOG_INFO). */
void log_set_level(int max_priority);

/* A --log-level value: a syslog level name (emerg, alert, crit, err or
 * error, warning or warn, notice, info, debug) or its number 0..7. Returns
 * the priority, or -1 when it is neither. */
int log_level_parse(const char *s);

/* Whether stderr is the journal's stream (JOURNAL_STREAM "DEV:INO" matches
 * stderr's st_dev:st_ino). Reads only the environment and fstat. */
bool log_stderr_is_journal(void);

/* Sets up non-blocking output: called once after the options are parsed,
 * before the first event. Until then lines are written as they come. */
void log_open(void);

/* Flushes queued lines from `loop` whenever stderr becomes writable, and
 * reports suppressed counts of the rate limits below once their window has
 * closed. The handles do not keep the loop alive. */
void log_attach(uv_loop_t *loop);

/* Stops using the loop: closes the handles (their close callbacks run at the
 * loop's next turn), so call before the loop's last uv_run. Lines logged
 * after it queue. */
void log_detach(void);

/* Writes what is queued, waiting for stderr at most LOG_CLOSE_FLUSH_MS in
 * all, and frees the queue. Further lines are written as they come. */
void log_close(void);

/* A free-text message: {"ts":..,"level":..,"event":"message","msg":..}. */
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A structured event; takes ownership of `fields` (an object or NULL). In
 * JSON format the fields are merged after ts/level/event; in text format
 * they are printed compact after the event name. Events named "kill",
 * "kill-report", "terminate" and "kernel-oom-kill" are kept longest when
 * the queue is full. */
void log_event(int priority, const char *event, json_t *fields);

/* For lines a peer or a broken cgroup can provoke at will: at most
 * LOG_RATELIMIT_BURST per LOG_RATELIMIT_INTERVAL_MS through each limiter
 * (a zero-initialised struct, static or in the caller's state, that
 * outlives the loop). A line let through after some were suppressed
 * carries "suppressed": N; once a window that suppressed lines has closed,
 * a "log-suppressed" line reports the count without waiting for the next
 * line (for up to LOG_RATELIMIT_TRACKED limiters). */
#define LOG_RATELIMIT_INTERVAL_MS 5000
#define LOG_RATELIMIT_BURST 10
#define LOG_RATELIMIT_TRACKED 16
void log_event_limited(struct mt_ratelimit *rl, int priority, const char *event, json_t *fields);
/* A free-text message through a limiter: {"event":"message","msg":..}. */
void log_msg_limited(struct mt_ratelimit *rl, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
