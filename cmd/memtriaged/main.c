/* memtriaged: start-up checks and argument handling. */
#include <stdio.h>
#include <string.h>

#include "mt-config.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("memtriaged %s\n", MT_VERSION);
		return 0;
	}
	fprintf(stderr, "memtriaged %s: the supervisor loop is not built yet (issue 6)\n", MT_VERSION);
	return 1;
}
