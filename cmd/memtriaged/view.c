/* The provider's view of the latest snapshot: see view.h. */
#include "view.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decision_json.h"
#include "log.h"
#include "names.h"
#include "sampler.h"
#include "select.h"
#include "snapshot_json.h"
#include "watch.h"

/* One daemon per process: the cache belongs to it. */
static struct {
	const void *json;         /* d->last_snapshot it was parsed from */
	uint64_t decisions;       /* d->decisions then (guards pointer reuse) */
	bool ok;
	struct mt_snapshot s;
	size_t *by_path;          /* candidate indexes sorted by path */
} cache;

static const struct mt_snapshot *cmp_snap;

static int cmp_path(const void *a, const void *b)
{
	return strcmp(cmp_snap->candidates[*(const size_t *)a].path, cmp_snap->candidates[*(const size_t *)b].path);
}

const struct mt_snapshot *view_snapshot(struct daemon *d)
{
	if (!d->last_snapshot)
		return NULL;
	if (cache.json == d->last_snapshot && cache.decisions == d->decisions)
		return cache.ok ? &cache.s : NULL;
	if (cache.ok)
		mt_snapshot_free(&cache.s);
	free(cache.by_path);
	cache.by_path = NULL;
	cache.json = d->last_snapshot;
	cache.decisions = d->decisions;
	cache.ok = false;
	char *text = json_dumps(d->last_snapshot, JSON_COMPACT);
	char err[256];
	if (text && mt_snapshot_from_json(text, strlen(text), &cache.s, err, sizeof err) == 0) {
		cache.by_path = calloc(cache.s.n_candidates ? cache.s.n_candidates : 1, sizeof *cache.by_path);
		if (cache.by_path) {
			for (size_t i = 0; i < cache.s.n_candidates; i++)
				cache.by_path[i] = i;
			cmp_snap = &cache.s;
			qsort(cache.by_path, cache.s.n_candidates, sizeof *cache.by_path, cmp_path);
			cache.ok = true;
		} else
			mt_snapshot_free(&cache.s);
	} else if (text)
		log_msg(LOG_ERR, "the daemon's own snapshot does not parse: %s", err);
	free(text);
	return cache.ok ? &cache.s : NULL;
}

static const struct mt_candidate *find(const struct mt_snapshot *s, const char *path)
{
	size_t lo = 0, hi = s->n_candidates;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(path, s->candidates[cache.by_path[mid]].path);
		if (c == 0)
			return &s->candidates[cache.by_path[mid]];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The wall clock minus now_ms(), in milliseconds. */
static int64_t clock_offset_ms(void)
{
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	int64_t now_unix = (int64_t)rt.tv_sec * 1000 + rt.tv_nsec / 1000000;
	return now_unix - (int64_t)now_ms();
}

int64_t view_unix_ms(uint64_t mono_ms)
{
	return clock_offset_ms() + (int64_t)mono_ms;
}

uint64_t view_generation(struct daemon *d, enum mt_proto_cmd cmd)
{
	switch (cmd) {
	case MT_PROTO_CMD_CANDIDATES: {
		int64_t off = clock_offset_ms();
		if (off > d->shown_clock_offset_ms + 1 || off < d->shown_clock_offset_ms - 1)
			d->view_gen++;
		/* each counter only grows: the sum changes with any of them;
		 * + 1: 0 would mean "not cached" */
		return d->tree_gen + d->step_gen + d->view_gen + 1;
	}
	case MT_PROTO_CMD_SNAPSHOT:
		return d->decisions;
	default:
		return 0;
	}
}

json_t *view_node_json(struct daemon *d)
{
	json_t *in = d->last_snapshot ? json_object_get(d->last_snapshot, "node") : NULL;
	if (!in)
		return NULL;
	json_t *o = json_deep_copy(in);
	const struct mt_snapshot *s = view_snapshot(d);
	if (!o || !s)
		return o;
	const struct mt_node *n = &s->node;
	json_t *add = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "commit", (json_int_t)n->commit, "bound",
	                        (json_int_t)n->bound, "headroom", (json_int_t)n->headroom, "ram_deficit",
	                        (json_int_t)n->ram_deficit, "swap_deficit", (json_int_t)n->swap_deficit,
	                        "measured_unix_ms", (json_int_t)view_unix_ms(n->now_ms),
	                        "zram_figures", mt_node_zram_figures_json(n));
	json_object_update(o, add);
	json_decref(add);
	return o;
}

static json_t *limit_json(uint64_t v)
{
	return v == MT_UNLIMITED ? json_null() : json_integer((json_int_t)v);
}

struct row {
	json_t *o;
	int group;                /* 0 being killed, 1 eligible, 2 unmeasured, 3 ineligible */
	uint64_t cost, frees;
	const char *path;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	if (x->frees != y->frees)
		return x->frees > y->frees ? -1 : 1;
	return strcmp(x->path, y->path);
}

