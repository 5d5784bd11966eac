/* memtriaged: start-up checks and argument handling. */
#include <stdio.h>
#include <string.h>

#include "hostcheck.h"
#include "mt-config.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("memtriaged %s\n", MT_VERSION);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--check-host") == 0)
		return mt_hostcheck_run(stdout, stderr);
	if (argc > 1) {
		fprintf(stderr, "memtriaged: unknown argument '%s' (known: --version, --check-host)\n", argv[1]);
		return 2;
	}
	if (mt_hostcheck_run(NULL, stderr) != 0)
		return 1;
	fprintf(stderr, "memtriaged %s: the supervisor loop is not built yet (issue 6)\n", MT_VERSION);
	return 1;
}
