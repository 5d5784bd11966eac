/* The snapshot file: the sample fixture, a round trip, and bad inputs with
 * their exact messages; the decision JSON on the sample. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cleanup.h"
#include "decision_json.h"
#include "select.h"
#include "snapshot_json.h"

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

static char *read_fixture(const char *name, size_t *ret_len)
{
	char path[4096];
	const char *dir = getenv("MT_FIXTURES");
	snprintf(path, sizeof(path), "%s/snapshots/%s", dir ? dir : "test/fixtures", name);
	FILE *f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(1);
	}
	char *buf = malloc(1 << 20);
	size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	fclose(f);
	if (!buf)
		exit(1);
	buf[n] = '\0';
	*ret_len = n;
	return buf;
}

static void test_fixture(void)
{
	size_t len;
	_cleanup_free_ char *text = read_fixture("db-and-workers.json", &len);
	struct mt_snapshot s;
	struct mt_decision d;
	char err[256] = "";

	CHECK_INT(mt_snapshot_from_json(text, len, &s, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(s.n_candidates, 6);
	CHECK_U64(s.node.ram_deficit, 256 * MiB);   /* 512 MiB over, 256 MiB swap room */
	CHECK_U64(s.node.swap_deficit, 0);
	CHECK_U64(s.node.eta_ms, MT_NEVER);
	CHECK_STR(s.candidates[0].k8s_pod, "postgres-0");
	CHECK(s.candidates[5].k8s_pod == NULL);
	CHECK_U64(s.candidates[0].mem.high, MT_UNLIMITED);
	CHECK_U64(s.candidates[1].frees_ram, 156 * MiB); /* anon 150 + kernel 8 - slab_reclaimable 2 */
	CHECK_U64(s.candidates[1].frees_swap, 20 * MiB);
	CHECK_U64(s.candidates[0].frees_ram, 8 * GiB + 1 * GiB + 64 * MiB);
	CHECK_INT(s.candidates[4].kill_inelig, MT_INELIG_PROTECTED | MT_INELIG_RESPONSE);

	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_KILL);
	CHECK_INT(d.n_chosen, 2);
	CHECK_STR(s.candidates[d.chosen[0]].k8s_pod, "worker-a");
	CHECK_STR(s.candidates[d.chosen[1]].k8s_pod, "worker-b");

	json_t *j = NULL;
	CHECK_INT(mt_decision_to_json(&s, &d, &j), 0);
	CHECK_STR(json_string_value(json_object_get(j, "action")), "kill");
	CHECK_STR(json_string_value(json_object_get(j, "method")), "exact");
	CHECK_INT(json_integer_value(json_object_get(j, "cost")), 202);
	CHECK_INT(json_integer_value(json_object_get(j, "cost_bound")), 202); /* proven */
	/* the deficit projected over the kill's completion (lib/select.h) */
	CHECK(d.growth_allowance > 0);
	CHECK_U64(d.growth_allowance, d.growth_rate * d.projected_ms / 1000);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(j, "target"), "total")),
		  256 * MiB + d.growth_allowance);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(j, "projection"), "ms")), d.projected_ms);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(j, "projection"), "growth_allowance")),
		  d.growth_allowance);
	json_t *c4 = json_array_get(json_object_get(j, "candidates"), 4);
	CHECK_STR(json_string_value(json_object_get(c4, "reason")), "ineligible");
	CHECK_STR(json_string_value(json_array_get(json_object_get(c4, "ineligible"), 0)), "protected");
	CHECK_STR(json_string_value(json_array_get(json_object_get(c4, "ineligible"), 1)), "response");
	json_decref(j);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

/* growth_known as the daemon writes it: false for a candidate not yet
 * sampled long enough, true otherwise. */
static void test_growth_known(void)
{
	size_t len;
	char err[256] = "";
	struct mt_snapshot s = { 0 };
	_cleanup_free_ char *text = read_fixture("growth-known.json", &len);
	CHECK_INT(mt_snapshot_from_json(text, len, &s, err, sizeof(err)), 0);
	CHECK(s.n_candidates > 2);
	for (size_t i = 0; i < s.n_candidates; i++)
		CHECK(s.candidates[i].growth_known == (i != 1));
	mt_snapshot_free(&s);
}

/* A snapshot written before issue 16 carries node.throttle_horizon_ms:
 * it still replays (the key is read and ignored); any other unknown key
 * is still an error. */
