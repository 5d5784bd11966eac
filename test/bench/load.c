#include "load.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct worker {
	pthread_t thread;
	const char *path;
	const char *request;
	double deadline;
	uint64_t replies, errors;
	double *lat;             /* round trips in microseconds */
	size_t n_lat, cap_lat;
	int connect_error;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	struct timeval tv = { .tv_sec = 5 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	size_t rlen = strlen(w->request);
	char *buf = malloc(1 << 20);
	size_t have = 0;
	int fd = dial(w->path);

	if (fd < 0) {
		w->connect_error = fd;
		free(buf);
		return NULL;
	}
	while (now_s() < w->deadline) {
		double t0 = now_s();
		if (send(fd, w->request, rlen, MSG_NOSIGNAL) != (ssize_t)rlen)
			goto reconnect;
		char *nl = NULL;
		while (!(nl = memchr(buf, '\n', have))) {
			if (have == (1 << 20))
				goto reconnect; /* reply larger than the bench handles */
			ssize_t k = recv(fd, buf + have, (1 << 20) - have, 0);
			if (k <= 0)
				goto reconnect;
			have += (size_t)k;
		}
		size_t line = (size_t)(nl - buf) + 1;
		if (memmem(buf, line, "\"ok\":true", 9))
			w->replies++;
		else
			w->errors++;
		memmove(buf, buf + line, have - line);
		have -= line;
		if (w->n_lat == w->cap_lat) {
			w->cap_lat = w->cap_lat ? w->cap_lat * 2 : 65536;
			w->lat = realloc(w->lat, w->cap_lat * sizeof(*w->lat));
		}
		w->lat[w->n_lat++] = (now_s() - t0) * 1e6;
		continue;
reconnect:
		w->errors++;
		close(fd);
		have = 0;
		fd = dial(w->path);
		if (fd < 0)
			break;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

double mt_load_percentile(const double *sorted, size_t n, double p)
{
	if (n == 0)
		return 0;
	size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return sorted[i < n ? i : n - 1];
}

int mt_load_run(const char *socket_path, const char *request, unsigned clients,
                double seconds, struct mt_load_result *ret)
{
	struct worker *w = calloc(clients, sizeof(*w));
	double start = now_s();
	size_t total = 0;
	int connected = 0, err = -ECONNREFUSED;

	for (unsigned i = 0; i < clients; i++) {
		w[i] = (struct worker){ .path = socket_path, .request = request,
		                        .deadline = start + seconds };
		pthread_create(&w[i].thread, NULL, work, &w[i]);
	}
	*ret = (struct mt_load_result){ 0 };
	for (unsigned i = 0; i < clients; i++) {
		pthread_join(w[i].thread, NULL);
		if (w[i].connect_error)
			err = w[i].connect_error;
		else
			connected++;
		ret->replies += w[i].replies;
		ret->errors += w[i].errors;
		total += w[i].n_lat;
	}
	ret->seconds = now_s() - start;
	double *all = malloc((total ? total : 1) * sizeof(*all));
	size_t k = 0;
	for (unsigned i = 0; i < clients; i++) {
		memcpy(all + k, w[i].lat, w[i].n_lat * sizeof(*all));
		k += w[i].n_lat;
		free(w[i].lat);
	}
	qsort(all, total, sizeof(*all), cmp_double);
	ret->qps = (double)ret->replies / ret->seconds;
	ret->p50_us = mt_load_percentile(all, total, 50);
	ret->p99_us = mt_load_percentile(all, total, 99);
	ret->max_us = total ? all[total - 1] : 0;
	free(all);
	free(w);
	return connected ? 0 : err;
}
