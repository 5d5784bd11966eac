/* The service manager's watchdog request, as systemd passes it: the
 * environment variables WATCHDOG_USEC (the timeout, decimal microseconds)
 * and WATCHDOG_PID (whom it is meant for; absent means the main process).
 * The daemon answers with "WATCHDOG=1" on $NOTIFY_SOCKET more often than
 * the timeout (cmd/memtriaged/notify.c). No libsystemd: this is the part
 * of sd_watchdog_enabled(3) the daemon needs.
 *
 * Return contract: 1 when a keep-alive is asked of `self` (*ret_usec set),
 * 0 when none is (no WATCHDOG_USEC, or WATCHDOG_PID names another process),
 * -EINVAL when a value is not a positive decimal number (no sign, no
 * spaces, no trailing text) or overflows. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

/* usec and pid: the two variables' values, each NULL when unset. */
int mt_watchdog_parse(const char *usec, const char *pid, pid_t self, uint64_t *ret_usec);

/* The keep-alive period for a timeout: half of it, as sd_watchdog_enabled(3)
 * recommends, so one late tick does not trip it; at least 1 ms. */
uint64_t mt_watchdog_period_ms(uint64_t timeout_usec);
