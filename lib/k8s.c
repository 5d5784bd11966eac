#include "k8s.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"

static const char *const qos_names[MT_QOS__COUNT] = {
	[MT_QOS_UNKNOWN] = "",
	[MT_QOS_GUARANTEED] = "Guaranteed",
	[MT_QOS_BURSTABLE] = "Burstable",
	[MT_QOS_BESTEFFORT] = "BestEffort",
};

static const char *const kind_names[MT_K8S_KIND__COUNT] = {
	[MT_K8S_NONE] = "none",
	[MT_K8S_KUBEPODS] = "kubepods",
	[MT_K8S_POD] = "pod",
	[MT_K8S_CONTAINER] = "container",
	[MT_K8S_CONTAINER_SUB] = "container-sub",
	[MT_K8S_SANDBOX] = "sandbox",
	[MT_K8S_CONMON] = "conmon",
	[MT_K8S_UNRECOGNIZED] = "unrecognized",
};

const char *mt_qos_to_string(enum mt_qos qos)
{
	return (unsigned)qos < MT_QOS__COUNT ? qos_names[qos] : NULL;
}

int mt_qos_from_string(const char *s, enum mt_qos *ret)
{
	for (unsigned i = MT_QOS_GUARANTEED; i < MT_QOS__COUNT; i++)
		if (strcmp(s, qos_names[i]) == 0) {
			*ret = (enum mt_qos)i;
			return 0;
		}
	return -EINVAL;
}

const char *mt_k8s_kind_to_string(enum mt_k8s_kind kind)
{
	return (unsigned)kind < MT_K8S_KIND__COUNT ? kind_names[kind] : NULL;
}

bool mt_k8s_kind_is_candidate(enum mt_k8s_kind kind)
{
	return kind == MT_K8S_NONE || kind == MT_K8S_POD || kind == MT_K8S_CONTAINER;
}

/* One path component: [p, p + len). */
struct comp {
	const char *p;
	size_t len;
};

static bool comp_is(const struct comp *c, const char *s)
{
	return strlen(s) == c->len && memcmp(c->p, s, c->len) == 0;
}

/* If c starts with a then b (b may be NULL), returns the rest's offset. */
static bool comp_strip(const struct comp *c, const char *prefix, size_t plen, const char *suffix,
		       struct comp *ret_rest)
{
	size_t slen = suffix ? strlen(suffix) : 0;
	if (c->len < plen + slen || memcmp(c->p, prefix, plen) != 0 ||
	    (slen && memcmp(c->p + c->len - slen, suffix, slen) != 0))
		return false;
	*ret_rest = (struct comp){ c->p + plen, c->len - plen - slen };
	return true;
}

static bool is_hex_id(const struct comp *c)
{
	if (c->len != MT_K8S_ID_MAX)
		return false;
	for (size_t i = 0; i < c->len; i++) {
		char ch = c->p[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return false;
	}
	return true;
}

/* Copies a pod UID, turning systemd's '_' back into '-'. */
static bool take_uid(const struct comp *c, char *out)
{
	if (c->len == 0 || c->len > MT_K8S_UID_MAX)
		return false;
	for (size_t i = 0; i < c->len; i++) {
		char ch = c->p[i];
		if (ch == '_')
			ch = '-';
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') || ch == '-'))
			return false;
		out[i] = ch;
	}
	out[c->len] = '\0';
	return true;
}

static void take_id(const struct comp *c, char *out)
{
	memcpy(out, c->p, MT_K8S_ID_MAX);
	out[MT_K8S_ID_MAX] = '\0';
}

static size_t split(const char *path, struct comp *comps, size_t max)
{
	size_t n = 0;
	const char *p = path;

	while (*p && n < max) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len)
			comps[n++] = (struct comp){ p, len };
		p += len;
		if (*p == '/')
			p++;
	}
	return n;
}

/* The container component: sets kind, runtime and ID, or returns false. */
static bool parse_container(const struct comp *c, enum mt_k8s_driver driver, struct mt_k8s_path *ret)
{
	static const struct {
		const char *prefix;
		enum mt_k8s_runtime runtime;
		enum mt_k8s_kind kind;
	} shapes[] = {
		/* conmon first: "crio-" is its prefix too */
		{ "crio-conmon-", MT_K8S_RUNTIME_CRIO, MT_K8S_CONMON },
		{ "crio-", MT_K8S_RUNTIME_CRIO, MT_K8S_CONTAINER },
		{ "cri-containerd-", MT_K8S_RUNTIME_CONTAINERD, MT_K8S_CONTAINER },
		{ "docker-", MT_K8S_RUNTIME_DOCKER, MT_K8S_CONTAINER },
	};
	const char *suffix = driver == MT_K8S_DRIVER_SYSTEMD ? ".scope" : NULL;
	struct comp id;

	if (driver == MT_K8S_DRIVER_CGROUPFS && is_hex_id(c)) {
		ret->kind = MT_K8S_CONTAINER;
		ret->runtime = MT_K8S_RUNTIME_UNKNOWN;
		take_id(c, ret->container_id);
		return true;
	}
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		if (comp_strip(c, shapes[i].prefix, strlen(shapes[i].prefix), suffix, &id) && is_hex_id(&id)) {
			ret->kind = shapes[i].kind;
			ret->runtime = shapes[i].runtime;
			take_id(&id, ret->container_id);
			return true;
		}
	return false;
}

static const struct {
	const char *name;
	enum mt_qos qos;
} qos_dirs[] = { { "burstable", MT_QOS_BURSTABLE }, { "besteffort", MT_QOS_BESTEFFORT } };

