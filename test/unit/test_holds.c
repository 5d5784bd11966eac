/* The hold file: exact round trip, strict rejection naming the JSON path,
 * atomic writes through a directory fd, an absent file is an empty set. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "fixtures.h"
#include "holds.h"

static void test_fixture(void)
{
	_cleanup_close_ int dfd = mt_fixture_dir("holds");
	struct mt_holds h;
	char err[256] = "";
	CHECK_INT(mt_holds_read_at(dfd, "two.json", &h, err, sizeof err), 0);
	CHECK_INT(h.n, 2);
	const struct mt_hold *a = mt_holds_find(&h, "work/a"), *b = mt_holds_find(&h, "kubepods.slice/b c");
	CHECK(a && b);
	if (a && b) {
		CHECK_U64(a->saved_high, UINT64_MAX);
		CHECK_U64(a->held_high, 121634816);
		CHECK(a->swap_held);
		CHECK_U64(a->saved_swap_high, UINT64_MAX);
		CHECK_U64(a->held_swap_high, 0);
		CHECK_U64(b->saved_high, 268435456);
		CHECK(!b->swap_held);
	}
	/* formatting gives the fixture's bytes back */
	char *text = NULL;
	CHECK_INT(mt_holds_format(&h, &text), 0);
	char want[4096] = "";
	_cleanup_close_ int f = openat(dfd, "two.json", O_RDONLY);
	ssize_t n = read(f, want, sizeof want - 1);
	CHECK(n > 0);
	if (text && n > 0) {
		want[n] = 0;
		if (want[n - 1] == '\n')
			want[n - 1] = 0;
		CHECK_STR(text, want);
	}
	free(text);
	mt_holds_free(&h);
}

static void bad(const char *text, const char *want_err)
{
	struct mt_holds h;
	char err[256] = "";
	CHECK_INT(mt_holds_parse(text, strlen(text), &h, err, sizeof err), -EINVAL);
	CHECK_STR(err, want_err);
	CHECK_INT(h.n, 0);
}

#define HDR "{\"format\":\"memtriage-holds\",\"version\":1,\"holds\":["
#define OK_HOLD(p) "{\"path\":\"" p "\",\"saved_high\":\"max\",\"held_high\":5,\"saved_swap_high\":null,\"held_swap_high\":null}"

static void test_bad(void)
{
	bad("", "line 1, column 0: '[' or '{' expected near end of file");
	bad("[]", "$: expected an object");
	bad("{\"format\":\"x\",\"version\":1,\"holds\":[]}", "$.format: expected \"memtriage-holds\"");
	bad("{\"format\":\"memtriage-holds\",\"version\":2,\"holds\":[]}", "$.version: expected 1");
	bad("{\"format\":\"memtriage-holds\",\"version\":1,\"holds\":{}}", "$.holds: expected an array");
	bad("{\"format\":\"memtriage-holds\",\"version\":1,\"holds\":[],\"x\":1}", "$.x: unknown key");
	bad(HDR "1]}", "$.holds[0]: expected an object");
	bad(HDR OK_HOLD("a") "," OK_HOLD("a") "]}", "$.holds[1].path: \"a\" held twice");
	bad(HDR OK_HOLD("/a") "]}", "$.holds[0].path: expected a relative cgroup path without \"..\", \".\" or \"//\"");
	bad(HDR OK_HOLD("a/../b") "]}", "$.holds[0].path: expected a relative cgroup path without \"..\", \".\" or \"//\"");
	bad(HDR OK_HOLD("..") "]}", "$.holds[0].path: expected a relative cgroup path without \"..\", \".\" or \"//\"");
	bad(HDR OK_HOLD("a//b") "]}", "$.holds[0].path: expected a relative cgroup path without \"..\", \".\" or \"//\"");
	bad(HDR OK_HOLD("a/") "]}", "$.holds[0].path: expected a relative cgroup path without \"..\", \".\" or \"//\"");
	bad(HDR OK_HOLD("") "]}", "$.holds[0].path: expected a relative cgroup path without \"..\", \".\" or \"//\"");
	bad(HDR "{\"path\":\"a\",\"saved_high\":\"max\",\"held_high\":\"max\",\"saved_swap_high\":null,\"held_swap_high\":null}]}",
	    "$.holds[0].held_high: expected bytes");
	bad(HDR "{\"path\":\"a\",\"saved_high\":-1,\"held_high\":1,\"saved_swap_high\":null,\"held_swap_high\":null}]}",
	    "$.holds[0].saved_high: expected \"max\" or bytes");
	bad(HDR "{\"path\":\"a\",\"saved_high\":1,\"held_high\":1,\"saved_swap_high\":1,\"held_swap_high\":null}]}",
	    "$.holds[0]: saved_swap_high and held_swap_high: both null or neither");
	bad(HDR "{\"path\":\"a\",\"saved_high\":1,\"held_high\":1,\"saved_swap_high\":null}]}",
	    "$.holds[0].held_swap_high: missing");
	bad(HDR "{\"path\":\"a\",\"saved_high\":1,\"held_high\":1,\"saved_swap_high\":null,\"held_swap_high\":null,\"z\":0}]}",
	    "$.holds[0].z: unknown key");
	bad("{\"format\":\"memtriage-holds\",\"format\":\"memtriage-holds\",\"version\":1,\"holds\":[]}",
	    "line 1, column 36: duplicate object key near '\"format\"'");
}

