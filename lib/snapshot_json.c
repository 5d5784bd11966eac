#include "snapshot_json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path strings longer than this are cut; the format has no deeper nesting
 * than "$.candidates[N].kubernetes.container". */
#define PATH_MAX_LEN 128

struct reader {
	char path[PATH_MAX_LEN];
	char *err;
	size_t errlen;
};

static int fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, r->errlen, "%s: ", r->path);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < r->errlen)
		vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Appends ".key" or "[i]" to the path; returns the old length for pop(). */
static size_t push_key(struct reader *r, const char *key)
{
	size_t old = strlen(r->path);
	snprintf(r->path + old, sizeof(r->path) - old, ".%s", key);
	return old;
}

static size_t push_index(struct reader *r, size_t i)
{
	size_t old = strlen(r->path);
	snprintf(r->path + old, sizeof(r->path) - old, "[%zu]", i);
	return old;
}

static void pop(struct reader *r, size_t old)
{
	r->path[old] = '\0';
}

/* Every key of obj must be in `allowed` (NULL-terminated), every key in
 * `required` must be present. */
static int check_keys(struct reader *r, json_t *obj, const char *const *allowed, size_t n_required)
{
	const char *key;
	json_t *v;
	if (!json_is_object(obj))
		return fail(r, "expected an object");
	json_object_foreach(obj, key, v) {
		bool known = false;
		for (size_t i = 0; allowed[i]; i++)
			known |= strcmp(key, allowed[i]) == 0;
		if (!known) {
			size_t old = push_key(r, key);
			int e = fail(r, "unknown key");
			pop(r, old);
			return e;
		}
	}
	for (size_t i = 0; i < n_required; i++)
		if (!json_object_get(obj, allowed[i])) {
			size_t old = push_key(r, allowed[i]);
			int e = fail(r, "missing");
			pop(r, old);
			return e;
		}
	return 0;
}

static int get_u64(struct reader *r, json_t *obj, const char *key, uint64_t *ret)
{
	json_t *v = json_object_get(obj, key);
	size_t old = push_key(r, key);
	int e = 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		e = fail(r, "expected an integer >= 0");
	else
		*ret = (uint64_t)json_integer_value(v);
	pop(r, old);
	return e;
}

static int get_i64(struct reader *r, json_t *obj, const char *key, int64_t *ret)
{
	json_t *v = json_object_get(obj, key);
	size_t old = push_key(r, key);
	int e = 0;
	if (!json_is_integer(v))
		e = fail(r, "expected an integer");
	else
		*ret = json_integer_value(v);
	pop(r, old);
	return e;
}

/* An integer >= 0, or the string `word` (or null when word is NULL) for
 * `word_value`. */
static int get_u64_or(struct reader *r, json_t *obj, const char *key, const char *word,
		      uint64_t word_value, uint64_t *ret)
{
	json_t *v = json_object_get(obj, key);
	size_t old = push_key(r, key);
	int e = 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		*ret = (uint64_t)json_integer_value(v);
	else if (word ? (json_is_string(v) && strcmp(json_string_value(v), word) == 0) : json_is_null(v))
		*ret = word_value;
	else
		e = word ? fail(r, "expected an integer >= 0 or \"%s\"", word)
			 : fail(r, "expected an integer >= 0 or null");
	pop(r, old);
	return e;
}

static int get_percent(struct reader *r, json_t *obj, const char *key, double *ret)
{
	json_t *v = json_object_get(obj, key);
	size_t old = push_key(r, key);
	int e = 0;
	if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 100)
		e = fail(r, "expected a number from 0 to 100");
	else
		*ret = json_number_value(v);
	pop(r, old);
	return e;
}

static int get_bool(struct reader *r, json_t *obj, const char *key, bool *ret)
{
	json_t *v = json_object_get(obj, key);
	size_t old = push_key(r, key);
	int e = 0;
	if (!json_is_boolean(v))
		e = fail(r, "expected true or false");
	else
		*ret = json_is_true(v);
	pop(r, old);
	return e;
}

