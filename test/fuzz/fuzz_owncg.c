/* libFuzzer target: mountinfo's cgroup2 root field and its relation to a
 * /proc/self/cgroup path, from any bytes: no crash, and an accepted root is
 * absolute and relates without reading out of bounds. The input is split
 * at its first NUL: mountinfo text, then a self path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "owncg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t tlen = nul ? (size_t)(nul - text) : size;
	char root[4096], rel[4096], self[4096] = "/";
	if (nul) {
		size_t slen = size - tlen - 1;
		if (slen >= sizeof self)
			slen = sizeof self - 1;
		memcpy(self, nul + 1, slen);
		self[slen] = '\0';
		if (strlen(self) != slen)
			return 0;
	}
	unsigned ups;
	if (mt_owncg_mount_root(text, tlen, "/sys/fs/cgroup", root, sizeof root) == 0) {
		if (root[0] != '/')
			abort();
		if (mt_owncg_relate(root, "/", &ups, rel, sizeof rel) == 0 && rel[0])
			abort(); /* "/" has nothing below the namespace root */
		mt_owncg_relate(root, self, &ups, rel, sizeof rel);
	}
	mt_owncg_relate(self, self, &ups, rel, sizeof rel);
	return 0;
}
