/* Enumerating the cgroups below a root directory fd.
 *
 * Depth-first, pre-order (a parent before its children), entries of one
 * directory in readdir order. Only real directories are visited: symlinks
 * are never followed (O_NOFOLLOW, d_type/fstatat with AT_SYMLINK_NOFOLLOW),
 * files are skipped. A subtree that vanishes during the walk (rmdir of a
 * cgroup: ENOENT/ENODEV) is skipped, not an error.
 *
 * Why openat/fdopendir and not libcgroup's cgroup_walk_tree_begin():
 * libcgroup walks with fts(3) over path strings built from the controller
 * mount it found in cgroup_init(), so it cannot walk a fixture tree in a
 * temp dir, resolves every path again from the mount (a renamed cgroup
 * redirects it), and reports a vanished subtree as a failed walk. The fd
 * walk is relative to the caller's root fd, works on plain directories in
 * tests and skips vanished subtrees. Used by the group kill's fallback
 * (lib/act.c); the daemon does not walk whole trees: it follows inotify and
 * scans one directory at a time (cmd/memtriaged/watch.c).
 *
 * Return contract: the number of cgroups visited (the root excluded) on
 * success; the callback's negative return aborts the walk and is returned;
 * -ELOOP when a directory lies deeper than max_depth below the root (a tree
 * that deep is not a Kubernetes node layout: refuse rather than silently
 * ignore part of it); -ENAMETOOLONG when a relative path exceeds PATH_MAX;
 * other negative errno from opening or reading the root. */
#pragma once

#include <stddef.h>

/* Depth used by callers without a better bound: kubepods.slice/
 * kubepods-burstable.slice/...pod.slice/cri-containerd.scope/container is
 * 5; systemd user sessions reach ~8. */
#define MT_CGROUP_WALK_DEPTH_DEFAULT 32

/* Called once per cgroup below the root. dir_fd is an O_PATH directory fd
 * valid only during the call (dup it to keep it); relpath is relative to the
 * root ("a", "a/b"), depth 1 for the root's children.
 * Return 0 to continue into its children, 1 to skip its subtree, or a
 * negative errno to abort the walk. */
typedef int (*mt_cgroup_walk_fn)(int dir_fd, const char *relpath, unsigned depth, void *userdata);

int mt_cgroup_walk(int root_fd, unsigned max_depth, mt_cgroup_walk_fn fn, void *userdata);
