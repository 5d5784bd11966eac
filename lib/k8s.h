/* Kubernetes identity of a cgroup, without the API server.
 *
 * Two sources, both plain files on the node:
 *  - the cgroup path (mt_k8s_path_parse): QoS class, pod UID, container ID,
 *    cgroup driver and runtime, for both kubelet cgroup drivers:
 *      systemd:  <p>kubepods.slice/<p>kubepods-<qos>.slice/<p>kubepods-<qos>-pod<uid_>.slice/
 *                {cri-containerd,crio,docker}-<id>.scope[/...]
 *      cgroupfs: kubepods/<qos>/pod<uid>/[crio-]<id>[/...]
 *    where Guaranteed pods sit directly under kubepods, <p> is an optional
 *    "<x>-" prefix (a kubelet --cgroup-root such as "kubelet.slice/kubelet-"),
 *    and "/..." is a sub-cgroup inside the container (crun's "container").
 *    `crio-conmon-<id>` is CRI-O's monitor process, never a workload.
 *  - the /var/log/containers/<pod>_<namespace>_<container>-<id>.log symlinks
 *    the kubelet keeps for every container it runs (mt_k8s_names_load),
 *    which name namespace, pod and container by container ID; their target,
 *    /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log, gives the
 *    pod UID so that pod cgroups are named too.
 *
 * Pause (sandbox) containers: the kubelet writes no log symlink for them.
 * Rule: a container scope whose ID has no entry, in a pod (by UID, from the
 * symlink targets) that has at least one entry, is MT_K8S_SANDBOX. A pod
 * with no entry at all keeps its scopes MT_K8S_CONTAINER, unnamed: a missing
 * or foreign log directory must not make every container untouchable.
 * Limits: a real container in the tens of milliseconds between its creation
 * and the kubelet's symlink, in a pod that already has a named container,
 * is taken for a sandbox until the next refresh; a pod none of whose
 * containers is named yet has its pause scope treated as an unnamed
 * container (about 1 MiB; its policy applies); without a names table
 * (NULL) nothing is named and no scope is called a sandbox.
 *
 * Return contract: >= 0 success, negative errno failure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum mt_k8s_kind {
	MT_K8S_NONE,          /* not below a kubepods cgroup */
	MT_K8S_KUBEPODS,      /* kubepods itself or a QoS slice: structure, not a workload */
	MT_K8S_POD,           /* a pod's cgroup */
	MT_K8S_CONTAINER,     /* a container's scope: the unit memtriage throttles and kills */
	MT_K8S_CONTAINER_SUB, /* inside a container's scope (crun's "container"): part of it */
	MT_K8S_SANDBOX,       /* a pause container (see the rule above): never a candidate */
	MT_K8S_CONMON,        /* crio-conmon-<id>: never a candidate */
	MT_K8S_UNRECOGNIZED,  /* below a pod or QoS slice but not of any known shape */
	MT_K8S_KIND__COUNT,
};

enum mt_qos {
	MT_QOS_UNKNOWN,
	MT_QOS_GUARANTEED,
	MT_QOS_BURSTABLE,
	MT_QOS_BESTEFFORT,
	MT_QOS__COUNT,
};

enum mt_k8s_driver { MT_K8S_DRIVER_NONE, MT_K8S_DRIVER_SYSTEMD, MT_K8S_DRIVER_CGROUPFS };

enum mt_k8s_runtime {
	MT_K8S_RUNTIME_UNKNOWN, /* cgroupfs driver with a bare ID: containerd or CRI-O */
	MT_K8S_RUNTIME_CONTAINERD,
	MT_K8S_RUNTIME_CRIO,
	MT_K8S_RUNTIME_DOCKER,
};

#define MT_K8S_ID_MAX 64      /* container IDs are 64 hex digits */
#define MT_K8S_UID_MAX 64     /* pod UIDs: 36-byte UUIDs, 32-hex for static pods */
#define MT_K8S_NS_MAX 63      /* DNS label */
#define MT_K8S_POD_MAX 253    /* DNS subdomain */
#define MT_K8S_CONTAINER_MAX 63

