/* Encoded replies kept per query kind: see serve_cache.h. */
#include "serve_cache.h"

#include <errno.h>
#include <stdlib.h>

int mt_serve_text_new(char *line, size_t len, struct mt_serve_text **ret_text)
{
	struct mt_serve_text *t = malloc(sizeof(*t));

	if (!t) {
		free(line);
		return -ENOMEM;
	}
	*t = (struct mt_serve_text){ .refs = 1, .len = len, .line = line };
	*ret_text = t;
	return 0;
}

struct mt_serve_text *mt_serve_text_ref(struct mt_serve_text *t)
{
	t->refs++;
	return t;
}

void mt_serve_text_unref(struct mt_serve_text *t)
{
	if (!t || --t->refs > 0)
		return;
	free(t->line);
	free(t);
}

struct mt_serve_text *mt_serve_cache_get(struct mt_serve_cache *cache, enum mt_proto_cmd cmd,
                                         uint64_t generation)
{
	if ((unsigned)cmd >= MT_PROTO_CMD__COUNT)
		return NULL;
	struct mt_serve_text *t = cache->kind[cmd].text;
	if (t && generation != 0 && cache->kind[cmd].generation == generation)
		return mt_serve_text_ref(t);
	/* Stale, or unknown (generation 0: changes go uncounted meanwhile, so
	 * an old generation coming back proves nothing): nobody may get it
	 * again. */
	mt_serve_text_unref(t);
	cache->kind[cmd].text = NULL;
	return NULL;
}

void mt_serve_cache_put(struct mt_serve_cache *cache, enum mt_proto_cmd cmd, uint64_t generation,
                        struct mt_serve_text *text)
{
	if ((unsigned)cmd >= MT_PROTO_CMD__COUNT || generation == 0)
		return;
	mt_serve_text_unref(cache->kind[cmd].text);
	cache->kind[cmd].text = mt_serve_text_ref(text);
	cache->kind[cmd].generation = generation;
}

void mt_serve_cache_clear(struct mt_serve_cache *cache)
{
	for (size_t i = 0; i < MT_PROTO_CMD__COUNT; i++) {
		mt_serve_text_unref(cache->kind[i].text);
		cache->kind[i].text = NULL;
	}
}
