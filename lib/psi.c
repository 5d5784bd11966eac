#include "psi.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "kv.h"

/* "12.34" -> 1234. The kernel prints "%lu.%02lu" (kernel/sched/psi.c
 * psi_show): exactly two decimals, so anything else is not its output. */
static int parse_avg(const char *s, size_t len, uint32_t *ret)
{
	const char *dot = memchr(s, '.', len);
	uint64_t ip, fp;
	int r;

	if (!dot || (size_t)(s + len - dot) != 3)
		return -EBADMSG;
	r = mt_u64_parse(s, (size_t)(dot - s), &ip);
	if (r < 0)
		return r;
	r = mt_u64_parse(dot + 1, 2, &fp);
	if (r < 0)
		return r;
	if (ip > (UINT32_MAX - fp) / 100)
		return -ERANGE;
	*ret = (uint32_t)(ip * 100 + fp);
	return 0;
}

static int parse_line(const char *s, size_t len, struct mt_psi_line *ret)
{
	struct mt_psi_line pl = { 0 };
	struct mt_kv_line tok;
	unsigned seen = 0;
	size_t pos = 0;
	int r;

	while ((r = mt_kv_next_token(s, len, &pos, &tok)) > 0) {
		static const char *const keys[] = { "avg10", "avg60", "avg300", "total" };
		uint32_t *avgs[] = { &pl.avg10, &pl.avg60, &pl.avg300 };
		unsigned i;

		for (i = 0; i < 4; i++)
			if (strlen(keys[i]) == tok.key_len && memcmp(keys[i], tok.key, tok.key_len) == 0)
				break;
		if (i == 4)
			continue;
		if (seen & (1u << i))
			return -EBADMSG;
		seen |= 1u << i;
		r = i < 3 ? parse_avg(tok.value, tok.value_len, avgs[i]) : mt_u64_parse(tok.value, tok.value_len, &pl.total);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	if (seen != 0xf)
		return -EBADMSG;
	*ret = pl;
	return 0;
}

int mt_psi_parse(const char *buf, size_t len, struct mt_psi *ret)
{
	struct mt_psi psi = { 0 };
	bool has_some = false;
	struct mt_kv_line line;
	size_t pos = 0;
	int r;

	while ((r = mt_kv_next_line(buf, len, &pos, ' ', &line)) > 0) {
		bool is_some = line.key_len == 4 && memcmp(line.key, "some", 4) == 0;
		bool is_full = line.key_len == 4 && memcmp(line.key, "full", 4) == 0;

		if (!is_some && !is_full)
			return -EBADMSG;
		if (is_some ? has_some : psi.has_full)
			return -EBADMSG;
		r = parse_line(line.value, line.value_len, is_some ? &psi.some : &psi.full);
		if (r < 0)
			return r;
		if (is_some)
			has_some = true;
		else
			psi.has_full = true;
	}
	if (r < 0)
		return r;
	if (!has_some)
		return -EBADMSG;
	*ret = psi;
	return 0;
}

int mt_psi_read_fd(int fd, struct mt_psi *ret)
{
	char buf[MT_PSI_FILE_MAX];
	int n = mt_read_fd(fd, buf, sizeof(buf));
	return n < 0 ? n : mt_psi_parse(buf, (size_t)n, ret);
}

int mt_psi_read_at(int dir_fd, const char *name, struct mt_psi *ret)
{
	char buf[MT_PSI_FILE_MAX];
	int n = mt_read_at(dir_fd, name, buf, sizeof(buf));
	return n < 0 ? n : mt_psi_parse(buf, (size_t)n, ret);
}

int mt_psi_trigger_format(enum mt_psi_kind kind, uint64_t stall_us, uint64_t window_us, char *buf, size_t size)
{
	int n;

	if (kind != MT_PSI_SOME && kind != MT_PSI_FULL)
		return -EINVAL;
	if (window_us < MT_PSI_WINDOW_MIN_US || window_us > MT_PSI_WINDOW_MAX_US)
		return -EINVAL;
	if (stall_us == 0 || stall_us > window_us)
		return -EINVAL;
	n = snprintf(buf, size, "%s %" PRIu64 " %" PRIu64, kind == MT_PSI_SOME ? "some" : "full", stall_us, window_us);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= size)
		return -ENOBUFS;
	return n;
}
