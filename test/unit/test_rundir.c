/* mt_rundir_ensure on a fresh temporary tree: what it creates (modes exact
 * under a hostile umask, owner ours), what it accepts, what it refuses. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "rundir.h"

static char base[1024];

static const char *at(const char *rel)
{
	static char buf[2][4096];
	static int i;
	i ^= 1;
	snprintf(buf[i], sizeof buf[i], "%s/%s", base, rel);
	return buf[i];
}

static mode_t mode_of(const char *rel)
{
	struct stat st;
	if (lstat(at(rel), &st) < 0)
		return (mode_t)-1;
	return st.st_mode & 07777;
}

static uid_t uid_of(const char *rel)
{
	struct stat st;
	return lstat(at(rel), &st) < 0 ? (uid_t)-1 : st.st_uid;
}

int main(void)
{
	char tmpl[] = "/tmp/mt-rundir-XXXXXX";
	char *t = mkdtemp(tmpl);
	CHECK(t != NULL);
	if (!t)
		return mt_check_status();
	/* The fixture's own base must pass the ancestor check. */
	char *real = realpath(t, NULL);
	snprintf(base, sizeof base, "%s", real);
	free(real);
	umask(0077); /* what mkdir alone would apply: 0700 everywhere */

	/* A fresh tree, as on a node at boot: /run/memtriage/metrics. */
	int fd = -1;
	CHECK_INT(mt_rundir_ensure(at("run/memtriage/metrics"), 0755, 0, &fd), 0);
	CHECK(fd >= 0);
	CHECK_INT(mode_of("run"), 0755);
	CHECK_INT(mode_of("run/memtriage"), 0755);
	CHECK_INT(mode_of("run/memtriage/metrics"), 0755);
	CHECK_INT(uid_of("run/memtriage/metrics"), geteuid());
	/* The fd is the directory: a file made through it lands there. */
	int f = openat(fd, "probe", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	CHECK(f >= 0);
	close(f);
	CHECK(access(at("run/memtriage/metrics/probe"), F_OK) == 0);
	unlink(at("run/memtriage/metrics/probe"));
	close(fd);

	/* The leaf's mode is the caller's, exactly. */
	CHECK_INT(mt_rundir_ensure(at("run/private"), 0700, 0, NULL), 0);
	CHECK_INT(mode_of("run/private"), 0700);
	/* Again: idempotent; an existing directory keeps its mode. */
	CHECK_INT(mt_rundir_ensure(at("run/memtriage/metrics"), 0755, 0, NULL), 0);
	CHECK_INT(chmod(at("run/memtriage/metrics"), 0750), 0);
	CHECK_INT(mt_rundir_ensure(at("run/memtriage/metrics/"), 0755, 0, NULL), 0);
	CHECK_INT(mode_of("run/memtriage/metrics"), 0750);

	/* Writable by others: someone could plant the metrics temp file as a
	 * symlink. Refused as the last directory, sticky or not. */
	CHECK_INT(chmod(at("run/memtriage/metrics"), 0775), 0);
	CHECK_INT(mt_rundir_ensure(at("run/memtriage/metrics"), 0755, 0, NULL), -EPERM);
	CHECK_INT(chmod(at("run/memtriage/metrics"), 01777), 0);
	CHECK_INT(mt_rundir_ensure(at("run/memtriage/metrics"), 0755, 0, NULL), -EPERM);
	/* A socket's directory may be sticky (the guest's /run is 1777), not
	 * merely world-writable. */
	CHECK_INT(mt_rundir_ensure(at("run/memtriage/metrics"), 0755, MT_RUNDIR_STICKY_OK, NULL), 0);
	CHECK_INT(chmod(at("run/memtriage/metrics"), 0777), 0);
	CHECK_INT(mt_rundir_ensure(at("run/memtriage/metrics"), 0755, MT_RUNDIR_STICKY_OK, NULL), -EPERM);
	CHECK_INT(mt_rundir_ensure(at("run/memtriage/metrics"), 0755, 2, NULL), -EINVAL);
	/* ... and as an ancestor unless sticky (/tmp's case). */
	CHECK_INT(chmod(at("run/memtriage/metrics"), 0755), 0);
	CHECK_INT(chmod(at("run/memtriage"), 0757), 0);
	CHECK_INT(mt_rundir_ensure(at("run/memtriage/metrics"), 0755, 0, NULL), -EPERM);
	CHECK_INT(mt_rundir_ensure(at("run/memtriage/new"), 0755, 0, NULL), -EPERM);
	CHECK(access(at("run/memtriage/new"), F_OK) < 0); /* nothing made below it */
	CHECK_INT(chmod(at("run/memtriage"), 01777), 0);
	CHECK_INT(mt_rundir_ensure(at("run/memtriage/metrics"), 0755, 0, NULL), 0);
	CHECK_INT(chmod(at("run/memtriage"), 0755), 0);

	/* Not a directory, at the end or on the way. */
	f = open(at("run/file"), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	CHECK(f >= 0);
	close(f);
	CHECK_INT(mt_rundir_ensure(at("run/file"), 0755, 0, NULL), -ENOTDIR);
	CHECK_INT(mt_rundir_ensure(at("run/file/metrics"), 0755, 0, NULL), -ENOTDIR);

	/* A symlink as the last component is refused (it could point
	 * anywhere); as an ancestor it is followed, and its target checked. */
	CHECK_INT(symlink("memtriage", at("run/link")), 0);
	CHECK_INT(mt_rundir_ensure(at("run/link"), 0755, 0, NULL), -ELOOP);
	CHECK_INT(mt_rundir_ensure(at("run/link/metrics"), 0755, 0, NULL), 0);
	CHECK_INT(symlink("nowhere", at("run/dangling")), 0);
	CHECK_INT(mt_rundir_ensure(at("run/dangling"), 0755, 0, NULL), -ELOOP);

	/* Paths it will not interpret. */
	CHECK_INT(mt_rundir_ensure("relative/dir", 0755, 0, NULL), -EINVAL);
	CHECK_INT(mt_rundir_ensure(at("run/../run/x"), 0755, 0, NULL), -EINVAL);
	CHECK_INT(mt_rundir_ensure(at("run/./x"), 0755, 0, NULL), -EINVAL);
	CHECK_INT(mt_rundir_ensure(at("run//x"), 0755, 0, NULL), -EINVAL);
	CHECK_INT(mt_rundir_ensure("", 0755, 0, NULL), -EINVAL);
	CHECK_INT(mt_rundir_ensure(NULL, 0755, 0, NULL), -EINVAL);
	CHECK_INT(mt_rundir_ensure("/", 0755, 0, NULL), 0);

	char cmd[2200];
	snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s' && rm -rf '%s'", base, base);
	CHECK_INT(system(cmd), 0);
	return mt_check_status();
}
