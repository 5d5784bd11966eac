/* mrelease-probe: can this process call process_mrelease(2)? Run under a
 * unit's sandbox (an ExecStartPre= of memtriaged.service in the systemd
 * guest) it tells whether the unit's SystemCallFilter= allows the call.
 *
 * A child maps and touches 64 MiB and waits; the probe pins it with a pidfd,
 * SIGKILLs it through the pidfd and calls process_mrelease on it at once,
 * as memtriaged does after cgroup.kill. A seccomp filter answers EPERM
 * before the kernel looks at the target, so one EPERM is the verdict; 0 is
 * the other; ESRCH or EINVAL (the child finished exiting first: a race with
 * the kernel's own teardown) retries with a new child, up to 20 times.
 * Prints one line "mrelease-probe: process_mrelease ok (try N)" or
 * "mrelease-probe: process_mrelease failed: <strerror> (try N)"; exit 0
 * when it succeeded, 1 when not, 2 when the probe itself could not run. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYS_PIDFD_OPEN 434
#define SYS_PIDFD_SEND_SIGNAL 424
#define SYS_PROCESS_MRELEASE 448
#define CHILD_BYTES (64u << 20)
#define TRIES 20

static int try_once(int *ret_errno)
{
	int ready[2];
	if (pipe(ready) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		char *p = mmap(NULL, CHILD_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(1);
		memset(p, 1, CHILD_BYTES);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	int ok = read(ready[0], &c, 1) == 1;
	close(ready[0]);
	int fd = ok ? (int)syscall(SYS_PIDFD_OPEN, pid, 0) : -1;
	int r = -1;
	if (fd >= 0 && syscall(SYS_PIDFD_SEND_SIGNAL, fd, SIGKILL, NULL, 0) == 0) {
		r = (int)syscall(SYS_PROCESS_MRELEASE, fd, 0);
		*ret_errno = r < 0 ? errno : 0;
		r = 0;
	}
	if (fd < 0 || r < 0)
		kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (fd >= 0)
		close(fd);
	return r;
}

int main(void)
{
	for (int i = 1; i <= TRIES; i++) {
		int e = 0;
		if (try_once(&e) < 0) {
			printf("mrelease-probe: cannot set up a child: %s\n", strerror(errno));
			return 2;
		}
		if (e == 0) {
			printf("mrelease-probe: process_mrelease ok (try %d)\n", i);
			return 0;
		}
		if (e != ESRCH && e != EINVAL) {
			printf("mrelease-probe: process_mrelease failed: %s (try %d)\n", strerror(e), i);
			return 1;
		}
	}
	printf("mrelease-probe: process_mrelease raced the child's exit %d times\n", TRIES);
	return 1;
}