static void test_write_read(void)
{
	char dir[] = "/tmp/mt-holds-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct mt_holds h = { 0 }, back;
	char err[256] = "";
	CHECK_INT(mt_holds_read_at(dfd, "holds.json", &back, err, sizeof err), 0); /* absent: empty */
	CHECK_INT(back.n, 0);
	struct mt_hold x = { .path = (char *)"p/q", .saved_high = 100, .held_high = 50 };
	CHECK_INT(mt_holds_set(&h, &x), 0);
	x.held_high = 40; /* replaces */
	CHECK_INT(mt_holds_set(&h, &x), 0);
	x = (struct mt_hold){ .path = (char *)"r", .saved_high = UINT64_MAX, .held_high = 7, .swap_held = true,
	                      .saved_swap_high = 9, .held_swap_high = 3 };
	CHECK_INT(mt_holds_set(&h, &x), 0);
	CHECK_INT(h.n, 2);
	/* a stale temp file (or a link planted there) is replaced, not followed */
	char stale[300];
	snprintf(stale, sizeof stale, "%s/.holds.json.tmp", dir);
	CHECK_INT(symlink("/etc/passwd", stale), 0);
	CHECK_INT(mt_holds_write_at(dfd, "holds.json", &h), 0);
	CHECK_INT(faccessat(dfd, ".holds.json.tmp", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	struct stat st;
	CHECK_INT(fstatat(dfd, "holds.json", &st, 0), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(mt_holds_read_at(dfd, "holds.json", &back, err, sizeof err), 0);
	CHECK_INT(back.n, 2);
	const struct mt_hold *p = mt_holds_find(&back, "p/q"), *r = mt_holds_find(&back, "r");
	CHECK(p && r);
	if (p && r) {
		CHECK_U64(p->held_high, 40);
		CHECK(!p->swap_held);
		CHECK(r->swap_held);
		CHECK_U64(r->held_swap_high, 3);
		CHECK_U64(r->saved_high, UINT64_MAX);
	}
	mt_holds_free(&back);
	CHECK_INT(mt_holds_remove(&h, "p/q"), 0);
	CHECK_INT(mt_holds_remove(&h, "p/q"), -ENOENT);
	CHECK_INT(mt_holds_write_at(dfd, "holds.json", &h), 0);
	CHECK_INT(mt_holds_read_at(dfd, "holds.json", &back, err, sizeof err), 0);
	CHECK_INT(back.n, 1);
	mt_holds_free(&back);
	mt_holds_free(&h);
	/* not a regular file */
	CHECK_INT(mkdirat(dfd, "d", 0700), 0);
	CHECK_INT(mt_holds_read_at(dfd, "d", &back, err, sizeof err), -EINVAL);
	CHECK_STR(err, "not a regular file");
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

int main(void)
{
	test_fixture();
	test_bad();
	test_write_read();
	return mt_check_status();
}
