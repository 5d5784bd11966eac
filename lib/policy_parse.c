/* One policy file -> struct mt_policy (policy.h). */
#include "policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "glob.h"

static const char *const top_keys[] = { "description", "precedence", "match", "protected", "priority", "response",
					"throttle", "kill", "pressure", "escalate", NULL };
static const char *const match_keys[] = { "cgroup", "namespace", "pod", "container", "qos", NULL };
static const char *const throttle_keys[] = { "floor", "step", "interval_ms", "release_after_s",
					     "release_psi_some", "push_limit_s", NULL };
static const char *const kill_keys[] = { "grace_ms", NULL };
static const char *const pressure_keys[] = { "some", "full", "window_ms", "sustain_s", NULL };
static const char *const escalate_keys[] = { "counter", "count", "window_s", NULL };

static const char *const counter_names[] = {
	[MT_MAX_COUNTER_OOM_KILL] = "oom_kill",
	[MT_MAX_COUNTER_OOM] = "oom",
	[MT_MAX_COUNTER_MAX] = "max",
};

const char *mt_max_counter_to_string(enum mt_max_counter c)
{
	return (unsigned)c < MT_ELEMENTSOF(counter_names) ? counter_names[c] : NULL;
}

void mt_policy_clear(struct mt_policy *p)
{
	free(p->name);
	free(p->file);
	free(p->description);
	free(p->match.cgroup);
	free(p->match.k8s_namespace);
	free(p->match.pod);
	free(p->match.container);
	*p = (struct mt_policy){ 0 };
}

/* Reports a fault at obj.key. */
static int fail_key(struct mt_json_ctx *ctx, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_key(struct mt_json_ctx *ctx, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	mt_json_push_key(ctx, key);
	int r = mt_json_failv(ctx, fmt, ap);
	mt_json_pop(ctx);
	va_end(ap);
	return r;
}

/* A cgroup glob names a path below the supervised root, never outside it. */
static const char *cgroup_glob_fault(const char *g)
{
	if (g[0] == '/')
		return "is absolute; cgroup globs are relative to the supervised root";
	for (const char *p = g;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0)
			return "has an empty path component";
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return "has a \".\" or \"..\" component; it must stay below the supervised root";
		if (!slash)
			return NULL;
		p = slash + 1;
	}
}

static int get_glob(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool is_cgroup, char **ret)
{
	const char *s = NULL, *reason = NULL;
	int r = mt_json_get_string(ctx, obj, key, false, &s);
	if (r <= 0)
		return r;
	if (mt_glob_validate(s, &reason) < 0)
		return fail_key(ctx, key, "bad glob \"%s\": %s", s, reason);
	if (is_cgroup && (reason = cgroup_glob_fault(s)))
		return fail_key(ctx, key, "\"%s\" %s", s, reason);
	if (!is_cgroup && strchr(s, '/'))
		return fail_key(ctx, key, "\"%s\" has a '/'; Kubernetes names never do", s);
	*ret = strdup(s);
	return *ret ? 1 : -ENOMEM;
}

static int parse_match(struct mt_json_ctx *ctx, json_t *m, struct mt_policy *p)
{
	const char *qos;
	int r;

	mt_json_push_key(ctx, "match");
	if ((r = mt_json_check_keys(ctx, m, match_keys)) < 0 ||
	    (r = get_glob(ctx, m, "cgroup", true, &p->match.cgroup)) < 0 ||
	    (r = get_glob(ctx, m, "namespace", false, &p->match.k8s_namespace)) < 0 ||
	    (r = get_glob(ctx, m, "pod", false, &p->match.pod)) < 0 ||
	    (r = get_glob(ctx, m, "container", false, &p->match.container)) < 0 ||
	    (r = mt_json_get_string(ctx, m, "qos", false, &qos)) < 0)
		goto out;
	if (r > 0 && mt_qos_from_string(qos, &p->match.qos) < 0)
		r = fail_key(ctx, "qos", "unknown QoS class \"%s\" (expected \"Guaranteed\", \"Burstable\" or \"BestEffort\")", qos);
out:
	mt_json_pop(ctx);
	return r < 0 ? r : 0;
}

