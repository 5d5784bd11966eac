#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "policy.h"
#include "snapshot.h"

/* Every policy priority must be one the selection code accepts. */
_Static_assert(MT_POLICY_PRIORITY_MAX <= MT_PRIORITY_MAX, "policy priorities exceed the selection range");

static int parse(const char *text, struct mt_policy *p, char *msg, size_t size)
{
	struct mt_policy_source src = { "t.json", "t", text, strlen(text) };
	struct mt_json_error err;
	int r = mt_policy_parse(&src, p, &err);
	if (r < 0)
		mt_json_error_format(&err, msg, size);
	return r;
}

static void bad(const char *text, const char *want)
{
	struct mt_policy p;
	char msg[1024] = "";
	CHECK_INT(parse(text, &p, msg, sizeof(msg)), -EINVAL);
	CHECK_STR(msg, want);
}

static void test_parse_full(void)
{
	struct mt_policy p;
	char msg[1024] = "";
	const char *text = "{\"description\": \"db\", \"precedence\": 400,\n"
			   " \"match\": {\"cgroup\": \"kubepods.slice/**\", \"namespace\": \"prod\", \"pod\": \"pg-*\",\n"
			   "   \"container\": \"postgres\", \"qos\": \"Guaranteed\"},\n"
			   " \"priority\": 950, \"response\": \"throttle-then-kill\",\n"
			   " \"throttle\": {\"floor\": \"2Gi\", \"step\": 104857600, \"interval_ms\": 2000,\n"
			   "   \"release_after_s\": 60, \"release_psi_some\": 2.5, \"push_limit_s\": 12},\n"
			   " \"kill\": {\"grace_ms\": 5000},\n"
			   " \"pressure\": {\"some\": 20, \"full\": 5.5, \"window_ms\": 2000, \"sustain_s\": 30},\n"
			   " \"escalate\": {\"counter\": \"oom\", \"count\": 3, \"window_s\": 600}}";
	CHECK_INT(parse(text, &p, msg, sizeof(msg)), 0);
	CHECK_STR(msg, "");
	CHECK_STR(p.name, "t");
	CHECK_STR(p.file, "t.json");
	CHECK_STR(p.description, "db");
	CHECK_INT(p.precedence, 400);
	CHECK_STR(p.match.cgroup, "kubepods.slice/**");
	CHECK_STR(p.match.k8s_namespace, "prod");
	CHECK_STR(p.match.pod, "pg-*");
	CHECK_STR(p.match.container, "postgres");
	CHECK_INT(p.match.qos, MT_QOS_GUARANTEED);
	CHECK(!p.is_protected);
	CHECK_INT(p.priority, 950);
	CHECK_INT(p.response, MT_RESPONSE_THROTTLE_THEN_KILL);
	CHECK(!p.throttle.floor.percent);
	CHECK_U64(p.throttle.floor.bytes, 2ULL << 30);
	CHECK_U64(p.throttle.step.bytes, 104857600);
	CHECK_INT(p.throttle.interval_ms, 2000);
	CHECK_INT(p.throttle.release_after_s, 60);
	CHECK(p.throttle.release_psi_some == 2.5);
	CHECK_INT(p.throttle.push_limit_s, 12);
	CHECK_INT(p.kill.grace_ms, 5000);
	CHECK(p.pressure.set);
	CHECK(p.pressure.some_pct == 20 && p.pressure.full_pct == 5.5);
	CHECK_INT(p.pressure.window_ms, 2000);
	CHECK_INT(p.pressure.sustain_s, 30);
	CHECK(p.escalate.set);
	CHECK_INT(p.escalate.counter, MT_MAX_COUNTER_OOM);
	CHECK_INT(p.escalate.count, 3);
	CHECK_INT(p.escalate.window_s, 600);
	mt_policy_clear(&p);

	/* Minimal: documented defaults fill the rest. */
	CHECK_INT(parse("{\"precedence\": 0, \"match\": {}, \"priority\": 0, \"response\": \"throttle\"}", &p, msg,
			sizeof(msg)), 0);
	CHECK_STR(p.description, "");
	CHECK(p.match.cgroup == NULL && p.match.k8s_namespace == NULL && p.match.qos == MT_QOS_UNKNOWN);
	CHECK(p.throttle.floor.percent && p.throttle.floor.basis_points == 5000);
	CHECK(p.throttle.step.percent && p.throttle.step.basis_points == 1000);
	CHECK_INT(p.throttle.interval_ms, 1000);
	CHECK_INT(p.throttle.release_after_s, 30);
	CHECK(p.throttle.release_psi_some == 10);
	CHECK(!p.pressure.set && p.pressure.some_pct < 0 && p.pressure.full_pct < 0);
	CHECK(!p.escalate.set);
	CHECK_INT(p.throttle.push_limit_s, 5);
	mt_policy_clear(&p);

	CHECK_INT(parse("{\"precedence\": 1, \"match\": {\"cgroup\": \"init.scope\"}, \"protected\": true}", &p, msg,
			sizeof(msg)), 0);
	CHECK(p.is_protected);
	CHECK_INT(p.response, MT_RESPONSE_OBSERVE);
	CHECK_INT(p.priority, 0);
	mt_policy_clear(&p);
}

