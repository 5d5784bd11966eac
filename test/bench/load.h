/* A load generator for the status socket: N client threads, each on its
 * own connection, sending one request and reading its reply in a loop as
 * fast as the server answers, for a fixed time. Used by bench_serve
 * (in-process server) and memtriage-load (any running daemon). */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct mt_load_result {
	uint64_t replies;        /* complete reply lines received */
	uint64_t errors;         /* replies with "ok":false, or connections lost */
	double seconds;          /* measured duration */
	double qps;              /* replies / seconds */
	double p50_us, p99_us, max_us; /* per-request round trip */
};

/* Runs `clients` threads against `socket_path` for `seconds`, each sending
 * the request line `request` (with its '\n'). Returns 0, or a negative errno
 * when no client could connect. */
int mt_load_run(const char *socket_path, const char *request, unsigned clients,
                double seconds, struct mt_load_result *ret);

/* Percentile p (0..100) of n sorted samples. */
double mt_load_percentile(const double *sorted, size_t n, double p);
