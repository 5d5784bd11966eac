#include "meminfo.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "fileio.h"
#include "kv.h"

static const struct mt_kv_field meminfo_fields[] = {
#define MT_MEMINFO_X_(n, key, req) { key, offsetof(struct mt_meminfo, n), req },
	MT_MEMINFO_FIELDS(MT_MEMINFO_X_)
#undef MT_MEMINFO_X_
};
_Static_assert(sizeof(meminfo_fields) / sizeof(meminfo_fields[0]) == MT_MEMINFO_N_FIELDS, "table and enum agree");

/* "   16318436 kB" -> bytes. The kernel right-aligns the number with spaces
 * and appends " kB" (fs/proc/meminfo.c show_val_kb). */
static int parse_kb(const char *s, size_t len, uint64_t *ret)
{
	size_t i = 0, start;
	uint64_t kb;
	int r;

	while (i < len && s[i] == ' ')
		i++;
	start = i;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	if (len - i != 3 || memcmp(s + i, " kB", 3) != 0)
		return -EBADMSG;
	r = mt_u64_parse(s + start, i - start, &kb);
	if (r < 0)
		return r;
	if (kb > UINT64_MAX / 1024)
		return -ERANGE;
	*ret = kb * 1024;
	return 0;
}

/* The keys in `wanted` (a mask of field bits), each at most once; with
 * `all_wanted`, it stops at the line that completes them and every one of
 * them is required, else the table's required ones are. */
static int parse(const char *buf, size_t len, uint64_t wanted, bool all_wanted, struct mt_meminfo *ret)
{
	struct mt_meminfo mi = { 0 };
	struct mt_kv_line line;
	uint64_t present = 0;
	size_t pos = 0;
	int r = 0;

	while ((!all_wanted || present != wanted) && (r = mt_kv_next_line(buf, len, &pos, ':', &line)) > 0) {
		uint64_t v;
		int i = mt_kv_field_find(meminfo_fields, MT_MEMINFO_N_FIELDS, line.key, line.key_len);
		if (i < 0 || !(wanted & (UINT64_C(1) << i)))
			continue;
		if (present & (UINT64_C(1) << i))
			return -EBADMSG;
		r = parse_kb(line.value, line.value_len, &v);
		if (r < 0)
			return r;
		memcpy((char *)&mi + meminfo_fields[i].offset, &v, sizeof(v));
		present |= UINT64_C(1) << i;
	}
	if (all_wanted && present == wanted)
		r = 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < MT_MEMINFO_N_FIELDS; i++) {
		bool required = all_wanted ? (wanted >> i) & 1 : meminfo_fields[i].required;
		if (required && !(present & (UINT64_C(1) << i)))
			return -EBADMSG;
	}
	mi.present = present;
	*ret = mi;
	return 0;
}

int mt_meminfo_parse(const char *buf, size_t len, struct mt_meminfo *ret)
{
	return parse(buf, len, (UINT64_C(1) << MT_MEMINFO_N_FIELDS) - 1, false, ret);
}

int mt_meminfo_parse_node(const char *buf, size_t len, struct mt_meminfo *ret)
{
	uint64_t node = UINT64_C(1) << MT_MEMINFO_BIT_mem_total | UINT64_C(1) << MT_MEMINFO_BIT_mem_available |
	                UINT64_C(1) << MT_MEMINFO_BIT_swap_total | UINT64_C(1) << MT_MEMINFO_BIT_swap_free;
	return parse(buf, len, node, true, ret);
}

int mt_meminfo_read(int proc_fd, struct mt_meminfo *ret)
{
	char buf[MT_MEMINFO_FILE_MAX];
	int n = mt_read_at(proc_fd, "meminfo", buf, sizeof(buf));
	return n < 0 ? n : mt_meminfo_parse(buf, (size_t)n, ret);
}
