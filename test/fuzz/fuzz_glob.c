/* Globs: validation, matching and intersection on arbitrary patterns. The
 * input is pattern NUL string NUL pattern. A string that matches both
 * patterns proves they intersect; disagreement aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = calloc(1, size + 3);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	const char *a = buf, *s = a + strlen(a) + 1;
	if (s > buf + size)
		s = buf + size + 1;
	const char *b = s + strlen(s) + 1;
	if (b > buf + size + 1)
		b = buf + size + 2;
	const char *why;
	if (mt_glob_validate(a, &why) == 0 && mt_glob_validate(b, &why) == 0) {
		bool ma = mt_glob_match(a, s), mb = mt_glob_match(b, s);
		int x = mt_glob_intersect(a, b);
		if (ma && mb && x == 0)
			abort();
	}
	free(buf);
	return 0;
}
