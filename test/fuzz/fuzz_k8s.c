/* The Kubernetes path and log-name parsers: the input is split at the
 * first NUL into a cgroup path and a log file name / symlink target. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "k8s.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	const char *second = s + strlen(s) + (strlen(s) < size ? 1 : 0);

	struct mt_k8s_identity id;
	mt_k8s_identify(NULL, s, &id);
	if (id.path.container_len > strlen(s))
		abort();
	struct mt_k8s_name n;
	if (mt_k8s_logname_parse(second, &n) == 0 && strlen(n.container_id) != MT_K8S_ID_MAX)
		abort();
	char uid[MT_K8S_UID_MAX + 1];
	mt_k8s_logtarget_uid(second, uid);
	free(s);
	return 0;
}
