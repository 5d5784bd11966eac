#include <errno.h>
#include <string.h>

#include "check.h"
#include "killreport.h"

static const char full_line[] =
	"memtriage: killed cgroup=/kubepods.slice/kubepods-burstable.slice/"
	"kubepods-burstable-pod0a1b_2c3d.slice/cri-containerd-abc123.scope "
	"namespace=shop pod=web-7f9c container=nginx reason=node-deficit "
	"freed_ram=536870912 freed_swap=1048576 decision=42";

static void test_full(void)
{
	struct mt_killreport r = {
		.cgroup = "/kubepods.slice/kubepods-burstable.slice/"
			  "kubepods-burstable-pod0a1b_2c3d.slice/cri-containerd-abc123.scope",
		.namespace = "shop", .pod = "web-7f9c", .container = "nginx",
		.reason = "node-deficit",
		.freed_ram = 536870912, .freed_swap = 1048576, .decision = 42,
	};
	char buf[1024];

	CHECK_INT(mt_killreport_format(&r, buf, sizeof(buf)), strlen(full_line));
	CHECK_STR(buf, full_line);

	/* Exactly fitting: size = length + 1 works, one byte less does not. */
	CHECK_INT(mt_killreport_format(&r, buf, strlen(full_line) + 1), strlen(full_line));
	CHECK_STR(buf, full_line);
	CHECK_INT(mt_killreport_format(&r, buf, strlen(full_line)), -ENOBUFS);
	CHECK_STR(buf, "");
	CHECK_INT(mt_killreport_format(&r, buf, 0), -ENOBUFS);
}

static void test_missing_and_escaped(void)
{
	struct mt_killreport r = {
		.cgroup = "/system.slice/my app\\x.service", .namespace = NULL,
		.pod = "", .container = "-", .reason = "psi\tfull\n",
		.freed_ram = 0, .freed_swap = UINT64_MAX, .decision = 0,
	};
	char buf[512];

	CHECK_INT(mt_killreport_format(&r, buf, sizeof(buf)), 172);
	CHECK_STR(buf, "memtriage: killed cgroup=/system.slice/my\\x20app\\x5cx.service "
		  "namespace=- pod=- container=\\x2d reason=psi\\x09full\\x0a "
		  "freed_ram=0 freed_swap=18446744073709551615 decision=0");

	/* Non-ASCII bytes (UTF-8 "é") and DEL are escaped byte by byte. */
	r.cgroup = "/caf\xc3\xa9\x7f";
	r.container = "c";
	r.reason = "r";
	r.freed_swap = 7;
	CHECK(mt_killreport_format(&r, buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "memtriage: killed cgroup=/caf\\xc3\\xa9\\x7f namespace=- pod=- "
		  "container=c reason=r freed_ram=0 freed_swap=7 decision=0");

	/* A dry run's line: the same fields after its own verb. */
	r.dry_run = true;
	r.freed_ram = 123;
	r.decision = 42;
	CHECK_INT(mt_killreport_format(&r, buf, sizeof(buf)), 125);
	CHECK_STR(buf, "memtriage: dry-run-kill cgroup=/caf\\xc3\\xa9\\x7f namespace=- pod=- "
		  "container=c reason=r freed_ram=123 freed_swap=7 decision=42");
}

static void test_invalid(void)
{
	struct mt_killreport r = { .cgroup = "/a", .reason = "r" };
	char buf[256];

	CHECK_INT(mt_killreport_format(NULL, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(mt_killreport_format(&r, NULL, 10), -EINVAL);
	r.cgroup = "";
	CHECK_INT(mt_killreport_format(&r, buf, sizeof(buf)), -EINVAL);
	r.cgroup = NULL;
	CHECK_INT(mt_killreport_format(&r, buf, sizeof(buf)), -EINVAL);
	r.cgroup = "/a";
	r.reason = "";
	CHECK_INT(mt_killreport_format(&r, buf, sizeof(buf)), -EINVAL);
	r.reason = NULL;
	CHECK_INT(mt_killreport_format(&r, buf, sizeof(buf)), -EINVAL);
}

static void test_bounded(void)
{
	/* A big caller buffer does not lift the kmsg bound: the longest line is
	 * MT_KILLREPORT_MAX_LEN bytes, one more is -ENOBUFS. */
	static char path[2048], buf[4096];
	struct mt_killreport r = { .cgroup = path, .reason = "r" };
	const char *rest = " namespace=- pod=- container=- reason=r freed_ram=0 freed_swap=0 decision=0";
	size_t fixed = strlen("memtriage: killed cgroup=") + strlen(rest);
	size_t n = MT_KILLREPORT_MAX_LEN - fixed;

	memset(path, 'a', n);
	path[n] = '\0';
	CHECK_INT(mt_killreport_format(&r, buf, sizeof(buf)), MT_KILLREPORT_MAX_LEN);
	CHECK_INT(strlen(buf), MT_KILLREPORT_MAX_LEN);
	path[n] = 'a';
	path[n + 1] = '\0';
	CHECK_INT(mt_killreport_format(&r, buf, sizeof(buf)), -ENOBUFS);
	CHECK_STR(buf, "");

	/* An escape that would straddle the end is not half-written. */
	path[n - 1] = ' ';
	path[n] = '\0';
	CHECK_INT(mt_killreport_format(&r, buf, sizeof(buf)), -ENOBUFS);
}

int main(void)
{
	test_full();
	test_missing_and_escaped();
	test_invalid();
	test_bounded();
	return mt_check_status();
}
