/* lib/humanize: exact strings at unit boundaries and rounding edges. */
#include <errno.h>
#include <math.h>
#include <stdint.h>

#include "check.h"
#include "humanize.h"

static char buf[MT_HUMANIZE_MAX];

#define BYTES(v, s) do { mt_humanize_bytes((v), buf, sizeof(buf)); CHECK_STR(buf, s); } while (0)
#define SBYTES(v, s) do { mt_humanize_bytes_signed((v), buf, sizeof(buf)); CHECK_STR(buf, s); } while (0)
#define RATIO(p, w, s) do { mt_humanize_ratio((p), (w), buf, sizeof(buf)); CHECK_STR(buf, s); } while (0)
#define PCT(v, s) do { mt_humanize_percent((v), buf, sizeof(buf)); CHECK_STR(buf, s); } while (0)
#define DUR(v, s) do { mt_humanize_duration_ms((v), buf, sizeof(buf)); CHECK_STR(buf, s); } while (0)

int main(void)
{
	BYTES(0, "0 B");
	BYTES(1023, "1023 B");
	BYTES(1024, "1.0 KiB");
	BYTES(1536, "1.5 KiB");
	BYTES(1075, "1.0 KiB");            /* 1.0498 */
	BYTES(1076, "1.1 KiB");            /* 1.0508 */
	BYTES(1048524, "1023.9 KiB");
	BYTES(1048525, "1.0 MiB");         /* rounds to 1024.0 KiB: next unit */
	BYTES(123956019, "118.2 MiB");
	BYTES(4187593113ull, "3.9 GiB");
	BYTES(UINT64_C(1) << 40, "1.0 TiB");
	BYTES(UINT64_C(1) << 50, "1.0 PiB");
	BYTES(UINT64_MAX, "16.0 EiB");

	SBYTES(0, "0 B");
	SBYTES(1536, "+1.5 KiB");
	SBYTES(-512, "-512 B");
	SBYTES(INT64_MIN, "-8.0 EiB");

	RATIO(1, 8, "12.5%");
	RATIO(0, 8, "0.0%");
	RATIO(8, 8, "100.0%");
	RATIO(9, 8, "112.5%");
	RATIO(1, 3, "33.3%");
	RATIO(2, 3, "66.7%");
	RATIO(UINT64_MAX, UINT64_MAX, "100.0%");
	RATIO(5, 0, "-");

	PCT(3.24, "3.2%");
	PCT(0, "0.0%");
	PCT(100, "100.0%");
	PCT(-1, "-");
	PCT(NAN, "-");
	PCT(INFINITY, "-");

	DUR(0, "0ms");
	DUR(999, "999ms");
	DUR(1000, "1.0s");
	DUR(12345, "12.3s");
	DUR(59999, "59.9s");
	DUR(60000, "1m00s");
	DUR(312000, "5m12s");
	DUR(3600000, "1h00m");
	DUR(11040000, "3h04m");
	DUR(86400000, "1d00h");
	DUR(183600000, "2d03h");

	char small[4];
	CHECK_INT(mt_humanize_bytes(1536, small, sizeof(small)), -ENOBUFS);
	CHECK_STR(small, "");
	CHECK_INT(mt_humanize_bytes(5, small, sizeof(small)), 3);
	CHECK_STR(small, "5 B");
	return mt_check_status();
}
