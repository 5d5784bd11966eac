/* Readiness for systemd (and anything else speaking its protocol) through
 * $NOTIFY_SOCKET, without libsystemd: one datagram per state change.
 * Without NOTIFY_SOCKET every call is a no-op returning 0. */
#pragma once

/* Sends `state` ("READY=1", "STOPPING=1", ...). Returns 0 or a negative errno. */
int notify_send(const char *state);

/* "RELOADING=1\nMONOTONIC_USEC=<now>" as Type=notify-reload requires. */
int notify_reloading(void);
