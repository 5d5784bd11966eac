/* Readiness for systemd (and anything else speaking its protocol) through
 * $NOTIFY_SOCKET, without libsystemd: one datagram per state change.
 * Without NOTIFY_SOCKET every call is a no-op returning 0. */
#pragma once

#include <stdint.h>

/* Sends `state` ("READY=1", "STOPPING=1", ...). Returns 0 or a negative errno. */
int notify_send(const char *state);

/* "RELOADING=1\nMONOTONIC_USEC=<now>" as Type=notify-reload requires. */
int notify_reloading(void);

#include <uv.h>

/* Keep-alives for the service manager's watchdog (WatchdogSec=): when
 * WATCHDOG_USEC asks them of this process (lib/watchdog.h), a timer on
 * `loop` sends "WATCHDOG=1" every half timeout -- from the loop itself, so
 * a loop that stops turning (a callback stuck) stops them and systemd
 * restarts the daemon. Returns 1 when armed (*ret_timeout_usec set), 0 when
 * not asked, -EINVAL when the variables are malformed (nothing armed). */
int notify_watchdog_start(uv_loop_t *loop, uint64_t *ret_timeout_usec);

/* Stops and closes the timer (no-op when not armed). */
void notify_watchdog_stop(void);