static void test_old_horizon_key(void)
{
	size_t len;
	char err[256] = "";
	struct mt_snapshot s = { 0 };
	_cleanup_free_ char *text = read_fixture("growth-known.json", &len);
	const char *at = strstr(text, "\"eta_ms\"");
	CHECK(at != NULL);
	if (!at)
		return;
	size_t head = (size_t)(at - text);
	for (int i = 0; i < 2; i++) {
		const char *key = i == 0 ? "\"throttle_horizon_ms\": 30000, " : "\"throttle_horizon_s\": 30, ";
		size_t klen = strlen(key);
		_cleanup_free_ char *old = malloc(len + klen + 1);
		CHECK(old != NULL);
		if (!old)
			return;
		memcpy(old, text, head);
		memcpy(old + head, key, klen);
		memcpy(old + head + klen, text + head, len - head + 1);
		int r = mt_snapshot_from_json(old, len + klen, &s, err, sizeof(err));
		CHECK_INT(r, i == 0 ? 0 : -EINVAL);
		if (i == 1)
			CHECK(strstr(err, "throttle_horizon_s") != NULL);
		mt_snapshot_free(&s);
	}
}

static void test_round_trip(void)
{
	size_t len;
	_cleanup_free_ char *text = read_fixture("db-and-workers.json", &len);
	struct mt_snapshot a, b;
	char err[256];
	json_t *ja = NULL, *jb = NULL;

	CHECK_INT(mt_snapshot_from_json(text, len, &a, err, sizeof(err)), 0);
	a.candidates[2].kill_in_flight = true;
	a.candidates[2].kill_started_ms = 86399000;
	a.candidates[3].mem.high = 123 * MiB;
	a.node.eta_ms = 45000;
	a.node.growth_rate = -5;
	CHECK(a.candidates[1].growth_known); /* absent in the fixture: known */
	a.candidates[1].growth_known = false;
	CHECK_INT(mt_snapshot_to_json(&a, &ja), 0);
	_cleanup_free_ char *out = json_dumps(ja, JSON_COMPACT);
	CHECK_INT(mt_snapshot_from_json(out, strlen(out), &b, err, sizeof(err)), 0);
	CHECK_INT(mt_snapshot_to_json(&b, &jb), 0);
	CHECK(json_equal(ja, jb));
	CHECK(memcmp(&a.node, &b.node, sizeof(a.node)) == 0);
	CHECK(b.candidates[2].kill_in_flight);
	CHECK_U64(b.candidates[2].kill_started_ms, 86399000);
	CHECK_U64(b.candidates[3].mem.high, 123 * MiB);
	CHECK_U64(b.node.eta_ms, 45000);
	CHECK_INT(b.node.growth_rate, -5);
	CHECK(!b.candidates[1].growth_known && b.candidates[0].growth_known);
	CHECK(b.node.psi_full_avg10 == 3.25);
	for (size_t i = 0; i < a.n_candidates; i++) {
		CHECK(memcmp(&a.candidates[i].mem, &b.candidates[i].mem, sizeof(a.candidates[i].mem)) == 0);
		CHECK_STR(b.candidates[i].path, a.candidates[i].path);
		CHECK_U64(b.candidates[i].cost, a.candidates[i].cost);
	}
	json_decref(ja);
	json_decref(jb);
	mt_snapshot_free(&a);
	mt_snapshot_free(&b);
}

/* Sets `value` (JSON text; NULL deletes) at the key path in the fixture,
 * parses the result and expects the message. */
