#include "zram.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "kv.h"

/* Fields 1-7 exist since 4.1 (mm_stat's introduction with pages_compacted). */
#define FIELDS_REQUIRED 7
#define FIELDS_KNOWN 9

int mt_zram_mm_stat_parse(const char *buf, size_t len, struct mt_zram_mm_stat *ret)
{
	uint64_t v[FIELDS_KNOWN] = { 0 };
	unsigned n = 0;
	size_t i = 0;

	if (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\n', len) != buf + len - 1)
		return -EBADMSG;
	len--;
	while (i < len) {
		while (i < len && buf[i] == ' ')
			i++;
		if (i == len)
			break;
		size_t start = i;
		while (i < len && buf[i] != ' ')
			i++;
		uint64_t x;
		int r = mt_u64_parse(buf + start, i - start, &x);
		if (r < 0)
			return r;
		if (n < FIELDS_KNOWN)
			v[n] = x;
		if (n < UINT32_MAX)
			n++;
	}
	if (n < FIELDS_REQUIRED)
		return -EBADMSG;
	*ret = (struct mt_zram_mm_stat){
		.orig_data_size = v[0], .compr_data_size = v[1], .mem_used_total = v[2],
		.mem_limit = v[3], .mem_used_max = v[4], .same_pages = v[5],
		.pages_compacted = v[6], .huge_pages = v[7], .huge_pages_since = v[8],
		.n_fields = n,
	};
	return 0;
}

int mt_zram_mm_stat_read(int sys_block_fd, uint32_t id, struct mt_zram_mm_stat *ret)
{
	char name[32], buf[MT_ZRAM_MM_STAT_MAX];
	snprintf(name, sizeof(name), "zram%u/mm_stat", id);
	int n = mt_read_at(sys_block_fd, name, buf, sizeof(buf));
	return n < 0 ? n : mt_zram_mm_stat_parse(buf, (size_t)n, ret);
}
