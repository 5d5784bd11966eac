/* Policy sets: validation of the set rules and matching (policy.h). */
#include "policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "glob.h"

struct mt_policy_set {
	size_t n;
	struct mt_policy *v; /* sorted by name */
};

static const struct mt_policy builtin_self = {
	.name = (char *)"memtriage:self",
	.file = (char *)"<built-in>",
	.description = (char *)"memtriage's own cgroup, its ancestors and descendants: never a candidate",
	.is_protected = true,
	.response = MT_RESPONSE_OBSERVE,
	.pressure = { .some_pct = -1, .full_pct = -1 },
};

static const struct mt_policy builtin_structure = {
	.name = (char *)"memtriage:structure",
	.file = (char *)"<built-in>",
	.description = (char *)"Kubernetes structure (kubepods, QoS slices), pause sandboxes, conmon, "
			       "unrecognized shapes below kubepods: never candidates",
	.is_protected = true,
	.response = MT_RESPONSE_OBSERVE,
	.pressure = { .some_pct = -1, .full_pct = -1 },
};

void mt_policy_set_free(struct mt_policy_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		mt_policy_clear(&set->v[i]);
	free(set->v);
	free(set);
}

size_t mt_policy_set_size(const struct mt_policy_set *set)
{
	return set->n;
}

const struct mt_policy *mt_policy_set_get(const struct mt_policy_set *set, size_t i)
{
	return i < set->n ? &set->v[i] : NULL;
}

static int both(const char *a, const char *b)
{
	if (!a || !b)
		return 1;
	return mt_glob_intersect(a, b);
}