static void test_parse_errors(void)
{
	/* Positions: the value's first character, or the key for unknown keys. */
	bad("{\n  \"precedence\": 0,\n  \"match\": {\n    \"qos\": \"Gold\"\n  }\n}",
	    "t.json:4:12: $.match.qos: unknown QoS class \"Gold\" (expected \"Guaranteed\", \"Burstable\" or "
	    "\"BestEffort\")");
	bad("{\"precedence\": 0, \"match\": {}, \"x\\u0079\": 1}", "t.json:1:32: $.xy: unknown key \"xy\"");
	bad("{\"precedence\": 0, \"precedence\": 1}", "t.json:1:30: duplicate object key near '\"precedence\"'");
	bad("", "t.json: empty file");
	bad("{\"description\": \"\xff\"}", "t.json:1:18: not valid UTF-8 (byte offset 17)");
	bad("{\"description\": \"\xc3\xa9\", \"precedence\": \"x\"}",
	    "t.json:1:36: $.precedence: expected an integer, got a string");
	bad("{\"precedence\": 0, \"match\": {\"cgroup\": \"a/../../etc\"}}",
	    "t.json:1:39: $.match.cgroup: \"a/../../etc\" has a \".\" or \"..\" component; it must stay below the "
	    "supervised root");
	bad("{\"precedence\": 0, \"match\": {}, \"priority\": 1, \"response\": \"kill\", \"kill\": {\"grace_ms\": -1}}",
	    "t.json:1:88: $.kill.grace_ms: -1 is out of range 0..60000");
	bad("{\"precedence\": 0, \"match\": {}, \"priority\": 1, \"response\": \"kill\", \"escalate\": {\"count\": 1}}",
	    "t.json:1:79: $.escalate: missing required key \"window_s\"");
	char *huge = malloc(MT_POLICY_FILE_MAX + 2);
	memset(huge, ' ', MT_POLICY_FILE_MAX + 1);
	huge[MT_POLICY_FILE_MAX + 1] = '\0';
	struct mt_policy p;
	char msg[256];
	CHECK_INT(parse(huge, &p, msg, sizeof(msg)), -EFBIG);
	CHECK_STR(msg, "t.json: larger than 65536 bytes");
	free(huge);
}

static struct mt_policy_set *set_of(const char *const *texts, size_t n, char *msg, size_t size)
{
	struct mt_policy_source srcs[8];
	char files[8][16], names[8][16];
	struct mt_policy_set *set = NULL;
	struct mt_json_error err;
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "p%zu", i);
		snprintf(files[i], sizeof(files[i]), "p%zu.json", i);
		srcs[i] = (struct mt_policy_source){ files[i], names[i], texts[i], strlen(texts[i]) };
	}
	msg[0] = '\0';
	if (mt_policy_set_from_sources("dir", srcs, n, &set, &err) < 0)
		mt_json_error_format(&err, msg, size);
	return set;
}

