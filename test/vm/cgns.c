/* cgns: run a command in a new cgroup namespace rooted at the caller's
 * cgroup (busybox's unshare may lack -C), as a container runtime with a
 * private cgroup namespace does.
 *
 * usage: cgns CMD [ARG...]
 * Exit: 2 usage, 1 unshare failed (message on stderr), otherwise CMD's. */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: cgns CMD [ARG...]\n");
		return 2;
	}
	if (unshare(CLONE_NEWCGROUP) < 0) {
		fprintf(stderr, "cgns: unshare(CLONE_NEWCGROUP): %s\n", strerror(errno));
		return 1;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "cgns: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
