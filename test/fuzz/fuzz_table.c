/* cmd/memtriage/table.c: arbitrary cells (any bytes, UTF-8 or not),
 * column fits and widths: no printed line is wider than the width, and a
 * shortened text is never wider than asked. Input: byte 0 the width
 * (0 = none), byte 1 the columns (1..8), then per column a fit, a minimum
 * and a drop order, then cells separated by '\n'. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/memtriage/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const heads[] = { "A", ">BB", "CGROUP", ">N", "STATE", "", "X Y", ">Z" };
	if (size < 2 + 3 * 8)
		return 0;
	size_t width = data[0], nc = 1 + data[1] % 8;
	struct mt_table *t = mt_table_new(nc, heads);
	if (!t)
		return 0;
	for (size_t c = 0; c < nc; c++)
		mt_table_fit(t, c, (enum mt_fit)(data[2 + 3 * c] % 3), data[3 + 3 * c] % 64, data[4 + 3 * c] % 4);
	char *text = malloc(size - 26 + 1);
	memcpy(text, data + 26, size - 26);
	text[size - 26] = '\0';
	size_t col = 0;
	for (char *p = text, *nl; p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (col == 0)
			mt_table_row(t);
		mt_table_cell(t, p, (enum mt_color)(strlen(p) % 6));
		col = (col + 1) % nc;
		/* the same text through the shortener directly */
		char buf[1024];
		size_t max = (size_t)(unsigned char)p[0] % 80;
		const char *s = mt_text_shorten(p, max, (enum mt_fit)(max % 3), buf, sizeof(buf));
		if (max % 3 != MT_FIT_KEEP && mt_text_width(s) > max)
			abort();
	}
	while (col != 0) {
		mt_table_cell(t, "", MT_COLOR_NONE);
		col = (col + 1) % nc;
	}
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (f) {
		mt_table_print(t, f, false, width);
		fclose(f);
		if (width)
			for (char *p = out, *nl; p && *p; p = nl ? nl + 1 : NULL) {
				nl = strchr(p, '\n');
				if (nl)
					*nl = '\0';
				if (mt_text_width(p) > width)
					abort();
			}
	}
	free(out);
	free(text);
	mt_table_free(t);
	return 0;
}
