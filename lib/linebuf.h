/* A bounded line-framing buffer: accumulates bytes that arrive in pieces of
 * any size and hands out complete '\n'-terminated lines. A line longer than
 * the bound is an error, detected as soon as that many bytes are buffered
 * without a newline, so memory never exceeds max_line + 1 bytes.
 *
 * Typical use with a stream: mt_linebuf_space() for where to read into (libuv
 * alloc callback), mt_linebuf_commit() with the bytes read, then
 * mt_linebuf_pop() until it returns 0.
 *
 * Return contract: >= 0 success, negative errno failure. No I/O, no globals. */
#pragma once

#include <stddef.h>

struct mt_linebuf {
	char *buf;
	size_t size;      /* allocated; grows by doubling up to max_line + 1 */
	size_t max_line;  /* longest line, excluding the '\n' */
	size_t start;     /* first byte not yet handed out */
	size_t end;       /* one past the last byte received */
	size_t scanned;   /* bytes after start already searched for '\n' */
};

/* Prepares an empty buffer for lines of at most max_line bytes (>= 1).
 * Allocates nothing yet. Returns 0 or -EINVAL. */
int mt_linebuf_init(struct mt_linebuf *lb, size_t max_line);

/* Frees the storage; lb may be re-initialised. */
void mt_linebuf_done(struct mt_linebuf *lb);

/* Makes room at the tail and points *ret_tail at it. Returns the number of
 * bytes that may be written there (> 0), 0 when the buffer holds max_line + 1
 * bytes of one unterminated line (mt_linebuf_pop then returns -EMSGSIZE), or
 * -ENOMEM. */
long mt_linebuf_space(struct mt_linebuf *lb, char **ret_tail);

/* Records that n bytes were written at the tail given by the last
 * mt_linebuf_space() (n at most what it returned). */
void mt_linebuf_commit(struct mt_linebuf *lb, size_t n);

/* Copies up to n bytes of data in. Returns how many were taken (less than n
 * when the buffer is full: pop lines and feed the rest), or -ENOMEM. */
long mt_linebuf_feed(struct mt_linebuf *lb, const void *data, size_t n);

/* Takes the next complete line. Returns 1 and sets *ret_line (NUL-terminated
 * in place of the '\n', valid until the next call on lb) and *ret_len
 * (excluding the '\n'); 0 when no complete line is buffered yet; -EMSGSIZE
 * when the unterminated line buffered exceeds max_line (the buffer stays in
 * that state: the stream's framing is lost). */
int mt_linebuf_pop(struct mt_linebuf *lb, char **ret_line, size_t *ret_len);

/* Bytes buffered and not yet handed out. */
static inline size_t mt_linebuf_pending(const struct mt_linebuf *lb)
{
	return lb->end - lb->start;
}