static int get_string(struct reader *r, json_t *obj, const char *key, char **ret)
{
	json_t *v = json_object_get(obj, key);
	size_t old = push_key(r, key);
	int e = 0;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		e = fail(r, "expected a non-empty string without NUL");
	else if (!(*ret = strdup(json_string_value(v))))
		e = -ENOMEM;
	pop(r, old);
	return e;
}

/* The optional keys last: "zram", and "throttle_horizon_ms", which a
 * snapshot written before issue 16 carries and nothing reads any more (a
 * throttle is no longer due on a projection): accepted and ignored, so an
 * older file still replays. */
static const char *const node_keys[] = {
	"now_ms", "mem_total", "mem_available", "swap_total", "swap_free", "ram_reserve",
	"swap_reserve", "psi_some_avg10", "psi_full_avg10", "growth_rate", "eta_ms",
	"zram", "throttle_horizon_ms", NULL,
};
static const char *const zram_keys[] = {
	"swap_total", "swap_free", "orig_data_size", "mem_used_total", "limited_swap_free",
	"limit_room", NULL,
};

/* The optional node.zram object (absent: no swap device is zram). */
static int read_zram(struct reader *r, json_t *o, struct mt_node *n)
{
	uint64_t *const fields[] = {
		&n->zram_swap_total, &n->zram_swap_free, &n->zram_orig_data_size,
		&n->zram_mem_used_total, &n->zram_limited_swap_free, &n->zram_limit_room,
	};
	int e = check_keys(r, o, zram_keys, 6);
	for (size_t i = 0; e >= 0 && i < sizeof(fields) / sizeof(fields[0]); i++)
		e = get_u64(r, o, zram_keys[i], fields[i]);
	if (e < 0)
		return e;
	const char *key = NULL, *why = NULL;
	if (n->zram_swap_total > n->swap_total)
		key = "swap_total", why = "exceeds the node's swap_total";
	else if (n->zram_swap_free > n->zram_swap_total)
		key = "swap_free", why = "exceeds zram.swap_total";
	else if (n->zram_swap_free > n->swap_free)
		key = "swap_free", why = "exceeds the node's swap_free";
	else if (n->swap_free - n->zram_swap_free > n->swap_total - n->zram_swap_total)
		key = "swap_free", why = "leaves more free disk swap than disk swap";
	else if (n->zram_limited_swap_free > n->zram_swap_free)
		key = "limited_swap_free", why = "exceeds zram.swap_free";
	else if (n->zram_mem_used_total > n->mem_total)
		key = "mem_used_total", why = "exceeds the node's mem_total";
	else if (n->zram_orig_data_size > MT_BYTES_MAX)
		key = "orig_data_size", why = "above 2^52 bytes";
	else if (n->zram_limit_room > MT_BYTES_MAX)
		key = "limit_room", why = "above 2^52 bytes";
	if (!key)
		return 0;
	size_t old = push_key(r, key);
	e = fail(r, "%s", why);
	pop(r, old);
	return e;
}

