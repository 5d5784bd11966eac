/* mt_watchdog_parse: systemd's WATCHDOG_USEC/WATCHDOG_PID as it sets them,
 * and what it never sets. */
#include <errno.h>
#include <stdint.h>

#include "check.h"
#include "watchdog.h"

int main(void)
{
	uint64_t u = 7;
	/* WatchdogSec=30s, for us (systemd sets both). */
	CHECK_INT(mt_watchdog_parse("30000000", "1234", 1234, &u), 1);
	CHECK_U64(u, 30000000);
	CHECK_U64(mt_watchdog_period_ms(u), 15000);
	/* WATCHDOG_PID absent: meant for the main process, that is us. */
	u = 7;
	CHECK_INT(mt_watchdog_parse("1000", NULL, 99, &u), 1);
	CHECK_U64(u, 1000);
	CHECK_U64(mt_watchdog_period_ms(u), 1); /* 0.5 ms rounds up to 1 */
	CHECK_U64(mt_watchdog_period_ms(UINT64_MAX), UINT64_MAX / 2 / 1000);
	/* Not asked: no variable, or another process's (a child inherited it). */
	u = 7;
	CHECK_INT(mt_watchdog_parse(NULL, NULL, 1, &u), 0);
	CHECK_INT(mt_watchdog_parse(NULL, "1", 1, &u), 0);
	CHECK_INT(mt_watchdog_parse("30000000", "1235", 1234, &u), 0);
	CHECK_U64(u, 7);
	/* Malformed: never a silent default. */
	const char *bad[] = { "", "0", "-1", "+5", " 5", "5 ", "5s", "0x10", "18446744073709551616", "1e6" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(mt_watchdog_parse(bad[i], NULL, 1, &u), -EINVAL);
		CHECK_INT(mt_watchdog_parse("1000", bad[i], 1, &u), -EINVAL);
	}
	CHECK_INT(mt_watchdog_parse("18446744073709551615", NULL, 1, &u), 1);
	CHECK_U64(u, UINT64_MAX);
	CHECK_INT(mt_watchdog_parse("1000", "2147483648", 1, &u), -EINVAL);
	CHECK_U64(u, UINT64_MAX);
	return mt_check_status();
}
