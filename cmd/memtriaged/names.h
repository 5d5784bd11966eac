/* Kubernetes names as the daemon shows them (socket, records, metrics):
 * {"namespace", "pod", "container"} with "container" absent for a pod, or
 * JSON null when the cgroup has no Kubernetes name. */
#pragma once

#include <jansson.h>

#include "daemon.h"

/* From the parts (NULL or "" ns/pod: no name; NULL or "" container: a pod).
 * Returns a new reference, never NULL unless out of memory. */
json_t *names_k8s_json(const char *ns, const char *pod, const char *container);

/* A watched cgroup's names (struct cg's resolved identity). */
json_t *names_cg_k8s(const struct cg *c);

/* A snapshot candidate's names. */
json_t *names_candidate_k8s(const struct mt_candidate *m);