static int read_node(struct reader *r, json_t *o, struct mt_node *n)
{
	int e;
	if ((e = check_keys(r, o, node_keys, 11)) < 0 ||
	    (e = get_u64(r, o, "now_ms", &n->now_ms)) < 0 ||
	    (e = get_u64(r, o, "mem_total", &n->mem_total)) < 0 ||
	    (e = get_u64(r, o, "mem_available", &n->mem_available)) < 0 ||
	    (e = get_u64(r, o, "swap_total", &n->swap_total)) < 0 ||
	    (e = get_u64(r, o, "swap_free", &n->swap_free)) < 0 ||
	    (e = get_u64(r, o, "ram_reserve", &n->ram_reserve)) < 0 ||
	    (e = get_u64(r, o, "swap_reserve", &n->swap_reserve)) < 0 ||
	    (e = get_percent(r, o, "psi_some_avg10", &n->psi_some_avg10)) < 0 ||
	    (e = get_percent(r, o, "psi_full_avg10", &n->psi_full_avg10)) < 0 ||
	    (e = get_i64(r, o, "growth_rate", &n->growth_rate)) < 0 ||
	    (e = get_u64_or(r, o, "eta_ms", NULL, MT_NEVER, &n->eta_ms)) < 0)
		return e;
	size_t old;
	if (n->mem_total > MT_BYTES_MAX || n->swap_total > MT_BYTES_MAX) {
		old = push_key(r, n->mem_total > MT_BYTES_MAX ? "mem_total" : "swap_total");
		e = fail(r, "above 2^52 bytes");
	} else if (n->mem_available > n->mem_total) {
		old = push_key(r, "mem_available");
		e = fail(r, "exceeds mem_total");
	} else if (n->swap_free > n->swap_total) {
		old = push_key(r, "swap_free");
		e = fail(r, "exceeds swap_total");
	} else if (n->ram_reserve > n->mem_total) {
		old = push_key(r, "ram_reserve");
		e = fail(r, "exceeds mem_total");
	} else if (n->swap_reserve > n->swap_total) {
		old = push_key(r, "swap_reserve");
		e = fail(r, "exceeds swap_total");
	} else {
		json_t *z = json_object_get(o, "zram");
		if (!z)
			return 0;
		old = push_key(r, "zram");
		e = read_zram(r, z, n);
	}
	pop(r, old);
	return e;
}

static const char *const k8s_keys[] = { "namespace", "pod", "container", NULL };
static const char *const policy_keys[] = {
	"name", "priority", "protected", "response", "throttle_floor", "throttle_step",
	"kill_grace_ms", NULL,
};
static const char *const memory_keys[] = {
	"anon", "shmem", "file", "file_dirty", "file_writeback", "kernel", "kernel_stack",
	"pagetables", "percpu", "sock", "slab_reclaimable", "slab_unreclaimable",
	"unevictable", "swap_current", "current", "high", "max", NULL,
};
/* the first 7 required; "kubernetes", "kill_failed" (default false),
 * "populated" and "growth_known" (default true: files from before the
 * sampler), "hold" (default none: not held) optional */
static const char *const cand_keys[] = {
	"path", "policy", "memory", "growth_rate", "age_ms", "kill", "shmem_survives",
	"kubernetes", "kill_failed", "populated", "growth_known", "hold", NULL,
};

/* "hold": {"high", "swap"}, a hold of ours and how it began (the pool rule) */
static int read_hold(struct reader *r, json_t *o, struct mt_candidate *c)
{
	static const char *const hold_keys[] = { "high", "swap", NULL };
	int e;
	if (!json_is_object(o))
		return fail(r, "expected an object");
	if ((e = check_keys(r, o, hold_keys, 2)) < 0 || (e = get_u64(r, o, "high", &c->hold_high)) < 0 ||
	    (e = get_u64(r, o, "swap", &c->hold_swap)) < 0)
		return e;
	c->held = true;
	return 0;
}

static int read_policy(struct reader *r, json_t *o, struct mt_candidate *c)
{
	int e;
	uint64_t prio = 0;
	if ((e = check_keys(r, o, policy_keys, 7)) < 0 ||
	    (e = get_string(r, o, "name", &c->policy)) < 0 ||
	    (e = get_u64(r, o, "priority", &prio)) < 0 ||
	    (e = get_bool(r, o, "protected", &c->protected_)) < 0 ||
	    (e = get_u64(r, o, "throttle_floor", &c->throttle_floor)) < 0 ||
	    (e = get_u64(r, o, "throttle_step", &c->throttle_step)) < 0 ||
	    (e = get_u64(r, o, "kill_grace_ms", &c->kill_grace_ms)) < 0)
		return e;
	size_t old = push_key(r, "priority");
	if (prio > MT_PRIORITY_MAX)
		e = fail(r, "above %u", MT_PRIORITY_MAX);
	c->priority = (uint32_t)prio;
	pop(r, old);
	if (e < 0)
		return e;
	json_t *v = json_object_get(o, "response");
	old = push_key(r, "response");
	if (!json_is_string(v) || mt_response_from_string(json_string_value(v), &c->response) < 0)
		e = fail(r, "expected one of \"observe\", \"throttle\", \"kill\", \"throttle-then-kill\"");
	pop(r, old);
	return e;
}