/* Below the kubepods component at index k: QoS, pod, container, deeper. */
static void parse_below(const struct comp *comps, size_t n, size_t k, const char *pfx, size_t pfxlen,
			enum mt_k8s_driver driver, const char *relpath, struct mt_k8s_path *ret)
{
	char want[96];
	struct comp rest;
	size_t i = k + 1;

	ret->kind = MT_K8S_KUBEPODS;
	if (i == n)
		return;
	/* QoS slice, or a Guaranteed pod directly below kubepods. */
	for (size_t q = 0; q < sizeof(qos_dirs) / sizeof(qos_dirs[0]); q++) {
		bool hit;
		if (driver == MT_K8S_DRIVER_SYSTEMD) {
			snprintf(want, sizeof(want), "%.*s-%s.slice", (int)pfxlen, pfx, qos_dirs[q].name);
			hit = comp_is(&comps[i], want);
		} else
			hit = comp_is(&comps[i], qos_dirs[q].name);
		if (hit) {
			ret->qos = qos_dirs[q].qos;
			i++;
			break;
		}
	}
	if (ret->qos == MT_QOS_UNKNOWN) {
		ret->qos = MT_QOS_GUARANTEED;
		if (driver == MT_K8S_DRIVER_SYSTEMD)
			snprintf(want, sizeof(want), "%.*s-pod", (int)pfxlen, pfx);
	} else if (driver == MT_K8S_DRIVER_SYSTEMD)
		snprintf(want, sizeof(want), "%.*s-%s-pod", (int)pfxlen, pfx,
			 ret->qos == MT_QOS_BURSTABLE ? "burstable" : "besteffort");
	if (i == n)
		return;
	if (driver == MT_K8S_DRIVER_CGROUPFS)
		strcpy(want, "pod");
	if (!comp_strip(&comps[i], want, strlen(want), driver == MT_K8S_DRIVER_SYSTEMD ? ".slice" : NULL, &rest) ||
	    !take_uid(&rest, ret->pod_uid)) {
		ret->kind = MT_K8S_UNRECOGNIZED;
		if (ret->qos == MT_QOS_GUARANTEED && i == k + 1)
			ret->qos = MT_QOS_UNKNOWN; /* not a pod: nothing says Guaranteed */
		ret->pod_uid[0] = '\0';
		return;
	}
	ret->kind = MT_K8S_POD;
	if (++i == n)
		return;
	if (!parse_container(&comps[i], driver, ret)) {
		ret->kind = MT_K8S_UNRECOGNIZED;
		return;
	}
	ret->container_len = (size_t)(comps[i].p + comps[i].len - relpath);
	if (++i < n && ret->kind == MT_K8S_CONTAINER)
		ret->kind = MT_K8S_CONTAINER_SUB;
}

int mt_k8s_path_parse(const char *relpath, struct mt_k8s_path *ret)
{
	/* Kubernetes nests at most kubepods/qos/pod/container/sub plus a
	 * cgroup-root prefix; 64 components is far past any real layout. */
	struct comp comps[64];
	size_t n = split(relpath, comps, MT_ELEMENTSOF(comps));
	bool truncated = n == MT_ELEMENTSOF(comps) && comps[n - 1].p[comps[n - 1].len] != '\0' &&
			 comps[n - 1].p[comps[n - 1].len + strspn(comps[n - 1].p + comps[n - 1].len, "/")] != '\0';

	*ret = (struct mt_k8s_path){ 0 };
	for (size_t k = 0; k < n; k++) {
		struct comp pfx;
		if (comp_is(&comps[k], "kubepods")) {
			ret->driver = MT_K8S_DRIVER_CGROUPFS;
			parse_below(comps, n, k, "", 0, ret->driver, relpath, ret);
			goto out;
		}
		if (comp_strip(&comps[k], "", 0, ".slice", &pfx) &&
		    (comp_is(&pfx, "kubepods") ||
		     (pfx.len > 9 && memcmp(pfx.p + pfx.len - 9, "-kubepods", 9) == 0))) {
			if (pfx.len > 64)
				break;
			ret->driver = MT_K8S_DRIVER_SYSTEMD;
			parse_below(comps, n, k, pfx.p, pfx.len, ret->driver, relpath, ret);
			goto out;
		}
	}
	return 0;
out:
	/* Deeper than we split: never guess what the unseen part is. */
	if (truncated)
		ret->kind = MT_K8S_UNRECOGNIZED;
	return 0;
}

int mt_k8s_identify(const struct mt_k8s_names *names, const char *relpath, struct mt_k8s_identity *ret)
{
	const struct mt_k8s_name *nm = NULL;

	*ret = (struct mt_k8s_identity){ 0 };
	mt_k8s_path_parse(relpath, &ret->path);
	if (!names)
		return 0;
	switch (ret->path.kind) {
	case MT_K8S_CONTAINER:
	case MT_K8S_CONTAINER_SUB:
		nm = mt_k8s_names_by_container(names, ret->path.container_id);
		if (!nm) {
			/* See the sandbox rule in k8s.h: only inside a pod that has
			 * named containers. */
			if (mt_k8s_names_by_pod(names, ret->path.pod_uid))
				ret->path.kind = MT_K8S_SANDBOX;
			return 0;
		}
		strcpy(ret->container, nm->container);
		break;
	case MT_K8S_POD:
		nm = mt_k8s_names_by_pod(names, ret->path.pod_uid);
		break;
	default:
		break;
	}
	if (nm) {
		ret->named = true;
		strcpy(ret->k8s_namespace, nm->k8s_namespace);
		strcpy(ret->pod, nm->pod);
	}
	return 0;
}
