/* lib/wdmap: put, replace, get, delete, growth and shrinking. */
#include <stdint.h>

#include "check.h"
#include "wdmap.h"

static void *P(intptr_t i)
{
	return (void *)(i + 1);
}

int main(void)
{
	struct mt_wdmap m = { 0 };
	CHECK(mt_wdmap_get(&m, 1) == NULL);
	/* out of order, then in order: every one found */
	CHECK_INT(mt_wdmap_put(&m, 7, P(7)), 0);
	CHECK_INT(mt_wdmap_put(&m, 3, P(3)), 0);
	CHECK_INT(mt_wdmap_put(&m, 5, P(5)), 0);
	for (int wd = 8; wd < 2000; wd++)
		CHECK_INT(mt_wdmap_put(&m, wd, P(wd)), 0);
	CHECK_INT(m.n, 3 + 1992);
	CHECK(m.cap >= m.n);
	CHECK(mt_wdmap_get(&m, 3) == P(3));
	CHECK(mt_wdmap_get(&m, 5) == P(5));
	CHECK(mt_wdmap_get(&m, 4) == NULL);
	CHECK(mt_wdmap_get(&m, 1999) == P(1999));
	CHECK(mt_wdmap_get(&m, 2000) == NULL);
	for (int wd = 3; wd < 2000; wd++)
		if (mt_wdmap_get(&m, wd) != (wd == 4 || wd == 6 ? NULL : P(wd)))
			CHECK(!"lookup");
	/* a reused wd replaces */
	CHECK_INT(mt_wdmap_put(&m, 5, P(50)), 0);
	CHECK(mt_wdmap_get(&m, 5) == P(50));
	CHECK_INT(m.n, 1995);
	/* deleting: absent is nothing; the array shrinks, never below 256 */
	mt_wdmap_del(&m, 4);
	CHECK_INT(m.n, 1995);
	size_t big = m.cap;
	for (int wd = 8; wd < 2000; wd++)
		mt_wdmap_del(&m, wd);
	CHECK_INT(m.n, 3);
	CHECK(m.cap < big);
	CHECK(m.cap >= 256);
	CHECK(mt_wdmap_get(&m, 7) == P(7));
	CHECK(mt_wdmap_get(&m, 100) == NULL);
	mt_wdmap_free(&m);
	CHECK_INT(m.n, 0);
	return mt_check_status();
}