static int read_memory(struct reader *r, json_t *o, struct mt_candidate_mem *m)
{
	uint64_t *const fields[] = {
		&m->anon, &m->shmem, &m->file, &m->file_dirty, &m->file_writeback, &m->kernel,
		&m->kernel_stack, &m->pagetables, &m->percpu, &m->sock, &m->slab_reclaimable,
		&m->slab_unreclaimable, &m->unevictable, &m->swap_current, &m->current,
	};
	int e = check_keys(r, o, memory_keys, 17);
	for (size_t i = 0; e >= 0 && i < sizeof(fields) / sizeof(fields[0]); i++)
		e = get_u64(r, o, memory_keys[i], fields[i]);
	if (e >= 0)
		e = get_u64_or(r, o, "high", "max", MT_UNLIMITED, &m->high);
	if (e >= 0)
		e = get_u64_or(r, o, "max", "max", MT_UNLIMITED, &m->max);
	return e;
}

static int read_candidate(struct reader *r, json_t *o, struct mt_candidate *c)
{
	int e;
	size_t old;
	if ((e = check_keys(r, o, cand_keys, 7)) < 0 || (e = get_string(r, o, "path", &c->path)) < 0)
		return e;
	if (c->path[0] == '/' || strstr(c->path, "..") || strstr(c->path, "//")) {
		old = push_key(r, "path");
		e = fail(r, "expected a path relative to the cgroup2 mount, without \"..\" or \"//\"");
		pop(r, old);
		return e;
	}
	json_t *k = json_object_get(o, "kubernetes");
	if (k) {
		old = push_key(r, "kubernetes");
		if ((e = check_keys(r, k, k8s_keys, 3)) >= 0 &&
		    (e = get_string(r, k, "namespace", &c->k8s_namespace)) >= 0 &&
		    (e = get_string(r, k, "pod", &c->k8s_pod)) >= 0)
			e = get_string(r, k, "container", &c->k8s_container);
		pop(r, old);
		if (e < 0)
			return e;
	}
	old = push_key(r, "policy");
	e = read_policy(r, json_object_get(o, "policy"), c);
	pop(r, old);
	if (e < 0)
		return e;
	old = push_key(r, "memory");
	e = read_memory(r, json_object_get(o, "memory"), &c->mem);
	pop(r, old);
	if (e < 0 || (e = get_i64(r, o, "growth_rate", &c->growth_rate)) < 0 ||
	    (e = get_u64(r, o, "age_ms", &c->age_ms)) < 0 ||
	    (e = get_bool(r, o, "shmem_survives", &c->shmem_survives)) < 0)
		return e;
	if (json_object_get(o, "kill_failed") && (e = get_bool(r, o, "kill_failed", &c->kill_failed)) < 0)
		return e;
	bool populated = true;
	if (json_object_get(o, "populated") && (e = get_bool(r, o, "populated", &populated)) < 0)
		return e;
	c->unpopulated = !populated;
	c->growth_known = true;
	if (json_object_get(o, "growth_known") && (e = get_bool(r, o, "growth_known", &c->growth_known)) < 0)
		return e;
	json_t *hold = json_object_get(o, "hold");
	if (hold) {
		old = push_key(r, "hold");
		e = read_hold(r, hold, c);
		pop(r, old);
		if (e < 0)
			return e;
	}
	json_t *kill = json_object_get(o, "kill");
	if (json_is_null(kill))
		return 0;
	static const char *const kill_keys[] = { "started_ms", NULL };
	old = push_key(r, "kill");
	if (json_is_object(kill) && (e = check_keys(r, kill, kill_keys, 1)) >= 0)
		e = get_u64(r, kill, "started_ms", &c->kill_started_ms);
	else if (!json_is_object(kill))
		e = fail(r, "expected null or an object");
	pop(r, old);
	c->kill_in_flight = e >= 0;
	return e;
}