struct mt_k8s_path {
	enum mt_k8s_kind kind;
	enum mt_k8s_driver driver;
	enum mt_qos qos;                       /* MT_QOS_UNKNOWN for MT_K8S_NONE */
	enum mt_k8s_runtime runtime;           /* container, sub and conmon kinds */
	char pod_uid[MT_K8S_UID_MAX + 1];      /* with '-' (systemd's '_' converted), "" above pods */
	char container_id[MT_K8S_ID_MAX + 1];  /* "" above containers */
	size_t container_len;                  /* bytes of the path naming the container's scope */
};

/* Parses a cgroup path relative to the supervised root ("a/b/c", no leading
 * '/'). Pure. Always returns 0 and fills *ret; shapes it cannot place are
 * MT_K8S_UNRECOGNIZED (below kubepods) or MT_K8S_NONE (elsewhere). */
int mt_k8s_path_parse(const char *relpath, struct mt_k8s_path *ret);

struct mt_k8s_name {
	char container_id[MT_K8S_ID_MAX + 1];
	char pod_uid[MT_K8S_UID_MAX + 1];      /* "" when the symlink target did not say */
	char k8s_namespace[MT_K8S_NS_MAX + 1];
	char pod[MT_K8S_POD_MAX + 1];
	char container[MT_K8S_CONTAINER_MAX + 1];
};

/* Parses one /var/log/containers file name ("<pod>_<ns>_<container>-<id>.log").
 * Pure. Returns 0, or -EINVAL if the name is not of that shape. */
int mt_k8s_logname_parse(const char *filename, struct mt_k8s_name *ret);

/* Extracts the pod UID from a symlink target ".../<ns>_<pod>_<uid>/<c>/<n>.log"
 * into ret_uid (MT_K8S_UID_MAX + 1 bytes). Pure. Returns 0 or -EINVAL. */
int mt_k8s_logtarget_uid(const char *target, char *ret_uid);

struct mt_k8s_names;

/* Reads every entry of the directory `logs_dir_fd` (/var/log/containers, or
 * a fixture) whose name parses; other entries are ignored (the directory is
 * the kubelet's, not ours). Returns the number of entries read. */
int mt_k8s_names_load(int logs_dir_fd, struct mt_k8s_names **ret);
void mt_k8s_names_free(struct mt_k8s_names *names);
const struct mt_k8s_name *mt_k8s_names_by_container(const struct mt_k8s_names *names, const char *id);
const struct mt_k8s_name *mt_k8s_names_by_pod(const struct mt_k8s_names *names, const char *uid);

struct mt_k8s_identity {
	struct mt_k8s_path path;
	bool named;                /* namespace and pod (and container for containers) known */
	char k8s_namespace[MT_K8S_NS_MAX + 1];
	char pod[MT_K8S_POD_MAX + 1];
	char container[MT_K8S_CONTAINER_MAX + 1]; /* "" for pods */
};

/* Parses relpath and joins names (which may be NULL: no names, no sandbox
 * detection). Returns 0. */
int mt_k8s_identify(const struct mt_k8s_names *names, const char *relpath, struct mt_k8s_identity *ret);

/* Whether a cgroup of this kind may ever be a candidate: every kind but
 * KUBEPODS, CONTAINER_SUB (its container is), SANDBOX, CONMON, UNRECOGNIZED. */
bool mt_k8s_kind_is_candidate(enum mt_k8s_kind kind);

/* Stable names: "Guaranteed", "Burstable", "BestEffort" (as in the pod
 * status), "" for unknown; and kind names "none", "kubepods", "pod",
 * "container", "container-sub", "sandbox", "conmon", "unrecognized". */
const char *mt_qos_to_string(enum mt_qos qos);
int mt_qos_from_string(const char *s, enum mt_qos *ret);
const char *mt_k8s_kind_to_string(enum mt_k8s_kind kind);
