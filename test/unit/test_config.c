#include <errno.h>
#include <string.h>

#include "check.h"
#include "config.h"

static void bad(const char *text, const char *want)
{
	struct mt_config c;
	struct mt_json_error err;
	char msg[1024] = "";
	CHECK_INT(mt_config_parse(text, strlen(text), "memtriage.json", &c, &err), -EINVAL);
	mt_json_error_format(&err, msg, sizeof(msg));
	CHECK_STR(msg, want);
}

int main(void)
{
	struct mt_config c;
	struct mt_json_error err;

	CHECK_INT(mt_config_parse("{}", 2, "c.json", &c, &err), 0);
	CHECK_STR(c.supervised_root, "/sys/fs/cgroup");
	CHECK_STR(c.socket_path, "/run/memtriage/memtriage.sock");
	CHECK_STR(c.logs_dir, "/var/log/containers");
	CHECK(c.policy_dir == NULL && c.metrics_dir == NULL && !c.dry_run);
	CHECK(c.socket_group == NULL);
	CHECK(c.reserve.percent && c.reserve.basis_points == 500);
	CHECK_INT(c.oom_score_adj, -999);
	CHECK_U64(c.fault_rate, UINT64_C(2) << 30);
	CHECK_INT(c.idle_budget_ppm, 1500);
	mt_config_clear(&c);

	const char *full = "{\"supervised_root\": \"/sys/fs/cgroup/kubepods.slice\", \"reserve\": \"512Mi\",\n"
			   " \"socket\": \"/run/mt.sock\", \"socket_group\": \"memtriage-ro\", \"policy_dir\": \"/etc/memtriage/policies\",\n"
			   " \"logs_dir\": null, \"metrics_dir\": \"/var/lib/node_exporter\", \"dry_run\": true,\n"
			   " \"oom_score_adj\": -1000}";
	CHECK_INT(mt_config_parse(full, strlen(full), "c.json", &c, &err), 0);
	CHECK_STR(c.supervised_root, "/sys/fs/cgroup/kubepods.slice");
	CHECK(!c.reserve.percent && c.reserve.bytes == 512ULL << 20);
	CHECK_STR(c.socket_path, "/run/mt.sock");
	CHECK_STR(c.socket_group, "memtriage-ro");
	CHECK_STR(c.policy_dir, "/etc/memtriage/policies");
	CHECK(c.logs_dir == NULL);
	CHECK_STR(c.metrics_dir, "/var/lib/node_exporter");
	CHECK(c.dry_run);
	CHECK_INT(c.oom_score_adj, -1000);
	mt_config_clear(&c);

	bad("{\"reserve\": \"5 %\"}",
	    "memtriage.json:1:13: $.reserve: \"5 %\" is not a size (bytes, \"512Mi\", \"2G\") or a percentage (\"25%\")");
	bad("{\"socket\": \"run/x.sock\"}",
	    "memtriage.json:1:12: $.socket: \"run/x.sock\" is not an absolute path without \".\" or \"..\"");
	bad("{\"supervised_root\": \"/sys/fs/cgroup/../../etc\"}",
	    "memtriage.json:1:21: $.supervised_root: \"/sys/fs/cgroup/../../etc\" is not an absolute path without "
	    "\".\" or \"..\"");
	bad("{\"supervised_root\": null}",
	    "memtriage.json:1:21: $.supervised_root: expected an absolute path, got null");
	bad("{\"socket\": \"/run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}",
	    "memtriage.json:1:12: $.socket: longer than 107 bytes");
	bad("{\"oom_score_adj\": -1001}", "memtriage.json:1:19: $.oom_score_adj: -1001 is out of range -1000..1000");
	bad("{\"dry_run\": 1}", "memtriage.json:1:13: $.dry_run: expected a boolean, got an integer");
	bad("{\"horizon_s\": 60}", "memtriage.json:1:15: $.horizon_s: no longer a setting: a hold is due when "
	    "commit nears the bound, not on projected exhaustion; remove it (doc/daemon.md)");
	bad("{\"fault_rate\": \"512Ki\"}", "memtriage.json:1:16: $.fault_rate: 524288 bytes/s is out of range 1Mi..1Ti");
	bad("{\"fault_rate\": \"10%\"}", "memtriage.json:1:16: $.fault_rate: \"10%\" is not a size (bytes, \"512Mi\", \"2G\")");
	CHECK_INT(mt_config_parse("{\"fault_rate\": \"500Mi\"}", 23, "c.json", &c, &err), 0);
	CHECK_U64(c.fault_rate, UINT64_C(500) << 20);
	mt_config_clear(&c);
	bad("{\"idle_budget_ppm\": 99}", "memtriage.json:1:21: $.idle_budget_ppm: 99 is out of range 100..100000");
	bad("{\"idle_budget_ppm\": 100001}",
	    "memtriage.json:1:21: $.idle_budget_ppm: 100001 is out of range 100..100000");
	bad("{\"idle_budget_ppm\": \"2000\"}",
	    "memtriage.json:1:21: $.idle_budget_ppm: expected an integer, got a string");
	CHECK_INT(mt_config_parse("{\"idle_budget_ppm\": 4000}", 25, "c.json", &c, &err), 0);
	CHECK_INT(c.idle_budget_ppm, 4000);
	mt_config_clear(&c);
	bad("{\"dryrun\": true}", "memtriage.json:1:2: $.dryrun: unknown key \"dryrun\"");
	bad("{\"policy_dir\": 5}", "memtriage.json:1:16: $.policy_dir: expected a string, got an integer");
	bad("{\"socket_group\": \"\"}",
	    "memtriage.json:1:18: $.socket_group: \"\" is not a group name (1..32 of A-Z a-z 0-9 _ - ., not all digits)");
	bad("{\"socket_group\": \"1000\"}",
	    "memtriage.json:1:18: $.socket_group: \"1000\" is not a group name (1..32 of A-Z a-z 0-9 _ - ., not all "
	    "digits)");
	bad("{\"socket_group\": \"adm:x\"}",
	    "memtriage.json:1:18: $.socket_group: \"adm:x\" is not a group name (1..32 of A-Z a-z 0-9 _ - ., not all "
	    "digits)");
	bad("{\"socket_group\": 0}", "memtriage.json:1:18: $.socket_group: expected a string, got an integer");
	CHECK_INT(mt_config_parse("{\"socket_group\": null}", 22, "c.json", &c, &err), 0);
	CHECK(c.socket_group == NULL);
	mt_config_clear(&c);
	bad("[]", "memtriage.json:1:1: $: expected an object at the top level");
	CHECK_INT(mt_config_load("/nonexistent-mt.json", &c, &err), -ENOENT);
	CHECK_STR(err.message, "cannot open: No such file or directory");
	return mt_check_status();
}
