#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "fileio.h"
#include "metrics.h"

static const char expected[] =
	"# HELP memtriage_build_info memtriage build, always 1; the version is in the label.\n"
	"# TYPE memtriage_build_info gauge\n"
	"memtriage_build_info{version=\"1.2.3\"} 1\n"
	"# HELP memtriage_dry_run 1 when memtriage only records what it would do.\n"
	"# TYPE memtriage_dry_run gauge\n"
	"memtriage_dry_run 1\n"
	"# HELP memtriage_kills_total Group kills of a workload, by Kubernetes identity and trigger.\n"
	"# TYPE memtriage_kills_total counter\n"
	"memtriage_kills_total{namespace=\"shop\",pod=\"web-1\",container=\"nginx\",reason=\"node-deficit\"} 2\n"
	"memtriage_kills_total{namespace=\"\",pod=\"\",container=\"a\\\"b\\\\c\\nd\",reason=\"psi\"} 0\n"
	"# HELP memtriage_throttles_total memory.high throttles of a workload, by Kubernetes identity and trigger.\n"
	"# TYPE memtriage_throttles_total counter\n"
	"memtriage_throttles_total{namespace=\"shop\",pod=\"web-1\",container=\"nginx\",reason=\"node-deficit\"} 1\n"
	"memtriage_throttles_total{namespace=\"\",pod=\"\",container=\"a\\\"b\\\\c\\nd\",reason=\"psi\"} 1\n"
	"# HELP memtriage_dry_run_kills_total Group kills a dry run decided and did not carry out, by Kubernetes identity and trigger.\n"
	"# TYPE memtriage_dry_run_kills_total counter\n"
	"memtriage_dry_run_kills_total{namespace=\"shop\",pod=\"web-1\",container=\"nginx\",reason=\"node-deficit\"} 0\n"
	"memtriage_dry_run_kills_total{namespace=\"\",pod=\"\",container=\"a\\\"b\\\\c\\nd\",reason=\"psi\"} 3\n"
	"# HELP memtriage_decisions_total Decisions taken (each may order zero or more actions).\n"
	"# TYPE memtriage_decisions_total counter\n"
	"memtriage_decisions_total 9\n"
	"# HELP memtriage_node_figure_errors_total Node readings whose figures could not be computed (no decision was taken).\n"
	"# TYPE memtriage_node_figure_errors_total counter\n"
	"memtriage_node_figure_errors_total 3\n"
	"# HELP memtriage_unwatched_cgroups Cgroups whose inotify watch could not be added (groups created below them are not seen until a retry succeeds).\n"
	"# TYPE memtriage_unwatched_cgroups gauge\n"
	"memtriage_unwatched_cgroups 2\n"
	"# HELP memtriage_actions_total Actions carried out, by kind.\n"
	"# TYPE memtriage_actions_total counter\n"
	"memtriage_actions_total{action=\"throttle\"} 4\n"
	"memtriage_actions_total{action=\"release\"} 3\n"
	"memtriage_actions_total{action=\"kill\"} 2\n"
	"# HELP memtriage_action_failures_total Actions that failed, by kind.\n"
	"# TYPE memtriage_action_failures_total counter\n"
	"memtriage_action_failures_total{action=\"throttle\"} 0\n"
	"memtriage_action_failures_total{action=\"release\"} 0\n"
	"memtriage_action_failures_total{action=\"kill\"} 1\n"
	"# HELP memtriage_node_commit_bytes Memory committed on the node (RAM and swap in use).\n"
	"# TYPE memtriage_node_commit_bytes gauge\n"
	"memtriage_node_commit_bytes 8589934592\n"
	"# HELP memtriage_node_bound_bytes Most memory memtriage lets the node commit.\n"
	"# TYPE memtriage_node_bound_bytes gauge\n"
	"memtriage_node_bound_bytes 8053063680\n"
	"# HELP memtriage_node_deficit_bytes Memory to free now to get back under the bound, by resource.\n"
	"# TYPE memtriage_node_deficit_bytes gauge\n"
	"memtriage_node_deficit_bytes{resource=\"ram\"} 536870912\n"
	"memtriage_node_deficit_bytes{resource=\"swap\"} 0\n"
	"# HELP memtriage_memory_pressure_avg10_ratio Node memory PSI avg10 as a ratio of wall time, by kind.\n"
	"# TYPE memtriage_memory_pressure_avg10_ratio gauge\n"
	"memtriage_memory_pressure_avg10_ratio{kind=\"some\"} 0.1234\n"
	"memtriage_memory_pressure_avg10_ratio{kind=\"full\"} 1.0000\n"
	"# HELP memtriage_policy_reload_success 1 when the last policy load or reload was accepted, 0 when rejected.\n"
	"# TYPE memtriage_policy_reload_success gauge\n"
	"memtriage_policy_reload_success 0\n"
	"# HELP memtriage_policy_last_reload_timestamp_seconds Unix time of the last policy load or reload attempt.\n"
	"# TYPE memtriage_policy_last_reload_timestamp_seconds gauge\n"
	"memtriage_policy_last_reload_timestamp_seconds 1764000000.250\n";

