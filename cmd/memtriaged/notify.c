#include "notify.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "watchdog.h"

int notify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	if (!path || !*path)
		return 0;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	if (len >= sizeof sa.sun_path || (path[0] != '/' && path[0] != '@'))
		return -EINVAL;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ssize_t n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	                   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	int r = n < 0 ? -errno : 0;
	close(fd);
	return r;
}

int notify_reloading(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	char buf[96];
	snprintf(buf, sizeof buf, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
	         (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
	return notify_send(buf);
}

static uv_timer_t watchdog_timer;
static bool watchdog_armed;

static void on_watchdog(uv_timer_t *t)
{
	notify_send("WATCHDOG=1");
}

int notify_watchdog_start(uv_loop_t *loop, uint64_t *ret_timeout_usec)
{
	uint64_t usec;
	int r = mt_watchdog_parse(getenv("WATCHDOG_USEC"), getenv("WATCHDOG_PID"), getpid(), &usec);
	if (r <= 0 || watchdog_armed)
		return r;
	uint64_t period = mt_watchdog_period_ms(usec);
	uv_timer_init(loop, &watchdog_timer);
	uv_timer_start(&watchdog_timer, on_watchdog, period, period);
	watchdog_armed = true;
	notify_send("WATCHDOG=1");
	*ret_timeout_usec = usec;
	return 1;
}

static void on_watchdog_closed(uv_handle_t *h)
{
}

void notify_watchdog_stop(void)
{
	if (!watchdog_armed)
		return;
	watchdog_armed = false;
	uv_close((uv_handle_t *)&watchdog_timer, on_watchdog_closed);
}