static const char *match_name(const struct mt_policy_set *set, const char *relpath, const struct mt_k8s_identity *id,
			      const char *own)
{
	const struct mt_policy *p = NULL;
	if (mt_policy_set_match(set, relpath, id, own, &p) < 0)
		return "(none)";
	return p->name;
}

static void test_sets(void)
{
	char msg[1024];
	const char *overlap[] = {
		"{\"precedence\": 0, \"match\": {}, \"priority\": 1, \"response\": \"kill\"}",
		"{\"precedence\": 5,\n \"match\": {\"pod\": \"web-*\"}, \"priority\": 1, \"response\": \"kill\"}",
		"{\"precedence\": 5,\n \"match\": {\"pod\": \"*-shop\"}, \"priority\": 1, \"response\": \"kill\"}",
	};
	CHECK(set_of(overlap, 3, msg, sizeof(msg)) == NULL);
	CHECK_STR(msg, "p2.json:1:16: $.precedence: overlaps p1.json at equal precedence 5: some cgroup could match "
		       "both; give one a higher precedence or narrow a match");
	const char *no_catch_all[] = { overlap[1] };
	CHECK(set_of(no_catch_all, 1, msg, sizeof(msg)) == NULL);
	CHECK_STR(msg, "dir: no catch-all policy (one with \"match\": {}), so some cgroup would get no policy; add "
		       "one (see policies/default/default.json)");

	/* Equal precedence is fine when no cgroup can match both. */
	const char *texts[] = {
		"{\"precedence\": 0, \"match\": {}, \"priority\": 500, \"response\": \"kill\"}",
		"{\"precedence\": 5, \"match\": {\"qos\": \"BestEffort\"}, \"priority\": 100, \"response\": \"kill\"}",
		"{\"precedence\": 5, \"match\": {\"qos\": \"Burstable\"}, \"priority\": 300, \"response\": \"kill\"}",
		("{\"precedence\": 9, \"match\": {\"namespace\": \"web\", \"container\": \"side*\"}, \"priority\": 50, "
		 "\"response\": \"kill\"}"),
		/* Precedence 10: name globs and cgroup globs are judged apart, so at
		 * 9 this would count as overlapping the policy above. */
		"{\"precedence\": 10, \"match\": {\"cgroup\": \"system.slice/**\"}, \"protected\": true}",
	};
	struct mt_policy_set *set = set_of(texts, 5, msg, sizeof(msg));
	CHECK_STR(msg, "");
	CHECK(set != NULL);
	if (!set)
		return;
	CHECK_INT(mt_policy_set_size(set), 5);

#define POD "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f6c2a6e_1b2d.slice"
#define CID "c842e7e9efb61e3cc052505d39c50d0e0ae82d6b04405ac03322df3549cdf6e0"
	struct mt_k8s_identity id = { 0 };
	mt_k8s_identify(NULL, POD "/cri-containerd-" CID ".scope", &id);
	CHECK_STR(match_name(set, POD "/cri-containerd-" CID ".scope", &id, NULL), "p2");
	id.named = true;
	strcpy(id.k8s_namespace, "web");
	strcpy(id.pod, "web-1");
	strcpy(id.container, "sidecar");
	CHECK_STR(match_name(set, POD "/cri-containerd-" CID ".scope", &id, NULL), "p3");
	strcpy(id.container, "app");
	CHECK_STR(match_name(set, POD "/cri-containerd-" CID ".scope", &id, NULL), "p2");
	/* crun's sub-cgroup is judged as its container. */
	strcpy(id.container, "sidecar");
	id.path.kind = MT_K8S_CONTAINER_SUB;
	CHECK_STR(match_name(set, POD "/cri-containerd-" CID ".scope/container", &id, NULL), "p3");
	/* A container glob never matches the pod's own cgroup. */
	struct mt_k8s_identity pod = { 0 };
	mt_k8s_identify(NULL, POD, &pod);
	pod.named = true;
	strcpy(pod.k8s_namespace, "web");
	strcpy(pod.pod, "web-1");
	CHECK_STR(match_name(set, POD, &pod, NULL), "p2");
	/* Structure and non-workloads get the built-in. */
	mt_k8s_identify(NULL, "kubepods.slice", &id);
	CHECK_STR(match_name(set, "kubepods.slice", &id, NULL), "memtriage:structure");
	id.path.kind = MT_K8S_SANDBOX;
	CHECK_STR(match_name(set, POD "/cri-containerd-" CID ".scope", &id, NULL), "memtriage:structure");
	/* Host paths, the subtree glob, and memtriage's own cgroup. */
	mt_k8s_identify(NULL, "system.slice", &id);
	CHECK_STR(match_name(set, "system.slice", &id, NULL), "p4");
	CHECK_STR(match_name(set, "system.slice/sshd.service", NULL, NULL), "p4");
	CHECK_STR(match_name(set, "user.slice/a", NULL, NULL), "p0");
	CHECK_STR(match_name(set, "user.slice/a", NULL, "user.slice/a"), "memtriage:self");
	CHECK_STR(match_name(set, "user.slice", NULL, "user.slice/a"), "memtriage:self");
	CHECK_STR(match_name(set, "", NULL, "user.slice/a"), "memtriage:self");
	CHECK_STR(match_name(set, "user.slice/a/b", NULL, "user.slice/a"), "memtriage:self");
	CHECK_STR(match_name(set, "user.slice/ab", NULL, "user.slice/a"), "p0");
	CHECK_STR(match_name(set, "user.slice/x", NULL, "user.slice/a"), "p0");
	const struct mt_policy *self;
	mt_policy_set_match(set, "user.slice", NULL, "user.slice/a", &self);
	CHECK(self->is_protected);
	mt_policy_set_free(set);
}

