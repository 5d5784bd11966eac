/* runas: run a command as another user inside the guest (busybox has no
 * su without a password database and PAM), for the socket's access tests.
 *
 * usage: runas UID GID CMD [ARG...]
 * Drops every supplementary group, sets the real, effective and saved gid
 * and uid, checks that uid 0 cannot be regained, then execs CMD (PATH
 * search). Exit: 2 usage, 1 a system call failed (message on stderr),
 * otherwise CMD's. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_id(const char *s, unsigned long *ret)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v >= 65534)
		return -1;
	*ret = v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long uid, gid;
	if (argc < 4 || parse_id(argv[1], &uid) < 0 || parse_id(argv[2], &gid) < 0) {
		fprintf(stderr, "usage: runas UID GID CMD [ARG...] (ids 1..65533)\n");
		return 2;
	}
	if (setgroups(0, NULL) < 0 || setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) < 0 ||
	    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0) {
		fprintf(stderr, "runas: dropping to %lu:%lu: %s\n", uid, gid, strerror(errno));
		return 1;
	}
	if (setuid(0) == 0) {
		fprintf(stderr, "runas: uid 0 could be regained\n");
		return 1;
	}
	execvp(argv[3], argv + 3);
	fprintf(stderr, "runas: %s: %s\n", argv[3], strerror(errno));
	return 1;
}
