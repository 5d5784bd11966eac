/* libFuzzer target for lib/linebuf: the input's first byte picks the bound
 * and chunk size; every popped line must be a '\n'-free piece of the input no
 * longer than the bound, and the lines plus the remainder must account for
 * every byte fed before any overflow. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_linebuf lb;
	char *line;
	size_t len, off = 1, consumed = 0;

	if (size < 1)
		return 0;
	size_t max_line = (size_t)(data[0] & 0x3F) + 1;
	size_t chunk = (size_t)(data[0] >> 6) * 7 + 1;
	if (mt_linebuf_init(&lb, max_line) != 0)
		abort();
	while (off < size) {
		size_t k = size - off < chunk ? size - off : chunk;
		long took = mt_linebuf_feed(&lb, data + off, k);
		if (took < 0)
			abort();
		off += (size_t)took;
		int r;
		while ((r = mt_linebuf_pop(&lb, &line, &len)) == 1) {
			if (len > max_line || strlen(line) > len || memchr(line, '\n', len))
				abort();
			if (memcmp(line, data + 1 + consumed, len) != 0 || data[1 + consumed + len] != '\n')
				abort();
			consumed += len + 1;
		}
		if (r == -EMSGSIZE)
			break;
		if (r != 0 || (took == 0 && k > 0))
			abort(); /* no line, not over the bound, and yet full */
	}
	if (consumed + mt_linebuf_pending(&lb) != off - 1)
		abort();
	mt_linebuf_done(&lb);
	return 0;
}