static int parse_throttle(struct mt_json_ctx *ctx, json_t *t, struct mt_policy *p)
{
	int64_t v;
	int r;

	/* Documented defaults (policies/README.md): halve at most, 10 % steps
	 * each second, released after 30 s calm below 10 % PSI some, killed
	 * after pushing for 5 s with no swap room. */
	p->throttle.floor = (struct mt_size){ .percent = true, .basis_points = 5000 };
	p->throttle.step = (struct mt_size){ .percent = true, .basis_points = 1000 };
	p->throttle.interval_ms = 1000;
	p->throttle.release_after_s = 30;
	p->throttle.release_psi_some = 10;
	p->throttle.push_limit_s = MT_POLICY_PUSH_LIMIT_S_DEFAULT;
	if (!t)
		return 0;
	mt_json_push_key(ctx, "throttle");
	if ((r = mt_json_check_keys(ctx, t, throttle_keys)) < 0 ||
	    (r = mt_json_get_size(ctx, t, "floor", false, true, &p->throttle.floor)) < 0 ||
	    (r = mt_json_get_size(ctx, t, "step", false, true, &p->throttle.step)) < 0)
		goto out;
	if (p->throttle.floor.bytes == 0 && p->throttle.floor.basis_points == 0) {
		r = fail_key(ctx, "floor", "must be above zero (a zero floor is a kill, not a throttle)");
		goto out;
	}
	if (p->throttle.step.bytes == 0 && p->throttle.step.basis_points == 0) {
		r = fail_key(ctx, "step", "must be above zero");
		goto out;
	}
	/* 100 ms: below that memory.high changes outrun reclaim's effect on
	 * memory.current; 60 s: slower is not throttling. */
	if ((r = mt_json_get_int(ctx, t, "interval_ms", false, 100, 60000, &v)) < 0)
		goto out;
	if (r)
		p->throttle.interval_ms = (uint32_t)v;
	if ((r = mt_json_get_int(ctx, t, "release_after_s", false, 1, 3600, &v)) < 0)
		goto out;
	if (r)
		p->throttle.release_after_s = (uint32_t)v;
	if ((r = mt_json_get_number(ctx, t, "release_psi_some", false, 0, 100, &p->throttle.release_psi_some)) < 0)
		goto out;
	/* 1 s: the kernel's longest over-high sleep is 2 s, a shorter streak
	 * is not yet seen as one; 300 s: longer is the permanent hold that
	 * stalls the node (issue 16). */
	if ((r = mt_json_get_int(ctx, t, "push_limit_s", false, 1, 300, &v)) < 0)
		goto out;
	if (r)
		p->throttle.push_limit_s = (uint32_t)v;
out:
	mt_json_pop(ctx);
	return r < 0 ? r : 0;
}

static int parse_pressure(struct mt_json_ctx *ctx, json_t *o, struct mt_policy *p)
{
	int64_t v;
	int r, rs, rf;

	p->pressure.some_pct = p->pressure.full_pct = -1;
	if (!o)
		return 0;
	p->pressure.set = true;
	p->pressure.window_ms = 1000;
	p->pressure.sustain_s = 10;
	mt_json_push_key(ctx, "pressure");
	if ((r = mt_json_check_keys(ctx, o, pressure_keys)) < 0 ||
	    (r = rs = mt_json_get_number(ctx, o, "some", false, 0.01, 100, &p->pressure.some_pct)) < 0 ||
	    (r = rf = mt_json_get_number(ctx, o, "full", false, 0.01, 100, &p->pressure.full_pct)) < 0)
		goto out;
	if (!rs && !rf) {
		r = mt_json_fail(ctx, "needs \"some\" or \"full\" (a stall percentage)");
		goto out;
	}
	/* The kernel's PSI trigger window limits: 500 ms .. 10 s. */
	if ((r = mt_json_get_int(ctx, o, "window_ms", false, 500, 10000, &v)) < 0)
		goto out;
	if (r)
		p->pressure.window_ms = (uint32_t)v;
	if ((r = mt_json_get_int(ctx, o, "sustain_s", false, 1, 3600, &v)) < 0)
		goto out;
	if (r)
		p->pressure.sustain_s = (uint32_t)v;
out:
	mt_json_pop(ctx);
	return r < 0 ? r : 0;
}

static int parse_escalate(struct mt_json_ctx *ctx, json_t *o, struct mt_policy *p)
{
	const char *counter = NULL;
	int64_t v;
	int r;

	if (!o)
		return 0;
	p->escalate.set = true;
	p->escalate.counter = MT_MAX_COUNTER_OOM_KILL;
	mt_json_push_key(ctx, "escalate");
	if ((r = mt_json_check_keys(ctx, o, escalate_keys)) < 0 ||
	    (r = mt_json_get_string(ctx, o, "counter", false, &counter)) < 0)
		goto out;
	if (r) {
		unsigned i;
		for (i = 0; i < MT_ELEMENTSOF(counter_names); i++)
			if (strcmp(counter, counter_names[i]) == 0)
				break;
		if (i == MT_ELEMENTSOF(counter_names)) {
			r = fail_key(ctx, "counter", "unknown counter \"%s\" (expected \"oom_kill\", \"oom\" or \"max\")", counter);
			goto out;
		}
		p->escalate.counter = (enum mt_max_counter)i;
	}
	if ((r = mt_json_get_int(ctx, o, "count", true, 1, 1000, &v)) < 0)
		goto out;
	p->escalate.count = (uint32_t)v;
	if ((r = mt_json_get_int(ctx, o, "window_s", true, 1, 86400, &v)) < 0)
		goto out;
	p->escalate.window_s = (uint32_t)v;
out:
	mt_json_pop(ctx);
	return r < 0 ? r : 0;
}

/* Blocks that only make sense with some responses. */
static int forbid(struct mt_json_ctx *ctx, json_t *root, const char *key, const char *why)
{
	if (!json_object_get(root, key))
		return 0;
	return fail_key(ctx, key, "not allowed: %s", why);
}

