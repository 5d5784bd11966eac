/* Kubernetes names in the daemon's JSON: see names.h. */
#include "names.h"

json_t *names_k8s_json(const char *ns, const char *pod, const char *container)
{
	if (!ns || !*ns || !pod || !*pod)
		return json_null();
	return json_pack("{s:s, s:s, s:s*}", "namespace", ns, "pod", pod, "container",
	                 container && *container ? container : NULL);
}

json_t *names_cg_k8s(const struct cg *c)
{
	if (!c || !c->id.named)
		return json_null();
	return names_k8s_json(c->id.k8s_namespace, c->id.pod, c->id.container);
}

json_t *names_candidate_k8s(const struct mt_candidate *m)
{
	return names_k8s_json(m->k8s_namespace, m->k8s_pod, m->k8s_container);
}
