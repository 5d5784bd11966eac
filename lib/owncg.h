/* memtriaged's own cgroup, found even inside a private cgroup namespace.
 *
 * /proc/self/cgroup ("0::P") names the cgroup relative to the reader's
 * cgroup namespace root, so in a private namespace (a container on a cgroup
 * v2 node) it reads "0::/". The cgroup2 mount's root field in
 * /proc/self/mountinfo is relative to the same namespace root: a host
 * tree bind-mounted into the container shows "/.." once per level the
 * namespace root sits below the mount's root. Together they give the depth
 * below the mount (but not the names) of the namespace root; the names are
 * found by looking, at that depth, for the cgroup whose cgroup.procs lists
 * our pid (cgroup.procs shows pids as the reader's pid namespace sees
 * them). When that finds nothing, the pod UID from the downward API
 * (MEMTRIAGE_POD_UID) names the pod's cgroup: the whole pod counts as
 * memtriage's own. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* The root field (unescaped: "\040" is a space) of the cgroup2 mount at
 * mount_point in mountinfo text. -ENOENT when there is none, -EINVAL when
 * a line of that mount is malformed, -ENAMETOOLONG when it does not fit. */
int mt_owncg_mount_root(const char *mountinfo, size_t len, const char *mount_point, char *ret_root, size_t size);

/* Relates the mount's root field and /proc/self/cgroup's path (both
 * absolute, relative to the namespace root): *ret_ups levels of unknown
 * names below the mount's root, then ret_rel (relative, "" for none).
 * -EXDEV when our cgroup is not below the mount's root; -EINVAL for a
 * path that is not absolute or holds "." / ".." where it may not. */
int mt_owncg_relate(const char *mount_root, const char *self_path, unsigned *ret_ups, char *ret_rel, size_t size);

/* Our cgroup below mount_fd (the cgroup2 mount), into ret (relative, ""
 * for the mount's root): with ups == 0 it is rel; otherwise the directory
 * X at depth ups whose X/rel/cgroup.procs lists pid. Failing that, with
 * pod_uid non-empty, the pod cgroup (lib/k8s.h) of that UID. -ENOENT when
 * neither finds it. */
int mt_owncg_find(int mount_fd, unsigned ups, const char *rel, pid_t pid, const char *pod_uid, char *ret, size_t size);
