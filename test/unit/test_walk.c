/* lib/cgroup_walk.h on a fixture tree and on a temp tree that changes
 * during the walk. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cgroup_walk.h"
#include "check.h"
#include "fixtures.h"

struct seen {
	char paths[32][256];
	unsigned depths[32];
	int n;
	const char *skip;   /* return 1 for this path */
	const char *fail;   /* return -EIO for this path */
	int tmp_fd;         /* vanish test: remove the other top-level dirs */
};

static int record(int dir_fd, const char *relpath, unsigned depth, void *userdata)
{
	struct seen *s = userdata;
	struct stat st;

	CHECK(fstat(dir_fd, &st) == 0 && S_ISDIR(st.st_mode));
	if (s->n < 32) {
		snprintf(s->paths[s->n], sizeof(s->paths[0]), "%s", relpath);
		s->depths[s->n] = depth;
		s->n++;
	}
	if (s->fail && strcmp(relpath, s->fail) == 0)
		return -EIO;
	if (s->skip && strcmp(relpath, s->skip) == 0)
		return 1;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_fixture(void)
{
	int root = mt_fixture_dir("cgroupfs/tree");
	struct seen s = { .n = 0 };

	CHECK_INT(mt_cgroup_walk(root, MT_CGROUP_WALK_DEPTH_DEFAULT, record, &s), 6);
	CHECK_INT(s.n, 6);
	/* pre-order: every parent before its children */
	for (int i = 0; i < s.n; i++) {
		const char *slash = strrchr(s.paths[i], '/');
		unsigned slashes = 0;
		for (const char *c = s.paths[i]; *c; c++)
			slashes += *c == '/';
		CHECK_INT(s.depths[i], slashes + 1);
		if (slash) {
			int parent = -1;
			for (int j = 0; j < i; j++)
				if (strlen(s.paths[j]) == (size_t)(slash - s.paths[i]) &&
				    strncmp(s.paths[j], s.paths[i], (size_t)(slash - s.paths[i])) == 0)
					parent = j;
			CHECK(parent >= 0);
		}
	}
	qsort(s.paths, (size_t)s.n, sizeof(s.paths[0]), cmp);
	/* link-to-system (a symlink) and the cgroup.procs files are not visited */
	CHECK_STR(s.paths[0], "kubepods.slice");
	CHECK_STR(s.paths[1], "kubepods.slice/burstable.slice");
	CHECK_STR(s.paths[2], "kubepods.slice/burstable.slice/pod1.slice");
	CHECK_STR(s.paths[3], "kubepods.slice/burstable.slice/pod1.slice/ctr-a.scope");
	CHECK_STR(s.paths[4], "kubepods.slice/burstable.slice/pod1.slice/ctr-b.scope");
	CHECK_STR(s.paths[5], "system.slice");

	memset(&s, 0, sizeof(s));
	CHECK_INT(mt_cgroup_walk(root, 4, record, &s), 6);
	memset(&s, 0, sizeof(s));
	CHECK_INT(mt_cgroup_walk(root, 3, record, &s), -ELOOP);

	memset(&s, 0, sizeof(s));
	s.skip = "kubepods.slice/burstable.slice";
	CHECK_INT(mt_cgroup_walk(root, 3, record, &s), 3); /* the deep part is skipped, so no -ELOOP */

	memset(&s, 0, sizeof(s));
	s.fail = "kubepods.slice/burstable.slice/pod1.slice";
	CHECK_INT(mt_cgroup_walk(root, MT_CGROUP_WALK_DEPTH_DEFAULT, record, &s), -EIO);

	/* a subtree as root */
	int sub = mt_dir_open(root, "kubepods.slice/burstable.slice/pod1.slice");
	memset(&s, 0, sizeof(s));
	CHECK_INT(mt_cgroup_walk(sub, 1, record, &s), 2);
	close(sub);
	close(root);
}

static void rm_tree(int dir_fd, const char *name)
{
	char sub[300];

	for (int i = 0; i < 3; i++) {
		snprintf(sub, sizeof(sub), "%s/k%d", name, i);
		unlinkat(dir_fd, sub, AT_REMOVEDIR);
	}
	unlinkat(dir_fd, name, AT_REMOVEDIR);
}

static int vanish(int dir_fd, const char *relpath, unsigned depth, void *userdata)
{
	struct seen *s = userdata;
	char name[8];

	record(dir_fd, relpath, depth, userdata);
	if (s->n == 1) {
		/* the first top-level cgroup removes all its siblings (and their
		 * children) after the root's readdir has listed them */
		for (char c = 'a'; c <= 'h'; c++) {
			snprintf(name, sizeof(name), "%c", c);
			if (strcmp(name, relpath) != 0)
				rm_tree(s->tmp_fd, name);
		}
	}
	return 0;
}

static void test_vanish(void)
{
	char tmpl[] = "/tmp/mt-walk-XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct seen s = { .n = 0 };
	char name[300];
	int root;

	CHECK(dir != NULL);
	if (!dir)
		return;
	root = mt_dir_open(AT_FDCWD, dir);
	for (char c = 'a'; c <= 'h'; c++) {
		snprintf(name, sizeof(name), "%c", c);
		CHECK(mkdirat(root, name, 0755) == 0);
		for (int i = 0; i < 3; i++) {
			snprintf(name, sizeof(name), "%c/k%d", c, i);
			CHECK(mkdirat(root, name, 0755) == 0);
		}
	}
	s.tmp_fd = root;
	/* one top-level dir and its three children survive */
	CHECK_INT(mt_cgroup_walk(root, 2, vanish, &s), 4);
	CHECK_INT(s.n, 4);
	for (int i = 1; i < s.n; i++)
		CHECK(s.paths[i][0] == s.paths[0][0]);
	snprintf(name, sizeof(name), "%s", s.paths[0]);
	rm_tree(root, name);
	close(root);
	CHECK(rmdir(dir) == 0);
}

int main(void)
{
	struct seen s = { .n = 0 };

	test_fixture();
	test_vanish();
	CHECK_INT(mt_cgroup_walk(-1, 4, record, &s), -EBADF);
	return mt_check_status();
}