static int parse_body(struct mt_json_ctx *ctx, json_t *root, struct mt_policy *p)
{
	const char *s;
	json_t *match = NULL, *throttle = NULL, *kill = NULL, *pressure = NULL, *escalate = NULL;
	int64_t v;
	int r;

	/* A key that left the format says why, not only that it is unknown. */
	if (json_object_get(root, "horizon_s"))
		return fail_key(ctx, "horizon_s", "no longer a policy key: a hold is due when commit nears the bound, "
		                "not on projected exhaustion; remove it (policies/README.md)");
	if ((r = mt_json_check_keys(ctx, root, top_keys)) < 0)
		return r;
	if ((r = mt_json_get_string(ctx, root, "description", false, &s)) < 0)
		return r;
	p->description = strdup(r ? s : "");
	if (!p->description)
		return -ENOMEM;
	if ((r = mt_json_get_int(ctx, root, "precedence", true, 0, MT_POLICY_PRECEDENCE_MAX, &v)) < 0)
		return r;
	p->precedence = (int)v;
	if ((r = mt_json_get_object(ctx, root, "match", true, &match)) < 0 || (r = parse_match(ctx, match, p)) < 0)
		return r;
	if ((r = mt_json_get_bool(ctx, root, "protected", false, &p->is_protected)) < 0)
		return r;
	if ((r = mt_json_get_object(ctx, root, "throttle", false, &throttle)) < 0 ||
	    (r = mt_json_get_object(ctx, root, "kill", false, &kill)) < 0 ||
	    (r = mt_json_get_object(ctx, root, "pressure", false, &pressure)) < 0 ||
	    (r = mt_json_get_object(ctx, root, "escalate", false, &escalate)) < 0)
		return r;
	if ((r = parse_pressure(ctx, pressure, p)) < 0)
		return r;

	if (p->is_protected) {
		const char *why = "a protected policy is never throttled or killed";
		if ((r = forbid(ctx, root, "priority", "a protected policy is never a candidate, so has no priority")) < 0 ||
		    (r = forbid(ctx, root, "response", why)) < 0 || (r = forbid(ctx, root, "throttle", why)) < 0 ||
		    (r = forbid(ctx, root, "kill", why)) < 0 || (r = forbid(ctx, root, "escalate", why)) < 0)
			return r;
		p->response = MT_RESPONSE_OBSERVE;
		return parse_throttle(ctx, NULL, p);
	}
	if ((r = mt_json_get_int(ctx, root, "priority", true, MT_POLICY_PRIORITY_MIN, MT_POLICY_PRIORITY_MAX, &v)) < 0)
		return r;
	p->priority = (int)v;
	if ((r = mt_json_get_string(ctx, root, "response", true, &s)) < 0)
		return r;
	if (mt_response_from_string(s, &p->response) < 0)
		return fail_key(ctx, "response", "unknown response \"%s\" (expected \"observe\", \"throttle\", \"kill\" or \"throttle-then-kill\")", s);
	if (!mt_response_may_throttle(p->response) &&
	    (r = forbid(ctx, root, "throttle", "the response never throttles")) < 0)
		return r;
	if (!mt_response_may_kill(p->response) &&
	    ((r = forbid(ctx, root, "kill", "the response never kills")) < 0 ||
	     (r = forbid(ctx, root, "escalate", "the response never kills")) < 0))
		return r;
	if ((r = parse_throttle(ctx, throttle, p)) < 0 || (r = parse_escalate(ctx, escalate, p)) < 0)
		return r;
	if (kill) {
		mt_json_push_key(ctx, "kill");
		if ((r = mt_json_check_keys(ctx, kill, kill_keys)) >= 0 &&
		    (r = mt_json_get_int(ctx, kill, "grace_ms", false, 0, 60000, &v)) > 0)
			p->kill.grace_ms = (uint32_t)v;
		mt_json_pop(ctx);
		if (r < 0)
			return r;
	}
	return 0;
}

int mt_policy_parse(const struct mt_policy_source *src, struct mt_policy *ret, struct mt_json_error *err)
{
	struct mt_json_ctx ctx;
	struct mt_policy p = { 0 };
	json_t *root = NULL;
	int r;

	mt_json_ctx_init(&ctx, src->text, src->len, src->file, err);
	if (src->len > MT_POLICY_FILE_MAX)
		return mt_json_error_set(err, -EFBIG, src->file, "larger than %d bytes", MT_POLICY_FILE_MAX);
	if ((r = mt_json_parse(&ctx, &root)) < 0)
		return r;
	r = parse_body(&ctx, root, &p);
	json_decref(root);
	if (r >= 0) {
		p.name = strdup(src->name);
		p.file = strdup(src->file);
		if (!p.name || !p.file)
			r = -ENOMEM;
	}
	if (r < 0) {
		if (r == -ENOMEM)
			mt_json_error_set(err, r, src->file, "out of memory");
		mt_policy_clear(&p);
		return r;
	}
	*ret = p;
	return 0;
}
