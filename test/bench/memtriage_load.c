/* memtriage-load: hammer a running daemon's status socket, for measuring
 * what clients cost the daemon (run the daemon's own latency benchmark
 * beside it). Not installed.
 *
 * usage: memtriage-load [--socket PATH] [--clients N] [--seconds S] [--cmd CMD]
 * defaults: $MEMTRIAGE_SOCKET or /run/memtriage/memtriage.sock, 4 clients,
 * 10 s, status. Prints one line:
 *   clients=4 cmd=status seconds=10.0 replies=N errors=N qps=N p50_us=N p99_us=N max_us=N */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "clients", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 't' },
		{ "cmd", required_argument, NULL, 'x' },
		{ 0 },
	};
	const char *path = getenv("MEMTRIAGE_SOCKET");
	const char *cmd = "status";
	unsigned clients = 4;
	double seconds = 10;
	int c;

	if (!path || !*path)
		path = "/run/memtriage/memtriage.sock";
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': path = optarg; break;
		case 'c': clients = (unsigned)strtoul(optarg, NULL, 10); break;
		case 't': seconds = strtod(optarg, NULL); break;
		case 'x': cmd = optarg; break;
		default:
			fprintf(stderr, "usage: memtriage-load [--socket PATH] [--clients N] [--seconds S] [--cmd CMD]\n");
			return 2;
		}
	}
	if (clients < 1 || clients > 1024 || !(seconds > 0) || strpbrk(cmd, "\"\\\n")) {
		fprintf(stderr, "memtriage-load: --clients 1..1024, --seconds > 0, a plain --cmd\n");
		return 2;
	}
	char req[128];
	snprintf(req, sizeof(req), "{\"v\":1,\"cmd\":\"%s\"}\n", cmd);
	struct mt_load_result r;
	int e = mt_load_run(path, req, clients, seconds, &r);
	if (e < 0) {
		fprintf(stderr, "memtriage-load: cannot connect to %s: %s\n", path, strerror(-e));
		return 3;
	}
	printf("clients=%u cmd=%s seconds=%.1f replies=%llu errors=%llu qps=%.0f p50_us=%.0f p99_us=%.0f max_us=%.0f\n",
	       clients, cmd, r.seconds, (unsigned long long)r.replies, (unsigned long long)r.errors, r.qps,
	       r.p50_us, r.p99_us, r.max_us);
	return r.errors && !r.replies ? 1 : 0;
}
