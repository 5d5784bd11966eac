#include <errno.h>
#include <stdint.h>

#include "check.h"
#include "size.h"

static void ok(const char *s, bool pct, uint64_t bytes, uint32_t bp)
{
	struct mt_size z = { 0 };
	CHECK_INT(mt_size_parse(s, true, &z), 0);
	CHECK_INT(z.percent, pct);
	CHECK_U64(z.bytes, bytes);
	CHECK_INT(z.basis_points, bp);
}

int main(void)
{
	struct mt_size z;

	ok("0", false, 0, 0);
	ok("1048576", false, 1048576, 0);
	ok("512Mi", false, 512ULL << 20, 0);
	ok("2Gi", false, 2ULL << 30, 0);
	ok("1Ti", false, 1ULL << 40, 0);
	ok("4Ki", false, 4096, 0);
	ok("2G", false, 2000000000ULL, 0);
	ok("500K", false, 500000, 0);
	ok("1.5Gi", false, 1610612736ULL, 0);
	ok("1.5G", false, 1500000000ULL, 0);
	ok("0.001K", false, 1, 0);
	ok("25%", true, 0, 2500);
	ok("2.5%", true, 0, 250);
	ok("0.25%", true, 0, 25);
	ok("100%", true, 0, 10000);
	ok("0%", true, 0, 0);
	ok("18446744073709551615", false, UINT64_MAX, 0);

	CHECK_INT(mt_size_parse("18446744073709551616", true, &z), -ERANGE);
	CHECK_INT(mt_size_parse("16777216Ti", true, &z), -ERANGE);
	CHECK_INT(mt_size_parse("100.01%", true, &z), -ERANGE);
	CHECK_INT(mt_size_parse("101%", true, &z), -ERANGE);
	CHECK_INT(mt_size_parse("25%", false, &z), -EINVAL);
	const char *bad[] = { "", "Mi", "1.5", "1.2345Gi", "2GB", "2g", "2 G", " 2G", "2G ", "-1", "+1", "1e3",
			      "1.%", ".5%", "2.555%", "%", "1..5G", "0x10", "50 %" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = mt_size_parse(bad[i], true, &z);
		if (r != -EINVAL)
			fprintf(stderr, "\"%s\" -> %d\n", bad[i], r);
		CHECK_INT(r, -EINVAL);
	}

	z = (struct mt_size){ .percent = true, .basis_points = 2500 };
	CHECK_U64(mt_size_resolve(&z, 4096), 1024);
	CHECK_U64(mt_size_resolve(&z, UINT64_MAX), UINT64_MAX / 4);
	z = (struct mt_size){ .percent = true, .basis_points = 10000 };
	CHECK_U64(mt_size_resolve(&z, UINT64_MAX), UINT64_MAX);
	z = (struct mt_size){ .bytes = 77 };
	CHECK_U64(mt_size_resolve(&z, 1000), 77);
	return mt_check_status();
}
