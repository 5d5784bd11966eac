/* memtriage: the command-line client. */
#include <stdio.h>
#include <string.h>

#include "mt-config.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("memtriage %s\n", MT_VERSION);
		return 0;
	}
	fprintf(stderr, "usage: memtriage --version\n");
	return 2;
}
