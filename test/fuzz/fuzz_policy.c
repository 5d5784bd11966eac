/* The policy parser from a memory buffer: any bytes must yield a policy or
 * an error with a formatted message, never a crash or a leak. The parsed
 * policy also goes through the set rules and matching. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fallback[] = "{\"precedence\": 0, \"match\": {}, \"priority\": 1, \"response\": \"kill\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_policy_source srcs[2] = {
		{ "f.json", "f", (const char *)data, size },
		{ "z.json", "z", fallback, sizeof(fallback) - 1 },
	};
	struct mt_json_error err;
	struct mt_policy p;
	struct mt_policy_set *set = NULL;
	char msg[2048];

	if (mt_policy_parse(&srcs[0], &p, &err) < 0) {
		mt_json_error_format(&err, msg, sizeof(msg));
		return 0;
	}
	mt_policy_clear(&p);
	if (mt_policy_set_from_sources("dir", srcs, 2, &set, &err) < 0) {
		mt_json_error_format(&err, msg, sizeof(msg));
		return 0;
	}
	struct mt_k8s_identity id;
	const struct mt_policy *m;
	mt_k8s_identify(NULL, "kubepods/burstable/pod0f6c2a6e/c842e7e9efb61e3cc052505d39c50d0e0ae82d6b04405ac03322df3549cdf6e0", &id);
	id.named = true;
	strcpy(id.k8s_namespace, "web");
	strcpy(id.pod, "web-1");
	strcpy(id.container, "app");
	mt_policy_set_match(set, "kubepods/burstable/pod0f6c2a6e/c842e7e9efb61e3cc052505d39c50d0e0ae82d6b04405ac03322df3549cdf6e0", &id, "system.slice/mt.service", &m);
	mt_policy_set_match(set, "system.slice/a.service", NULL, NULL, &m);
	mt_policy_set_free(set);
	return 0;
}
