#include "owncg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_procs.h"
#include "cgroup_walk.h"
#include "cleanup.h"
#include "fileio.h"
#include "k8s.h"

/* Copies the space-delimited field at *p, undoing mountinfo's octal
 * escapes (\040 space, \011 tab, \012 newline, \134 backslash). */
static int field(const char **p, const char *end, char *out, size_t size)
{
	const char *s = *p;
	while (s < end && *s == ' ')
		s++;
	if (s == end)
		return -EINVAL;
	size_t n = 0;
	while (s < end && *s != ' ') {
		char c = *s++;
		if (c == '\\' && end - s >= 3 && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' &&
		    s[2] >= '0' && s[2] <= '7') {
			c = (char)((s[0] - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0'));
			s += 3;
		}
		if (c == '\0')
			return -EINVAL;
		if (n + 1 >= size)
			return -ENAMETOOLONG;
		out[n++] = c;
	}
	out[n] = '\0';
	*p = s;
	return 0;
}

int mt_owncg_mount_root(const char *mountinfo, size_t len, const char *mount_point, char *ret_root, size_t size)
{
	const char *p = mountinfo, *end = mountinfo + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		/* id parent major:minor root mount-point options [optional...] - fstype source super */
		char id[32], parent[32], dev[32], root[4096], mnt[4096];
		const char *q = p;
		p = eol + 1;
		if (field(&q, eol, id, sizeof id) < 0 || field(&q, eol, parent, sizeof parent) < 0 ||
		    field(&q, eol, dev, sizeof dev) < 0 || field(&q, eol, root, sizeof root) < 0 ||
		    field(&q, eol, mnt, sizeof mnt) < 0)
			continue; /* not a line of ours to judge */
		if (strcmp(mnt, mount_point) != 0)
			continue;
		const char *sep = NULL;
		for (const char *s = q; s + 2 < eol; s++)
			if (s[0] == ' ' && s[1] == '-' && s[2] == ' ') {
				sep = s + 3;
				break;
			}
		char fstype[64];
		if (!sep)
			return -EINVAL;
		if (field(&sep, eol, fstype, sizeof fstype) < 0)
			return -EINVAL;
		if (strcmp(fstype, "cgroup2") != 0)
			continue;
		if (root[0] != '/')
			return -EINVAL;
		if (strlen(root) >= size)
			return -ENAMETOOLONG;
		strcpy(ret_root, root);
		return 0;
	}
	return -ENOENT;
}

/* Splits an absolute path into components in comps (pointers into buf). */
static int split(char *buf, char **comps, size_t max, size_t *ret_n)
{
	size_t n = 0;
	for (char *s = strtok(buf, "/"); s; s = strtok(NULL, "/")) {
		if (n == max)
			return -ENAMETOOLONG;
		comps[n++] = s;
	}
	*ret_n = n;
	return 0;
}

int mt_owncg_relate(const char *mount_root, const char *self_path, unsigned *ret_ups, char *ret_rel, size_t size)
{
	if (mount_root[0] != '/' || self_path[0] != '/')
		return -EINVAL;
	char mb[4096], sb[4096];
	if (strlen(mount_root) >= sizeof mb || strlen(self_path) >= sizeof sb)
		return -ENAMETOOLONG;
	strcpy(mb, mount_root);
	strcpy(sb, self_path);
	char *m[256], *s[256];
	size_t nm, ns;
	int r;
	if ((r = split(mb, m, 256, &nm)) < 0 || (r = split(sb, s, 256, &ns)) < 0)
		return r;
	/* the mount root: ".." components first, then names */
	size_t ups = 0;
	while (ups < nm && strcmp(m[ups], "..") == 0)
		ups++;
	for (size_t i = ups; i < nm; i++)
		if (strcmp(m[i], "..") == 0 || strcmp(m[i], ".") == 0)
			return -EINVAL;
	for (size_t i = 0; i < ns; i++)
		if (strcmp(s[i], "..") == 0 || strcmp(s[i], ".") == 0)
			return -EINVAL;
	size_t down = nm - ups;
	/* a mount root beside or below the namespace root: our path must lie
	 * under its names */
	if (ups > 0 && down > 0)
		return -EXDEV;
	if (down > ns)
		return -EXDEV;
	for (size_t i = 0; i < down; i++)
		if (strcmp(m[ups + i], s[i]) != 0)
			return -EXDEV;
	size_t len = 0;
	ret_rel[0] = '\0';
	for (size_t i = down; i < ns; i++) {
		int n = snprintf(ret_rel + len, size - len, "%s%s", len ? "/" : "", s[i]);
		if (n < 0 || (size_t)n >= size - len)
			return -ENAMETOOLONG;
		len += (size_t)n;
	}
	*ret_ups = (unsigned)ups;
	return 0;
}

struct find {
	unsigned ups;
	const char *rel;
	pid_t pid;
	const char *pod_uid;
	char *ret;
	size_t size;
	bool by_pid;
};

static bool lists_pid(int dir_fd, const char *rel, pid_t pid)
{
	_cleanup_close_ int fd = rel[0] ? mt_dir_open(dir_fd, rel) : -1;
	struct mt_pids pids = MT_PIDS_INIT;
	if (mt_procs_read_at(rel[0] ? fd : dir_fd, "cgroup.procs", &pids) < 0)
		return false;
	bool found = false;
	for (size_t i = 0; i < pids.n && !found; i++)
		found = pids.pids[i] == pid;
	mt_pids_done(&pids);
	return found;
}

static int set_ret(struct find *f, const char *a, const char *b)
{
	int n = snprintf(f->ret, f->size, "%s%s%s", a, a[0] && b[0] ? "/" : "", b);
	return n < 0 || (size_t)n >= f->size ? -ENAMETOOLONG : 1;
}

static int find_visit(int dir_fd, const char *relpath, unsigned depth, void *userdata)
{
	struct find *f = userdata;
	if (f->by_pid) {
		if (depth < f->ups)
			return 0;
		/* depth == ups: is it our namespace root? (never deeper) */
		if (!lists_pid(dir_fd, f->rel, f->pid))
			return 1;
		return set_ret(f, relpath, f->rel) < 0 ? -ENAMETOOLONG : 2;
	}
	struct mt_k8s_path kp;
	mt_k8s_path_parse(relpath, &kp);
	if (kp.kind == MT_K8S_POD && strcmp(kp.pod_uid, f->pod_uid) == 0)
		return set_ret(f, relpath, "") < 0 ? -ENAMETOOLONG : 2;
	return kp.kind == MT_K8S_POD ? 1 : 0; /* nothing of that pod below another pod */
}

/* mt_cgroup_walk stops on a negative return only, so "found" travels as
 * -EEXIST through it. */
static int find_visit_wrap(int dir_fd, const char *relpath, unsigned depth, void *userdata)
{
	int r = find_visit(dir_fd, relpath, depth, userdata);
	return r == 2 ? -EEXIST : r;
}

int mt_owncg_find(int mount_fd, unsigned ups, const char *rel, pid_t pid, const char *pod_uid, char *ret, size_t size)
{
	struct find f = { .ups = ups, .rel = rel, .pid = pid, .pod_uid = pod_uid, .ret = ret, .size = size };
	if (ups == 0) {
		int n = snprintf(ret, size, "%s", rel);
		return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
	}
	f.by_pid = true;
	int r = mt_cgroup_walk(mount_fd, ups, find_visit_wrap, &f);
	if (r == -EEXIST)
		return 0;
	if (r < 0 && r != -ELOOP)
		return r;
	if (!pod_uid || !pod_uid[0])
		return -ENOENT;
	f.by_pid = false;
	r = mt_cgroup_walk(mount_fd, MT_CGROUP_WALK_DEPTH_DEFAULT, find_visit_wrap, &f);
	if (r == -EEXIST)
		return 0;
	return r < 0 && r != -ELOOP ? r : -ENOENT;
}