static void bad(const char *const *keys, const char *value, const char *expected)
{
	size_t len;
	_cleanup_free_ char *text = read_fixture("db-and-workers.json", &len);
	json_t *root = json_loads(text, 0, NULL), *o = root;
	struct mt_snapshot s = { 0 };
	char err[256] = "";
	size_t n = 0;
	while (keys[n + 1])
		n++;
	for (size_t i = 0; i < n; i++)
		o = keys[i][0] == '#' ? json_array_get(o, (size_t)atoi(keys[i] + 1)) : json_object_get(o, keys[i]);
	if (value)
		json_object_set_new(o, keys[n], json_loads(value, JSON_DECODE_ANY, NULL));
	else
		json_object_del(o, keys[n]);
	_cleanup_free_ char *out = json_dumps(root, 0);
	json_decref(root);
	CHECK_INT(mt_snapshot_from_json(out, strlen(out), &s, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, expected);
	CHECK(s.candidates == NULL);
}

#define K(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_bad_input(void)
{
	struct mt_snapshot s = { 0 };
	char err[256];
	CHECK_INT(mt_snapshot_from_json("{", 1, &s, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "line 1 column 1: string or '}' expected near end of file");
	const char *dup = "{\"format\":\"memtriage-snapshot\",\"format\":\"x\"}";
	CHECK_INT(mt_snapshot_from_json(dup, strlen(dup), &s, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "line 1 column 39: duplicate object key near '\"format\"'");
	CHECK_INT(mt_snapshot_from_json("[]", 2, &s, err, sizeof(err)), -EINVAL);
	CHECK_STR(err, "$: expected an object");

	bad(K("extra"), "1", "$.extra: unknown key");
	bad(K("format"), "\"memtriage-snapshot2\"", "$.format: expected \"memtriage-snapshot\"");
	bad(K("version"), "2", "$.version: unsupported version (this build reads 1)");
	bad(K("node", "swap_free"), NULL, "$.node.swap_free: missing");
	bad(K("node", "swap_free"), "\"768M\"", "$.node.swap_free: expected an integer >= 0");
	bad(K("node", "mem_available"), "17179869185", "$.node.mem_available: exceeds mem_total");
	bad(K("node", "swap_reserve"), "4294967297", "$.node.swap_reserve: exceeds swap_total");
	bad(K("node", "mem_total"), "9007199254740992", "$.node.mem_total: above 2^52 bytes");
	bad(K("node", "psi_some_avg10"), "150", "$.node.psi_some_avg10: expected a number from 0 to 100");
	bad(K("node", "eta_ms"), "\"soon\"", "$.node.eta_ms: expected an integer >= 0 or null");
	bad(K("node", "growth_rate"), "1.5", "$.node.growth_rate: expected an integer");
	bad(K("candidates"), "{}", "$.candidates: expected an array");
	bad(K("candidates", "#2", "memory", "anon"), "-1", "$.candidates[2].memory.anon: expected an integer >= 0");
	bad(K("candidates", "#1", "growth_known"), "1", "$.candidates[1].growth_known: expected true or false");
	bad(K("candidates", "#0", "memory", "high"), "\"unlimited\"",
	    "$.candidates[0].memory.high: expected an integer >= 0 or \"max\"");
	bad(K("candidates", "#0", "memory", "pgfault"), "0", "$.candidates[0].memory.pgfault: unknown key");
	bad(K("candidates", "#1", "policy", "response"), "\"evict\"",
	    "$.candidates[1].policy.response: expected one of \"observe\", \"throttle\", \"kill\", \"throttle-then-kill\"");
	bad(K("candidates", "#1", "policy", "priority"), "1000001", "$.candidates[1].policy.priority: above 1000000");
	bad(K("candidates", "#1", "policy", "protected"), "1", "$.candidates[1].policy.protected: expected true or false");
	bad(K("candidates", "#1", "policy", "name"), "\"\"", "$.candidates[1].policy.name: expected a non-empty string without NUL");
	bad(K("candidates", "#3", "path"), "\"/sys/fs/cgroup/x\"",
	    "$.candidates[3].path: expected a path relative to the cgroup2 mount, without \"..\" or \"//\"");
	bad(K("candidates", "#3", "path"), "\"a/../b\"",
	    "$.candidates[3].path: expected a path relative to the cgroup2 mount, without \"..\" or \"//\"");
	bad(K("candidates", "#3", "kill"), "true", "$.candidates[3].kill: expected null or an object");
	bad(K("candidates", "#3", "kill"), "{}", "$.candidates[3].kill.started_ms: missing");
	bad(K("candidates", "#3", "kubernetes", "container"), NULL, "$.candidates[3].kubernetes.container: missing");
	bad(K("candidates", "#5", "kill"), NULL, "$.candidates[5].kill: missing");
	bad(K("candidates", "#5", "shmem_survives"), "null", "$.candidates[5].shmem_survives: expected true or false");
}

int main(void)
{
	test_fixture();
	test_round_trip();
	test_growth_known();
	test_old_horizon_key();
	test_bad_input();
	return mt_check_status();
}
