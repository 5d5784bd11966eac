/* lib/ratelimit: the burst, the window, the suppressed count handed over. */
#include "check.h"
#include "ratelimit.h"

int main(void)
{
	struct mt_ratelimit rl = { 0 };
	uint64_t sup = 99;

	/* burst 3 per 1000 ms */
	for (int i = 0; i < 3; i++) {
		CHECK(mt_ratelimit_allow(&rl, 1000, 3, 5000 + (uint64_t)i, &sup));
		CHECK_U64(sup, 0);
	}
	for (int i = 0; i < 10; i++)
		CHECK(!mt_ratelimit_allow(&rl, 1000, 3, 5100, &sup));
	CHECK_U64(mt_ratelimit_take_expired(&rl, 1000, 5999), 0); /* still open */
	CHECK(!mt_ratelimit_allow(&rl, 1000, 3, 5999, &sup));
	/* The next window: the first event carries the 11 suppressed. */
	CHECK(mt_ratelimit_allow(&rl, 1000, 3, 6000, &sup));
	CHECK_U64(sup, 11);
	CHECK(mt_ratelimit_allow(&rl, 1000, 3, 6001, &sup));
	CHECK_U64(sup, 0);
	CHECK(mt_ratelimit_allow(&rl, 1000, 3, 6002, &sup));
	CHECK(!mt_ratelimit_allow(&rl, 1000, 3, 6003, &sup));
	CHECK(!mt_ratelimit_allow(&rl, 1000, 3, 6004, &sup));
	/* The flood ends: the count is handed over once the window closes. */
	CHECK_U64(mt_ratelimit_take_expired(&rl, 1000, 6500), 0);
	CHECK_U64(mt_ratelimit_take_expired(&rl, 1000, 7000), 2);
	CHECK_U64(mt_ratelimit_take_expired(&rl, 1000, 9000), 0);
	CHECK(mt_ratelimit_allow(&rl, 1000, 3, 9000, &sup));
	CHECK_U64(sup, 0);
	/* A clock that steps back opens a new window. */
	CHECK(mt_ratelimit_allow(&rl, 1000, 3, 9001, &sup));
	CHECK(mt_ratelimit_allow(&rl, 1000, 3, 9002, &sup));
	CHECK(!mt_ratelimit_allow(&rl, 1000, 3, 9003, &sup));
	CHECK(mt_ratelimit_allow(&rl, 1000, 3, 100, &sup));
	CHECK_U64(sup, 1);
	/* burst 0: nothing through */
	struct mt_ratelimit none = { 0 };
	CHECK(!mt_ratelimit_allow(&none, 1000, 0, 1, &sup));
	CHECK_U64(none.suppressed, 1);
	return mt_check_status();
}