int mt_policy_overlap(const struct mt_policy *a, const struct mt_policy *b)
{
	const char *fa[] = { a->match.cgroup, a->match.k8s_namespace, a->match.pod, a->match.container };
	const char *fb[] = { b->match.cgroup, b->match.k8s_namespace, b->match.pod, b->match.container };

	if (a->match.qos && b->match.qos && a->match.qos != b->match.qos)
		return 0;
	for (size_t i = 0; i < MT_ELEMENTSOF(fa); i++) {
		int r = both(fa[i], fb[i]);
		if (r <= 0)
			return r;
	}
	return 1;
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool size_eq(const struct mt_size *a, const struct mt_size *b)
{
	return a->percent == b->percent && a->basis_points == b->basis_points && a->bytes == b->bytes;
}

bool mt_policy_equal(const struct mt_policy *a, const struct mt_policy *b)
{
	return str_eq(a->name, b->name) && str_eq(a->description, b->description) &&
	       a->precedence == b->precedence && str_eq(a->match.cgroup, b->match.cgroup) &&
	       str_eq(a->match.k8s_namespace, b->match.k8s_namespace) && str_eq(a->match.pod, b->match.pod) &&
	       str_eq(a->match.container, b->match.container) && a->match.qos == b->match.qos &&
	       a->is_protected == b->is_protected && a->priority == b->priority && a->response == b->response &&
	       size_eq(&a->throttle.floor, &b->throttle.floor) && size_eq(&a->throttle.step, &b->throttle.step) &&
	       a->throttle.interval_ms == b->throttle.interval_ms &&
	       a->throttle.release_after_s == b->throttle.release_after_s &&
	       a->throttle.release_psi_some == b->throttle.release_psi_some &&
	       a->throttle.push_limit_s == b->throttle.push_limit_s && a->kill.grace_ms == b->kill.grace_ms &&
	       a->pressure.set == b->pressure.set && a->pressure.some_pct == b->pressure.some_pct &&
	       a->pressure.full_pct == b->pressure.full_pct && a->pressure.window_ms == b->pressure.window_ms &&
	       a->pressure.sustain_s == b->pressure.sustain_s && a->escalate.set == b->escalate.set &&
	       a->escalate.counter == b->escalate.counter && a->escalate.count == b->escalate.count &&
	       a->escalate.window_s == b->escalate.window_s;
}

static bool is_catch_all(const struct mt_policy *p)
{
	return !p->match.cgroup && !p->match.k8s_namespace && !p->match.pod && !p->match.container &&
	       !p->match.qos;
}

static int cmp_by_name(const void *a, const void *b)
{
	return strcmp(((const struct mt_policy *)a)->name, ((const struct mt_policy *)b)->name);
}

/* A set-wide fault located at `key` of the source that defines p. */
static int fail_in_source(const struct mt_policy_source *srcs, size_t n, const struct mt_policy *p,
			  const char *key, struct mt_json_error *err, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static int fail_in_source(const struct mt_policy_source *srcs, size_t n, const struct mt_policy *p,
			  const char *key, struct mt_json_error *err, const char *fmt, ...)
{
	const struct mt_policy_source *src = NULL;
	struct mt_json_ctx ctx;
	va_list ap;

	for (size_t i = 0; i < n; i++)
		if (strcmp(srcs[i].file, p->file) == 0)
			src = &srcs[i];
	mt_json_ctx_init(&ctx, src ? src->text : "", src ? src->len : 0, p->file, err);
	if (key)
		mt_json_push_key(&ctx, key);
	va_start(ap, fmt);
	int r = mt_json_failv(&ctx, fmt, ap);
	va_end(ap);
	if (!key)
		err->path[0] = '\0';
	return r;
}

int mt_policy_set_from_sources(const char *label, const struct mt_policy_source *srcs, size_t n,
			       struct mt_policy_set **ret, struct mt_json_error *err)
{
	struct mt_policy_set *set = calloc(1, sizeof(*set));
	bool catch_all = false;
	int r = -ENOMEM;

	if (!set || (n && !(set->v = calloc(n, sizeof(*set->v)))))
		goto fail_nomem;
	if (n > MT_POLICY_COUNT_MAX) {
		r = mt_json_error_set(err, -E2BIG, label, "more than %d policies", MT_POLICY_COUNT_MAX);
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		if ((r = mt_policy_parse(&srcs[i], &set->v[i], err)) < 0)
			goto fail;
		set->n++;
	}
	if (set->n)
		qsort(set->v, set->n, sizeof(*set->v), cmp_by_name);
	for (size_t i = 0; i < set->n; i++) {
		const struct mt_policy *a = &set->v[i];
		if (i + 1 < set->n && strcmp(a->name, set->v[i + 1].name) == 0) {
			r = fail_in_source(srcs, n, &set->v[i + 1], NULL, err, "policy name \"%s\" is also used by %s",
					   a->name, a->file);
			goto fail;
		}
		catch_all |= is_catch_all(a);
		for (size_t j = i + 1; j < set->n; j++) {
			const struct mt_policy *b = &set->v[j];
			if (a->precedence != b->precedence)
				continue;
			r = mt_policy_overlap(a, b);
			if (r < 0)
				goto fail_nomem;
			if (r > 0) {
				r = fail_in_source(srcs, n, b, "precedence", err,
						   "overlaps %s at equal precedence %d: some cgroup could match both; "
						   "give one a higher precedence or narrow a match",
						   a->file, a->precedence);
				goto fail;
			}
		}
	}
	if (!catch_all) {
		r = mt_json_error_set(err, -EINVAL, label,
				      "no catch-all policy (one with \"match\": {}), so some cgroup would get no "
				      "policy; add one (see policies/default/default.json)");
		goto fail;
	}
	*ret = set;
	return 0;
fail_nomem:
	r = mt_json_error_set(err, -ENOMEM, label, "out of memory");
fail:
	mt_policy_set_free(set);
	return r;
}

int mt_policy_set_load_default(struct mt_policy_set **ret, struct mt_json_error *err)
{
	size_t n;
	const struct mt_policy_source *srcs = mt_policy_default_sources(&n);
	return mt_policy_set_from_sources("<embedded>", srcs, n, ret, err);
}

/* relpath is own, an ancestor of own, or a descendant of own. */
static bool related_to_own(const char *relpath, const char *own)
{
	size_t lr = strlen(relpath), lo = strlen(own);
	if (lr == 0)
		return true; /* the root contains us */
	if (lr <= lo)
		return memcmp(own, relpath, lr) == 0 && (own[lr] == '\0' || own[lr] == '/');
	return memcmp(relpath, own, lo) == 0 && relpath[lo] == '/';
}

/* 1, 0, or -ENOMEM: a failed match is an error, never a "no". */
static int glob_ok(const char *pattern, const char *s)
{
	return !pattern ? 1 : mt_glob_match_checked(pattern, s);
}

static int policy_matches(const struct mt_policy *p, const char *relpath, const struct mt_k8s_identity *id)
{
	int r;
	if ((r = glob_ok(p->match.cgroup, relpath)) <= 0)
		return r;
	if (p->match.qos && (!id || id->path.qos != p->match.qos))
		return 0;
	if (p->match.k8s_namespace || p->match.pod || p->match.container) {
		if (!id || !id->named)
			return 0;
		if ((r = glob_ok(p->match.k8s_namespace, id->k8s_namespace)) <= 0 || (r = glob_ok(p->match.pod, id->pod)) <= 0)
			return r;
		if (p->match.container && !id->container[0])
			return 0;
		if ((r = glob_ok(p->match.container, id->container)) <= 0)
			return r;
	}
	return 1;
}

int mt_policy_set_match(const struct mt_policy_set *set, const char *relpath, const struct mt_k8s_identity *id,
			const char *own_cgroup, const struct mt_policy **ret)
{
	const struct mt_policy *best = NULL;
	char container_path[4096];
	struct mt_k8s_identity parent;

	if (own_cgroup && related_to_own(relpath, own_cgroup)) {
		*ret = &builtin_self;
		return 0;
	}
	if (id) {
		switch (id->path.kind) {
		case MT_K8S_KUBEPODS:
		case MT_K8S_SANDBOX:
		case MT_K8S_CONMON:
		case MT_K8S_UNRECOGNIZED:
			*ret = &builtin_structure;
			return 0;
		case MT_K8S_CONTAINER_SUB:
			/* Judged as the container's scope, which is what gets acted on. */
			if (id->path.container_len >= sizeof(container_path))
				return -ENAMETOOLONG;
			memcpy(container_path, relpath, id->path.container_len);
			container_path[id->path.container_len] = '\0';
			parent = *id;
			parent.path.kind = MT_K8S_CONTAINER;
			relpath = container_path;
			id = &parent;
			break;
		default:
			break;
		}
	}
	for (size_t i = 0; i < set->n; i++) {
		const struct mt_policy *p = &set->v[i];
		if (best && p->precedence <= best->precedence)
			continue;
		int m = policy_matches(p, relpath, id);
		if (m < 0)
			return m; /* the caller gets no policy rather than a wrong one */
		if (m)
			best = p;
	}
	if (!best)
		return -ENOENT; /* impossible for a set with a catch-all */
	*ret = best;
	return 0;
}
