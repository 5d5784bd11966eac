/* Encoded replies kept by the status socket server, one per query kind,
 * so that a large reply (1000 candidates: ~0.55 MiB) is built and encoded
 * once per change of what it shows, not once per request.
 *
 * A reply line is held in a struct mt_serve_text, shared by reference
 * between the cache and every write still sending it: serving a cached
 * reply to a client costs a reference, not a build, an encode or a copy
 * (test/bench/bench_serve measures each).
 *
 * The cache trusts the generation the provider gives (serve.h,
 * provider->generation): an entry is returned only for the very generation
 * it was stored under. Memory: at most one text per query kind, plus the
 * texts still referenced by unsent writes (those are counted against each
 * client's max_pending_reply like any reply). Not thread-safe: the loop
 * thread only. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* One reply line, '\n'-terminated, shared by reference. */
struct mt_serve_text {
	unsigned refs;
	size_t len;
	char *line;
};

/* Wraps `line` (malloc'd, len bytes), taking ownership of it; one
 * reference. Returns 0, or -ENOMEM (then `line` is freed). */
int mt_serve_text_new(char *line, size_t len, struct mt_serve_text **ret_text);

struct mt_serve_text *mt_serve_text_ref(struct mt_serve_text *t);

/* Drops one reference; frees the text with the last. NULL is a no-op. */
void mt_serve_text_unref(struct mt_serve_text *t);

struct mt_serve_cache {
	struct {
		uint64_t generation;        /* meaningful only when text != NULL */
		struct mt_serve_text *text;
	} kind[MT_PROTO_CMD__COUNT];
};

/* The text stored for `cmd` under exactly `generation` (a new reference),
 * or NULL: none stored, or stored under another generation (then the stale
 * text is dropped at once, not kept until the next store). Generation 0
 * means "not cacheable": NULL, and the stored text is dropped too. */
struct mt_serve_text *mt_serve_cache_get(struct mt_serve_cache *cache, enum mt_proto_cmd cmd,
                                         uint64_t generation);

/* Stores `text` (taking a reference of its own) as `cmd`'s reply under
 * `generation`, replacing what was there. Generation 0 stores nothing. */
void mt_serve_cache_put(struct mt_serve_cache *cache, enum mt_proto_cmd cmd, uint64_t generation,
                        struct mt_serve_text *text);

/* Drops every stored text (writes still sending one keep theirs). */
void mt_serve_cache_clear(struct mt_serve_cache *cache);
