/* libFuzzer target: lib/kv.h on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "kv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct three {
	uint64_t a, b, c;
};

static const struct mt_kv_field fields[] = {
	{ "a", offsetof(struct three, a), true },
	{ "bb", offsetof(struct three, b), false },
	{ "c c", offsetof(struct three, c), false },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct three t;
	struct mt_kv_line l;
	uint64_t v, present;
	size_t pos = 0;
	int r;

	if (mt_u64_parse(s, size, &v) == 0 && mt_limit_parse(s, size, &v) == 0 && v == MT_VALUE_MAX)
		abort(); /* a decimal never means "max" */
	(void)mt_limit_parse(s, size, &v);
	(void)mt_kv_parse(s, size, ' ', fields, 3, &t, &present);
	(void)mt_kv_parse(s, size, '=', fields, 3, &t, &present);
	while ((r = mt_kv_next_line(s, size, &pos, ':', &l)) > 0)
		if (l.key_len == 0 || l.key + l.key_len > s + size || l.value + l.value_len > s + size)
			abort();
	pos = 0;
	while ((r = mt_kv_next_token(s, size, &pos, &l)) > 0)
		if (l.key_len == 0 || l.value + l.value_len > s + size)
			abort();
	return 0;
}