static void test_default_matches_files(void)
{
	char dir[4096];
	struct mt_policy_set *embedded = NULL, *files = NULL;
	struct mt_json_error err;

	snprintf(dir, sizeof(dir), "%s/../../policies/default", getenv("MT_FIXTURES"));
	CHECK_INT(mt_policy_set_load_default(&embedded, &err), 0);
	CHECK_INT(mt_policy_set_load_dir(dir, &files, &err), 0);
	if (!embedded || !files)
		return;
	CHECK_INT(mt_policy_set_size(embedded), 8);
	CHECK_INT(mt_policy_set_size(files), mt_policy_set_size(embedded));
	for (size_t i = 0; i < mt_policy_set_size(files); i++)
		CHECK(mt_policy_equal(mt_policy_set_get(files, i), mt_policy_set_get(embedded, i)));
	/* The order the issue asks for: BestEffort < Burstable < Guaranteed. */
	int pr[3] = { -1, -1, -1 };
	for (size_t i = 0; i < mt_policy_set_size(embedded); i++) {
		const struct mt_policy *p = mt_policy_set_get(embedded, i);
		if (p->match.qos && !p->match.k8s_namespace)
			pr[p->match.qos - MT_QOS_GUARANTEED] = p->priority;
	}
	CHECK(pr[2] >= 0 && pr[2] < pr[1] && pr[1] < pr[0]);
	mt_policy_set_free(embedded);
	mt_policy_set_free(files);
}

static void test_load_dir(void)
{
	char dir[4096], msg[1024];
	struct mt_policy_set *set = NULL, *next = NULL;
	struct mt_json_error err;

	snprintf(dir, sizeof(dir), "%s/policies/configmap", getenv("MT_FIXTURES"));
	CHECK_INT(mt_policy_set_load_dir(dir, &set, &err), 0);
	CHECK_INT(set ? mt_policy_set_size(set) : 0, 9);

	/* Reload: a bad directory leaves the caller's set untouched. */
	CHECK_INT(mt_policy_set_load_dir("/nonexistent-mt", &next, &err), -ENOENT);
	CHECK(next == NULL);
	mt_json_error_format(&err, msg, sizeof(msg));
	CHECK_STR(msg, "/nonexistent-mt: policy directory does not exist");
	CHECK_INT(mt_policy_set_load_dir("/dev/null", &next, &err), -ENOTDIR);
	mt_json_error_format(&err, msg, sizeof(msg));
	CHECK_STR(msg, "/dev/null: not a directory");
	CHECK(set && mt_policy_set_size(set) == 9);
	mt_policy_set_free(set);

	/* An empty directory has no catch-all. */
	char tmpl[] = "/tmp/mt-policy-XXXXXX";
	CHECK(mkdtemp(tmpl) != NULL);
	CHECK_INT(mt_policy_set_load_dir(tmpl, &next, &err), -EINVAL);
	CHECK(strstr(err.message, "no catch-all policy") == err.message);
	rmdir(tmpl);
}

