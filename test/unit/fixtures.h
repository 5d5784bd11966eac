/* Opening fixture trees from unit tests: MT_FIXTURES (set by meson) points
 * at test/fixtures. */
#pragma once

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fileio.h"

/* Returns an O_PATH directory fd for $MT_FIXTURES/rel, or exits 1 with a
 * message: a missing fixture is a broken test, never a skip. */
static inline int mt_fixture_dir(const char *rel)
{
	const char *base = getenv("MT_FIXTURES");
	char path[4096];
	int fd;

	if (!base) {
		fprintf(stderr, "MT_FIXTURES is not set (run through meson test)\n");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s", base, rel);
	fd = mt_dir_open(AT_FDCWD, path);
	if (fd < 0) {
		fprintf(stderr, "cannot open fixture dir %s: %d\n", path, fd);
		exit(1);
	}
	return fd;
}