static void fill(struct mt_metrics *m)
{
	memset(m, 0, sizeof(*m));
	m->version = "1.2.3";
	m->dry_run = true;
	m->node_commit_bytes = 8589934592;
	m->node_bound_bytes = 8053063680;
	m->ram_deficit_bytes = 536870912;
	m->psi_some_avg10 = 12.34;
	m->psi_full_avg10 = 100.0;
	m->decisions = 9;
	m->node_figure_errors = 3;
	m->unwatched_cgroups = 2;
	m->actions[MT_METRICS_ACTION_THROTTLE] = 4;
	m->actions[MT_METRICS_ACTION_RELEASE] = 3;
	m->actions[MT_METRICS_ACTION_KILL] = 2;
	m->action_failures[MT_METRICS_ACTION_KILL] = 1;
	m->policy_reload_success = false;
	m->policy_last_reload_time = 1764000000.25;
	CHECK_INT(mt_metrics_count(m, MT_METRICS_EVENT_KILL, "shop", "web-1", "nginx", "node-deficit"), 0);
	CHECK_INT(mt_metrics_count(m, MT_METRICS_EVENT_THROTTLE, NULL, "", "a\"b\\c\nd", "psi"), 0);
	CHECK_INT(mt_metrics_count(m, MT_METRICS_EVENT_THROTTLE, "shop", "web-1", "nginx", "node-deficit"), 0);
	CHECK_INT(mt_metrics_count(m, MT_METRICS_EVENT_KILL, "shop", "web-1", "nginx", "node-deficit"), 0);
	for (int i = 0; i < 3; i++) /* counted apart from the kills carried out */
		CHECK_INT(mt_metrics_count(m, MT_METRICS_EVENT_DRY_RUN_KILL, "", NULL, "a\"b\\c\nd", "psi"), 0);
	CHECK_INT(m->n_series, 2);
}

static char *format(const struct mt_metrics *m, int *ret)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	*ret = mt_metrics_format(m, f);
	fclose(f);
	return text;
}

static void test_format(void)
{
	static struct mt_metrics m;
	_cleanup_free_ char *text = NULL;
	int r;

	fill(&m);
	text = format(&m, &r);
	CHECK_INT(r, 0);
	CHECK_STR(text, expected);
}

/* With zram swap: the two zram gauges follow the PSI lines, exactly; without
 * it (test_format) they are absent. A saving outside 0..1 is refused. */
