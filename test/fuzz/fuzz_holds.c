/* libFuzzer target: the hold file parser accepts or rejects any bytes
 * without crashing or leaking, every rejection says why, and what it
 * accepts formats and parses back to the same holds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "holds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_holds h, again;
	char err[256] = "";
	if (mt_holds_parse((const char *)data, size, &h, err, sizeof err) < 0) {
		if (!err[0])
			abort();
		return 0;
	}
	char *text = NULL;
	if (mt_holds_format(&h, &text) == 0) {
		if (mt_holds_parse(text, strlen(text), &again, err, sizeof err) < 0 || again.n != h.n)
			abort(); /* what we write we must read */
		for (size_t i = 0; i < h.n; i++) {
			const struct mt_hold *a = &h.v[i], *b = mt_holds_find(&again, a->path);
			if (!b || a->saved_high != b->saved_high || a->held_high != b->held_high ||
			    a->swap_held != b->swap_held ||
			    (a->swap_held && (a->saved_swap_high != b->saved_swap_high ||
			                      a->held_swap_high != b->held_swap_high)))
				abort();
		}
		mt_holds_free(&again);
		free(text);
	}
	mt_holds_free(&h);
	return 0;
}
