/* lib/lineq under arbitrary sequences of push, consume and take: the bound
 * holds, lines leave whole and in push order, a partly consumed front is
 * never evicted, and pushed = left + queued + dropped. Each input byte
 * pair is one operation. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lineq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t cap = (size_t)data[0] * 8 + MT_LINEQ_OVERHEAD;
	struct mt_lineq *q;
	if (mt_lineq_new(cap, &q) < 0)
		return 0;
	uint64_t pushed = 0, left = 0, dropped = 0, seq = 0, last = 0;
	size_t front_off = 0;
	char line[300];
	for (size_t i = 1; i + 1 < size; i += 2) {
		uint8_t op = data[i], arg = data[i + 1];
		if (op < 160) {
			/* A line carries its sequence number; its length varies. */
			seq++;
			int n = snprintf(line, sizeof(line), "%llu:", (unsigned long long)seq);
			size_t len = (size_t)n + arg;
			memset(line + n, 'x', arg);
			if (mt_lineq_push(q, line, len, op % MT_LINEQ_RANKS) < 0)
				abort();
			pushed++;
		} else if (op < 240) {
			const char *d;
			size_t k = mt_lineq_front(q, &d);
			if (!k)
				continue;
			size_t c = arg % (k + 1);
			if (op & 1)
				c = k;
			if (front_off == 0 && c > 0) { /* a line starts leaving */
				uint64_t v = strtoull(d, NULL, 10);
				if (v <= last)
					abort(); /* out of order, or a line left twice */
				last = v;
			}
			mt_lineq_consume(q, c);
			front_off += c;
			if (c == k) {
				left++;
				front_off = 0;
			}
		} else
			dropped += mt_lineq_take_dropped(q, NULL);
		if (mt_lineq_bytes(q) > cap)
			abort();
	}
	dropped += mt_lineq_take_dropped(q, NULL);
	if (pushed != left + dropped + mt_lineq_lines(q))
		abort();
	mt_lineq_free(q);
	return 0;
}