static const char *const top_keys[] = { "format", "version", "node", "candidates", NULL };

static int read_top(struct reader *r, json_t *root, struct mt_snapshot *s)
{
	int e;
	size_t old;
	if ((e = check_keys(r, root, top_keys, 4)) < 0)
		return e;
	json_t *v = json_object_get(root, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v), MT_SNAPSHOT_FORMAT) != 0) {
		old = push_key(r, "format");
		e = fail(r, "expected \"" MT_SNAPSHOT_FORMAT "\"");
		pop(r, old);
		return e;
	}
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != MT_SNAPSHOT_VERSION) {
		old = push_key(r, "version");
		e = fail(r, "unsupported version (this build reads %d)", MT_SNAPSHOT_VERSION);
		pop(r, old);
		return e;
	}
	old = push_key(r, "node");
	e = read_node(r, json_object_get(root, "node"), &s->node);
	pop(r, old);
	if (e < 0)
		return e;
	json_t *arr = json_object_get(root, "candidates");
	old = push_key(r, "candidates");
	if (!json_is_array(arr)) {
		e = fail(r, "expected an array");
		pop(r, old);
		return e;
	}
	s->candidates = calloc(json_array_size(arr) + 1, sizeof(*s->candidates));
	if (!s->candidates)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		size_t o2 = push_index(r, i);
		s->n_candidates = i + 1;
		e = read_candidate(r, json_array_get(arr, i), &s->candidates[i]);
		pop(r, o2);
		if (e < 0)
			break;
	}
	pop(r, old);
	return e;
}

int mt_snapshot_from_json(const char *text, size_t len, struct mt_snapshot *ret,
			  char *err, size_t errlen)
{
	struct reader r = { .path = "$", .err = err, .errlen = errlen };
	struct mt_snapshot s = { 0 };
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	int e = read_top(&r, root, &s);
	json_decref(root);
	if (e >= 0 && mt_snapshot_compute(&s) < 0) /* every cause was checked above */
		e = fail(&r, "inconsistent figures");
	if (e < 0) {
		mt_snapshot_free(&s);
		return e;
	}
	*ret = s;
	return 0;
}

/* ---- writer ---- */

json_t *mt_node_zram_figures_json(const struct mt_node *n)
{
	if (!n->zram_swap_total)
		return json_null();
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:b, s:I}",
		"swap_total", (json_int_t)n->zram_swap_total, "swap_free", (json_int_t)n->zram_swap_free,
		"orig_data_size", (json_int_t)n->zram_orig_data_size,
		"mem_used_total", (json_int_t)n->zram_mem_used_total,
		"ratio", isfinite(n->zram_ratio) ? json_real(n->zram_ratio) : json_null(),
		"ratio_measured", n->zram_ratio_measured, "capacity", (json_int_t)n->zram_capacity);
}

static json_t *u64_or(uint64_t v, uint64_t word_value, const char *word)
{
	if (v == word_value)
		return word ? json_string(word) : json_null();
	return json_integer((json_int_t)v);
}