struct rows {
	const struct mt_snapshot *s;
	struct row *v;
	size_t n, cap;
};

static int row_cb(struct cg *c, void *ud)
{
	struct rows *rs = ud;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		struct row *v = realloc(rs->v, cap * sizeof *v);
		if (!v)
			return 1;
		rs->v = v;
		rs->cap = cap;
	}
	const struct mt_policy *p = c->policy;
	bool killing = c->lc.kill != MT_LC_KILL_NONE;
	int64_t growth = 0;
	bool growth_known = sampler_growth(c, &growth);
	json_t *o = json_pack("{s:s, s:o, s:s, s:i, s:b, s:s, s:b, s:b, s:I, s:b}", "path", c->relpath, "k8s",
	                      names_cg_k8s(c), "policy", p ? p->name : "", "priority", p ? p->priority : 0,
	                      "protected", p ? p->is_protected : true, "response",
	                      p ? mt_response_to_string(p->response) : "observe", "throttled", c->lc.held,
	                      "kill_in_flight", killing, "growth_rate", (json_int_t)growth, "growth_known",
	                      growth_known);
	if (!o)
		return 1;
	if (c->events_valid)
		json_object_set_new(o, "events", json_pack("{s:I, s:I, s:I, s:I}", "high", (json_int_t)c->events.high,
		                                           "max", (json_int_t)c->events.max, "oom",
		                                           (json_int_t)c->events.oom, "oom_kill",
		                                           (json_int_t)c->events.oom_kill));
	else
		json_object_set_new(o, "events", json_null());
	/* Figures of the latest snapshot; a cgroup that appeared since has
	 * none yet: null, never a guess. */
	const struct mt_candidate *m = rs->s ? find(rs->s, c->relpath) : NULL;
	struct row *r = &rs->v[rs->n++];
	*r = (struct row){ .o = o, .path = c->relpath, .group = killing ? 0 : 2 };
	if (m) {
		json_t *inelig = mt_inelig_to_json(m->kill_inelig);
		json_t *add = json_pack("{s:I, s:I, s:o, s:o, s:I, s:I, s:I, s:o}", "current",
		                        (json_int_t)m->mem.current, "swap_current", (json_int_t)m->mem.swap_current,
		                        "high", limit_json(m->mem.high), "max", limit_json(m->mem.max), "frees_ram",
		                        (json_int_t)m->frees_ram, "frees_swap", (json_int_t)m->frees_swap, "cost",
		                        (json_int_t)m->cost, "ineligible", inelig);
		json_object_update(o, add);
		json_decref(add);
		if (!killing)
			r->group = m->kill_inelig ? 3 : 1;
		r->cost = m->cost;
		r->frees = m->frees_ram + m->frees_swap;
	} else {
		static const char *const unknown[] = { "current", "swap_current", "high", "max",
		                                       "frees_ram", "frees_swap", "cost", "ineligible" };
		for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
			json_object_set_new(o, unknown[i], json_null());
	}
	return 0;
}

static int held_out_cb(struct cg *c, struct cg *guard, void *ud)
{
	json_array_append_new(ud, json_pack("{s:s, s:s, s:s, s:s}", "path", c->relpath, "policy",
	                                    c->policy ? c->policy->name : "", "why",
	                                    mt_candidacy_why_to_string(c->cand.why), "guard", guard->relpath));
	return 0;
}

json_t *view_candidates_json(struct daemon *d)
{
	struct rows rs = { .s = view_snapshot(d) };
	watch_for_each_candidate(d, row_cb, &rs);
	/* First to go first: kills in flight, then the eligible by cost (the
	 * selection's rank order: cost ascending, then larger frees), then
	 * those not measured yet, then the ineligible. */
	qsort(rs.v, rs.n, sizeof *rs.v, cmp_row);
	json_t *a = json_array();
	for (size_t i = 0; i < rs.n; i++) {
		json_object_set_new(rs.v[i].o, "rank", json_integer((json_int_t)i + 1));
		json_array_append_new(a, rs.v[i].o);
	}
	free(rs.v);
	json_t *held = json_array();
	watch_for_each_held_out(d, held_out_cb, held);
	json_t *out = json_pack("{s:o, s:o}", "candidates", a, "held_out", held);
	/* Kept for view_generation(): the clock this reply's text was made with. */
	d->shown_clock_offset_ms = clock_offset_ms();
	if (rs.s)
		json_object_set_new(out, "measured_unix_ms",
		                    json_integer((json_int_t)(d->shown_clock_offset_ms + (int64_t)rs.s->node.now_ms)));
	else
		json_object_set_new(out, "measured_unix_ms", json_null());
	return out;
}
