#include "memstat.h"

#include <errno.h>

#include "fileio.h"
#include "kv.h"

/* Table order equals enum mt_memstat_bit order, so bit i of the parse's
 * presence mask is MT_MEMSTAT_BIT_<field>. */
static const struct mt_kv_field memstat_fields[] = {
#define MT_MEMSTAT_X_(n) { #n, offsetof(struct mt_memstat, n), false },
	MT_MEMSTAT_FIELDS(MT_MEMSTAT_X_)
#undef MT_MEMSTAT_X_
};
_Static_assert(sizeof(memstat_fields) / sizeof(memstat_fields[0]) == MT_MEMSTAT_N_FIELDS, "table and enum agree");

int mt_memstat_parse(const char *buf, size_t len, struct mt_memstat *ret)
{
	struct mt_memstat st = { 0 };
	uint64_t present;
	int r = mt_kv_parse(buf, len, ' ', memstat_fields, MT_MEMSTAT_N_FIELDS, &st, &present);
	if (r < 0)
		return r;
	/* anon and file: printed by every cgroup2 kernel since 4.5; without
	 * them the file is not a memory.stat. */
	if (!(present & (UINT64_C(1) << MT_MEMSTAT_BIT_anon)) || !(present & (UINT64_C(1) << MT_MEMSTAT_BIT_file)))
		return -EBADMSG;
	st.present = present;
	*ret = st;
	return 0;
}

int mt_memstat_read_fd(int fd, struct mt_memstat *ret)
{
	char buf[MT_MEMSTAT_FILE_MAX];
	int n = mt_read_fd(fd, buf, sizeof(buf));
	return n < 0 ? n : mt_memstat_parse(buf, (size_t)n, ret);
}

int mt_memstat_read_at(int dir_fd, struct mt_memstat *ret)
{
	char buf[MT_MEMSTAT_FILE_MAX];
	int n = mt_read_at(dir_fd, "memory.stat", buf, sizeof(buf));
	return n < 0 ? n : mt_memstat_parse(buf, (size_t)n, ret);
}