static json_t *candidate_to_json(const struct mt_candidate *c)
{
	const struct mt_candidate_mem *m = &c->mem;
	json_t *o = json_pack("{s:s, s:{s:s, s:I, s:b, s:s, s:I, s:I, s:I}, s:I, s:b, s:I, s:b}",
		"path", c->path,
		"policy", "name", c->policy, "priority", (json_int_t)c->priority,
		"protected", c->protected_, "response", mt_response_to_string(c->response),
		"throttle_floor", (json_int_t)c->throttle_floor, "throttle_step", (json_int_t)c->throttle_step,
		"kill_grace_ms", (json_int_t)c->kill_grace_ms,
		"growth_rate", (json_int_t)c->growth_rate, "growth_known", c->growth_known,
		"age_ms", (json_int_t)c->age_ms, "shmem_survives", c->shmem_survives);
	json_t *mem = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
		"anon", (json_int_t)m->anon, "shmem", (json_int_t)m->shmem, "file", (json_int_t)m->file,
		"file_dirty", (json_int_t)m->file_dirty, "file_writeback", (json_int_t)m->file_writeback,
		"kernel", (json_int_t)m->kernel, "kernel_stack", (json_int_t)m->kernel_stack,
		"pagetables", (json_int_t)m->pagetables, "percpu", (json_int_t)m->percpu,
		"sock", (json_int_t)m->sock, "slab_reclaimable", (json_int_t)m->slab_reclaimable,
		"slab_unreclaimable", (json_int_t)m->slab_unreclaimable,
		"unevictable", (json_int_t)m->unevictable, "swap_current", (json_int_t)m->swap_current,
		"current", (json_int_t)m->current,
		"high", u64_or(m->high, MT_UNLIMITED, "max"), "max", u64_or(m->max, MT_UNLIMITED, "max"));
	json_t *kill = c->kill_in_flight ? json_pack("{s:I}", "started_ms", (json_int_t)c->kill_started_ms)
					 : json_null();
	if (!o || !mem || !kill || json_object_set_new(o, "memory", mem) < 0 ||
	    json_object_set_new(o, "kill", kill) < 0) {
		json_decref(o);
		return NULL;
	}
	/* written only when not the default, so older readers' snapshots stay the same */
	if ((c->kill_failed && json_object_set_new(o, "kill_failed", json_true()) < 0) ||
	    (c->unpopulated && json_object_set_new(o, "populated", json_false()) < 0) ||
	    (c->held && json_object_set_new(o, "hold", json_pack("{s:I, s:I}", "high", (json_int_t)c->hold_high,
								   "swap", (json_int_t)c->hold_swap)) < 0)) {
		json_decref(o);
		return NULL;
	}
	if (c->k8s_namespace && c->k8s_pod && c->k8s_container &&
	    json_object_set_new(o, "kubernetes", json_pack("{s:s, s:s, s:s}", "namespace", c->k8s_namespace,
							   "pod", c->k8s_pod, "container", c->k8s_container)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int mt_snapshot_to_json(const struct mt_snapshot *s, json_t **ret)
{
	const struct mt_node *n = &s->node;
	json_t *arr = json_array();
	json_t *root = json_pack("{s:s, s:i, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:I, s:o}, s:o}",
		"format", MT_SNAPSHOT_FORMAT, "version", MT_SNAPSHOT_VERSION,
		"node", "now_ms", (json_int_t)n->now_ms, "mem_total", (json_int_t)n->mem_total,
		"mem_available", (json_int_t)n->mem_available, "swap_total", (json_int_t)n->swap_total,
		"swap_free", (json_int_t)n->swap_free, "ram_reserve", (json_int_t)n->ram_reserve,
		"swap_reserve", (json_int_t)n->swap_reserve, "psi_some_avg10", n->psi_some_avg10,
		"psi_full_avg10", n->psi_full_avg10, "growth_rate", (json_int_t)n->growth_rate,
		"eta_ms", u64_or(n->eta_ms, MT_NEVER, NULL),
		"candidates", arr);
	if (!root)
		return -ENOMEM;
	if (n->zram_swap_total &&
	    json_object_set_new(json_object_get(root, "node"), "zram",
				json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
					  "swap_total", (json_int_t)n->zram_swap_total,
					  "swap_free", (json_int_t)n->zram_swap_free,
					  "orig_data_size", (json_int_t)n->zram_orig_data_size,
					  "mem_used_total", (json_int_t)n->zram_mem_used_total,
					  "limited_swap_free", (json_int_t)n->zram_limited_swap_free,
					  "limit_room", (json_int_t)n->zram_limit_room)) < 0) {
		json_decref(root);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->n_candidates; i++)
		if (json_array_append_new(arr, candidate_to_json(&s->candidates[i])) < 0) {
			json_decref(root);
			return -ENOMEM;
		}
	*ret = root;
	return 0;
}