static void test_format_zram(void)
{
	static struct mt_metrics m;
	_cleanup_free_ char *text = NULL, *bad1 = NULL, *bad2 = NULL;
	int r;

	fill(&m);
	m.zram = true;
	m.zram_saving_ratio = 0.98257;
	m.zram_ratio_measured = true;
	text = format(&m, &r);
	CHECK_INT(r, 0);
	CHECK(text && strstr(text,
		"memtriage_memory_pressure_avg10_ratio{kind=\"full\"} 1.0000\n"
		"# HELP memtriage_node_zram_saving_ratio RAM a byte moved into zram swap saves (1 - 1/compression ratio), as counted in the bound.\n"
		"# TYPE memtriage_node_zram_saving_ratio gauge\n"
		"memtriage_node_zram_saving_ratio 0.9826\n"
		"# HELP memtriage_node_zram_ratio_measured 1 when the zram compression ratio is measured, 0 while too little is stored (ratio assumed 2, saving 0.5).\n"
		"# TYPE memtriage_node_zram_ratio_measured gauge\n"
		"memtriage_node_zram_ratio_measured 1\n"
		"# HELP memtriage_policy_reload_success") != NULL);
	m.zram_saving_ratio = 1.01;
	bad1 = format(&m, &r);
	CHECK_INT(r, -EINVAL);
	m.zram_saving_ratio = NAN;
	bad2 = format(&m, &r);
	CHECK_INT(r, -EINVAL);
}

static void test_format_invalid(void)
{
	static struct mt_metrics m;
	double bad[] = { -0.01, 100.01, NAN, INFINITY };

	for (size_t i = 0; i < MT_ELEMENTSOF(bad); i++) {
		_cleanup_free_ char *t1 = NULL, *t2 = NULL;
		int r;

		fill(&m);
		m.psi_some_avg10 = bad[i];
		t1 = format(&m, &r);
		CHECK_INT(r, -EINVAL);
		fill(&m);
		m.psi_full_avg10 = bad[i];
		t2 = format(&m, &r);
		CHECK_INT(r, -EINVAL);
	}
	{
		_cleanup_free_ char *t1 = NULL, *t2 = NULL, *t3 = NULL;
		int r;

		fill(&m);
		m.version = NULL;
		t1 = format(&m, &r);
		CHECK_INT(r, -EINVAL);
		fill(&m);
		m.policy_last_reload_time = -1;
		t2 = format(&m, &r);
		CHECK_INT(r, -EINVAL);
		fill(&m);
		m.n_series = MT_METRICS_MAX_SERIES + 1;
		t3 = format(&m, &r);
		CHECK_INT(r, -EINVAL);
	}
}

static void test_count(void)
{
	static struct mt_metrics m;
	static char long_pod[MT_METRICS_POD_SIZE + 1];
	char name[32];

	memset(&m, 0, sizeof(m));
	CHECK_INT(mt_metrics_count(&m, MT_METRICS_EVENT_KILL, "a", "b", "c", NULL), -EINVAL);
	CHECK_INT(mt_metrics_count(&m, MT_METRICS_EVENT_KILL, "a", "b", "c", ""), -EINVAL);
	CHECK_INT(mt_metrics_count(&m, (enum mt_metrics_event)7, "a", "b", "c", "r"), -EINVAL);
	CHECK_INT(mt_metrics_count(&m, MT_METRICS_EVENT_KILL, "a", "\xc3(", "c", "r"), -EILSEQ);
	CHECK_INT(mt_metrics_count(&m, MT_METRICS_EVENT_KILL, "a", "\xed\xa0\x80", "c", "r"), -EILSEQ); /* surrogate */
	CHECK_INT(mt_metrics_count(&m, MT_METRICS_EVENT_KILL, "a", "\xc0\xaf", "c", "r"), -EILSEQ); /* overlong */
	memset(long_pod, 'p', MT_METRICS_POD_SIZE);
	CHECK_INT(mt_metrics_count(&m, MT_METRICS_EVENT_KILL, "a", long_pod, "c", "r"), -ENAMETOOLONG);
	CHECK_INT(m.n_series, 0);
	long_pod[MT_METRICS_POD_SIZE - 1] = '\0'; /* 253 bytes: the longest pod name */
	CHECK_INT(mt_metrics_count(&m, MT_METRICS_EVENT_KILL, "a", long_pod, "caf\xc3\xa9", "r"), 0);
	CHECK_INT(m.n_series, 1);

	/* Fill to the bound: the last slot holds the overflow series. */
	for (int i = 1; i < MT_METRICS_MAX_SERIES - 1; i++) {
		snprintf(name, sizeof(name), "pod-%d", i);
		CHECK_INT(mt_metrics_count(&m, MT_METRICS_EVENT_KILL, "ns", name, "c", "r"), 0);
	}
	CHECK_INT(m.n_series, MT_METRICS_MAX_SERIES - 1);
	/* An existing series is still counted in place. */
	CHECK_INT(mt_metrics_count(&m, MT_METRICS_EVENT_THROTTLE, "ns", "pod-1", "c", "r"), 0);
	CHECK_U64(m.series[1].throttles, 1);
	CHECK_INT(mt_metrics_count(&m, MT_METRICS_EVENT_KILL, "ns", "new-1", "c", "r"), 1);
	CHECK_INT(mt_metrics_count(&m, MT_METRICS_EVENT_THROTTLE, "ns", "new-2", "c", "other"), 1);
	CHECK_INT(m.n_series, MT_METRICS_MAX_SERIES);
	CHECK_STR(m.series[MT_METRICS_MAX_SERIES - 1].pod, MT_METRICS_OTHER);
	CHECK_STR(m.series[MT_METRICS_MAX_SERIES - 1].reason, MT_METRICS_OTHER);
	CHECK_U64(m.series[MT_METRICS_MAX_SERIES - 1].kills, 1);
	CHECK_U64(m.series[MT_METRICS_MAX_SERIES - 1].throttles, 1);

	CHECK(mt_metrics_action_to_string(MT_METRICS_ACTION__COUNT) == NULL);
	CHECK_STR(mt_metrics_action_to_string(MT_METRICS_ACTION_RELEASE), "release");
}

