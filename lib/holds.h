/* The hold file: every limit memtriaged lowered, with the value it saved,
 * kept on disk so that a daemon killed mid-hold (SIGKILL, a crash, OOM)
 * can restore them when it starts again.
 *
 * Format (JSON, strict: duplicate keys, unknown keys, wrong types and
 * out-of-range values are errors naming the JSON path):
 *   {"format": "memtriage-holds", "version": 1,
 *    "holds": [{"path": "a/b", "saved_high": "max" | N, "held_high": N,
 *               "saved_swap_high": "max" | N | null,   null: swap not held
 *               "held_swap_high": N | null}]}
 * Paths are relative to the supervised root, without a leading '/', "..",
 * "//" or a trailing '/'; each path at most once.
 *
 * Writes are atomic (a temp file in the same directory, fsync, renameat
 * through the directory fd): a reader sees the old or the new file, never a
 * part. The daemon writes the file BEFORE each limit it lowers, so every
 * lowered limit is on disk first. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MT_HOLDS_FORMAT "memtriage-holds"
#define MT_HOLDS_VERSION 1
/* A file above this is not ours: ~5,000 holds of ~200 bytes, more groups
 * than a node throttles at once. */
#define MT_HOLDS_FILE_MAX (1u << 20)

struct mt_hold {
	char *path;               /* owned */
	uint64_t saved_high;      /* memory.high before the hold; UINT64_MAX = "max" */
	uint64_t held_high;       /* what memtriage wrote */
	bool swap_held;
	uint64_t saved_swap_high; /* when swap_held; UINT64_MAX = "max" */
	uint64_t held_swap_high;
};

struct mt_holds {
	struct mt_hold *v;
	size_t n, cap;
};

/* Parses text; on failure *ret is empty and err names the JSON path and the
 * problem. 0 or a negative errno (-EINVAL for bad content). */
int mt_holds_parse(const char *text, size_t len, struct mt_holds *ret, char *err, size_t errsize);

/* The file's text (NUL-terminated, malloc'd) in *ret_text. */
int mt_holds_format(const struct mt_holds *h, char **ret_text);

/* Reads dir_fd/name; an absent file is an empty set (0). Bad content is
 * -EINVAL with err filled. */
int mt_holds_read_at(int dir_fd, const char *name, struct mt_holds *ret, char *err, size_t errsize);

/* Writes dir_fd/name atomically (see above). */
int mt_holds_write_at(int dir_fd, const char *name, const struct mt_holds *h);

/* Adds or replaces the hold of x->path (the path is copied). */
int mt_holds_set(struct mt_holds *h, const struct mt_hold *x);
/* Removes path's hold; 0 when removed, -ENOENT when there was none. */
int mt_holds_remove(struct mt_holds *h, const char *path);
/* The hold of path, or NULL. */
const struct mt_hold *mt_holds_find(const struct mt_holds *h, const char *path);
void mt_holds_free(struct mt_holds *h);
