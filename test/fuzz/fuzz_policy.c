/* The policy parser from a memory buffer: any bytes must yield a policy or
 * an error with a formatted message, never a crash or a leak.
 *
 * Random bytes rarely form JSON, so the input is used twice: as raw text,
 * and as a recipe for a structured document (known and unknown keys with
 * values of every type) that reaches the semantic checks and the error
 * locator. Whatever parses also goes through the set rules and matching. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fallback[] = "{\"precedence\": 0, \"match\": {}, \"priority\": 1, \"response\": \"kill\"}";

struct recipe {
	const uint8_t *p;
	size_t n;
};

static unsigned take(struct recipe *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static const char *const strings[] = {
	"", "*", "**", "kube-system", "web-*", "[a-", "system.slice/**", "/abs", "a/../b", "Guaranteed",
	"BestEffort", "Burstable", "kill", "throttle", "observe", "throttle-then-kill", "50%", "100%", "101%",
	"0%", "2Gi", "1.5G", "512Mi", "oom_kill", "oom", "max", "x\\", "***", "a//b", "\xc3\xa9",
};

static const char *const keys[] = {
	"description", "precedence", "match", "protected", "priority", "response", "throttle", "kill",
	"pressure", "escalate", "horizon_s", "cgroup", "namespace", "pod", "container", "qos", "floor", "step",
	"interval_ms", "release_after_s", "release_psi_some", "push_limit_s", "grace_ms", "some", "full", "window_ms",
	"sustain_s", "counter", "count", "window_s", "bogus",
};

static json_t *value(struct recipe *r, int depth);

static json_t *object(struct recipe *r, int depth)
{
	json_t *o = json_object();
	unsigned n = take(r) % 8;
	for (unsigned i = 0; i < n; i++)
		json_object_set_new(o, keys[take(r) % (sizeof(keys) / sizeof(keys[0]))], value(r, depth + 1));
	return o;
}

static json_t *value(struct recipe *r, int depth)
{
	static const json_int_t ints[] = { 0, 1, -1, 5, 100, 500, 1000, 1001, 10000, 10001, 60001, 86401, 1LL << 40 };
	switch (take(r) % 8) {
	case 0: return json_integer(ints[take(r) % (sizeof(ints) / sizeof(ints[0]))]);
	case 1: return json_integer((json_int_t)take(r) * 16);
	case 2: return json_string(strings[take(r) % (sizeof(strings) / sizeof(strings[0]))]);
	case 3: return json_boolean(take(r) & 1);
	case 4: return json_real((double)take(r) / 2.0);
	case 5: return depth < 3 ? object(r, depth) : json_null();
	case 6: return json_array();
	default: return json_null();
	}
}

static void check(const char *text, size_t len)
{
	struct mt_policy_source srcs[2] = {
		{ "f.json", "f", text, len },
		{ "z.json", "z", fallback, sizeof(fallback) - 1 },
	};
	struct mt_json_error err;
	struct mt_policy p;
	struct mt_policy_set *set = NULL;
	char msg[2048];

	if (mt_policy_parse(&srcs[0], &p, &err) < 0) {
		mt_json_error_format(&err, msg, sizeof(msg));
		return;
	}
	mt_policy_clear(&p);
	if (mt_policy_set_from_sources("dir", srcs, 2, &set, &err) < 0) {
		mt_json_error_format(&err, msg, sizeof(msg));
		return;
	}
	static const char cg[] = "kubepods/burstable/pod0f6c2a6e/c842e7e9efb61e3cc052505d39c50d0e0ae82d6b04405ac03322df3549cdf6e0";
	struct mt_k8s_identity id;
	const struct mt_policy *m;
	mt_k8s_identify(NULL, cg, &id);
	id.named = true;
	strcpy(id.k8s_namespace, "web");
	strcpy(id.pod, "web-1");
	strcpy(id.container, "app");
	if (mt_policy_set_match(set, cg, &id, "system.slice/mt.service", &m) < 0)
		abort(); /* the set has a catch-all */
	if (mt_policy_set_match(set, "system.slice/a.service", NULL, NULL, &m) < 0)
		abort();
	mt_policy_set_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size);

	struct recipe r = { data, size };
	json_t *doc = object(&r, 0);
	/* Indented, so errors land on varied lines and columns. */
	char *text = json_dumps(doc, JSON_INDENT(take(&r) % 3));
	json_decref(doc);
	if (text) {
		check(text, strlen(text));
		free(text);
	}
	return 0;
}