static void test_write(void)
{
	static struct mt_metrics m;
	char dir[] = "/tmp/mt-metrics-XXXXXX";
	_cleanup_close_ int dfd = -1;
	static char buf[16384];
	struct stat st;
	mode_t old_umask;

	CHECK(mkdtemp(dir) != NULL);
	dfd = mt_dir_open(AT_FDCWD, dir);
	CHECK(dfd >= 0);
	fill(&m);

	CHECK_INT(mt_metrics_write_at(&m, dfd, "memtriage.txt"), -EINVAL);
	CHECK_INT(mt_metrics_write_at(&m, dfd, ".prom"), -EINVAL);
	CHECK_INT(mt_metrics_write_at(&m, dfd, "a/b.prom"), -EINVAL);
	CHECK_INT(mt_metrics_write_at(&m, dfd, NULL), -EINVAL);

	old_umask = umask(077);
	CHECK_INT(mt_metrics_write_at(&m, dfd, "memtriage.prom"), 0);
	umask(old_umask);
	CHECK_INT(mt_read_at(dfd, "memtriage.prom", buf, sizeof(buf)), strlen(expected));
	CHECK_STR(buf, expected);
	CHECK_INT(fstatat(dfd, "memtriage.prom", &st, 0), 0);
	CHECK_INT(st.st_mode & 07777, 0644);
	CHECK_INT(faccessat(dfd, "memtriage.prom.tmp", F_OK, 0), -1);

	/* A second write replaces the file whole. */
	m.decisions = 10;
	CHECK_INT(mt_metrics_write_at(&m, dfd, "memtriage.prom"), 0);
	CHECK(mt_read_at(dfd, "memtriage.prom", buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "memtriage_decisions_total 10\n") != NULL);

	/* An invalid struct leaves the previous file in place. */
	m.version = NULL;
	CHECK_INT(mt_metrics_write_at(&m, dfd, "memtriage.prom"), -EINVAL);
	CHECK(mt_read_at(dfd, "memtriage.prom", buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "memtriage_decisions_total 10\n") != NULL);

	CHECK_INT(unlinkat(dfd, "memtriage.prom", 0), 0);
	CHECK_INT(rmdir(dir), 0);
	/* The directory is gone: the error is returned, not hidden. */
	m.version = "1";
	CHECK_INT(mt_metrics_write_at(&m, dfd, "memtriage.prom"), -ENOENT);
}

int main(void)
{
	test_format();
	test_format_invalid();
	test_format_zram();
	test_count();
	test_write();
	return mt_check_status();
}
