/* The daemon's own runtime directories (the socket's, the metrics'):
 * created when missing, refused when someone else could write into them.
 *
 * Neither deployment can create them for us: systemd's RuntimeDirectory=
 * makes /run/memtriage only, a hostPath volume its one directory, and the
 * metrics directory sits one level below. So the daemon makes the whole
 * path, and because it writes files there as root (the metrics temp file,
 * the socket), it checks that nobody else can place a symlink or a file
 * in its way:
 *   - every existing directory on the path is owned by root or by the
 *     effective user, and not writable by group or others -- except that
 *     an ancestor may be a sticky directory (/tmp: others cannot rename
 *     or remove what we create in it); the last directory only with
 *     MT_RUNDIR_STICKY_OK (a socket's: bind(2) makes a new inode and fails
 *     on anything there, while the metrics file is opened by name and
 *     could be someone else's, planted in a sticky directory);
 *   - an existing last component must be a directory, not a symlink;
 *     existing ancestors are followed through symlinks (/var/run -> /run)
 *     and the directory reached is what is checked;
 *   - what we create is owned by the effective uid and gid (mkdir's rule),
 *     the last directory with exactly `mode` and missing ancestors with
 *     0755, whatever the umask.
 * An existing directory keeps its mode (an operator's 0700 is a choice). */
#pragma once

#include <sys/types.h>

#define MT_RUNDIR_STICKY_OK 1u

/* Makes sure the absolute `path` is a directory as above; flags: 0 or
 * MT_RUNDIR_STICKY_OK. Returns 0, with
 * an fd of the directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) in *ret_fd when
 * ret_fd is not NULL; -EINVAL for a path that is not absolute or has an
 * empty, "." or ".." component; -ENOTDIR when a component is not a
 * directory; -ELOOP when the last one is a symlink; -EPERM when a
 * directory on the path is owned by another user or writable by group or
 * others; other negative errnos from mkdir/open/chmod. */
int mt_rundir_ensure(const char *path, mode_t mode, unsigned flags, int *ret_fd);