static void copy_file(const char *from, const char *to_dir, const char *name)
{
	char src[4096], dst[4096], buf[MT_POLICY_FILE_MAX];
	snprintf(src, sizeof(src), "%s/%s", from, name);
	snprintf(dst, sizeof(dst), "%s/%s", to_dir, name);
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	CHECK(in && out);
	if (!in || !out)
		return;
	size_t n = fread(buf, 1, sizeof(buf), in);
	CHECK_INT(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
}

/* README: "copy default/ into your directory and add files with a higher
 * precedence" -- the examples (without their own catch-all) do exactly that. */
static void test_defaults_plus_examples(void)
{
	static const char *const defaults[] = { "default.json", "host-init.json", "host-system.json",
						"host-users.json", "k8s-besteffort.json", "k8s-burstable.json",
						"k8s-guaranteed.json", "k8s-kube-system.json" };
	static const char *const examples[] = { "database.json", "web.json", "batch.json" };
	char tmpl[] = "/tmp/mt-policy-XXXXXX", from[4096], msg[1024] = "";
	struct mt_policy_set *set = NULL;
	struct mt_json_error err;

	CHECK(mkdtemp(tmpl) != NULL);
	snprintf(from, sizeof(from), "%s/../../policies/default", getenv("MT_FIXTURES"));
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		copy_file(from, tmpl, defaults[i]);
	snprintf(from, sizeof(from), "%s/../../policies/examples", getenv("MT_FIXTURES"));
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
		copy_file(from, tmpl, examples[i]);
	if (mt_policy_set_load_dir(tmpl, &set, &err) < 0)
		mt_json_error_format(&err, msg, sizeof(msg));
	CHECK_STR(msg, "");
	if (set) {
		CHECK_INT(mt_policy_set_size(set), 11);
		struct mt_k8s_identity id = { 0 };
		mt_k8s_identify(NULL, "kubepods/pod0f6c2a6e/c842e7e9efb61e3cc052505d39c50d0e0ae82d6b04405ac03322df3549cdf6e0",
				&id);
		id.named = true;
		strcpy(id.k8s_namespace, "prod");
		strcpy(id.pod, "postgres-0");
		strcpy(id.container, "postgres");
		CHECK_STR(match_name(set, "kubepods/pod0f6c2a6e/c842e7e9efb61e3cc052505d39c50d0e0ae82d6b04405ac03322df3549cdf6e0",
				     &id, NULL), "database");
		strcpy(id.container, "metrics-exporter");
		CHECK_STR(match_name(set, "kubepods/pod0f6c2a6e/c842e7e9efb61e3cc052505d39c50d0e0ae82d6b04405ac03322df3549cdf6e0",
				     &id, NULL), "k8s-guaranteed");
		strcpy(id.k8s_namespace, "kube-system");
		CHECK_STR(match_name(set, "kubepods/pod0f6c2a6e/c842e7e9efb61e3cc052505d39c50d0e0ae82d6b04405ac03322df3549cdf6e0",
				     &id, NULL), "k8s-kube-system");
		mt_policy_set_free(set);
	}
	char path[4096];
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpl, defaults[i]);
		unlink(path);
	}
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpl, examples[i]);
		unlink(path);
	}
	rmdir(tmpl);
}

int main(void)
{
	test_parse_full();
	test_parse_errors();
	test_sets();
	test_default_matches_files();
	test_load_dir();
	test_defaults_plus_examples();
	return mt_check_status();
}
