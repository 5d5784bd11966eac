/* The socket server's provider (serve.h): answers from state in memory
 * only (the last snapshot, the record ring, the tree), never from cgroupfs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nodefig.h"
#include "daemon.h"
#include "decide.h"
#include "decision_json.h"
#include "log.h"
#include "mt-config.h"
#include "names.h"
#include "record.h"
#include "select.h"
#include "serve.h"
#include "snapshot_json.h"
#include "provider.h"
#include "reload.h"
#include "view.h"
#include "watch.h"

static json_t *json_u64_or_null(uint64_t v)
{
	return v == UINT64_MAX ? json_null() : json_integer((json_int_t)v);
}

static int count_cb(struct cg *c, void *ud)
{
	unsigned *n = ud;
	n[0] += c->lc.held;
	n[1] += c->lc.kill != MT_LC_KILL_NONE;
	return 0;
}

/* A victim's names: from the record (the recorder puts them in "considered",
 * chosen ones first, and own-limit kills in "victims_k8s"), else from the
 * cgroup if it is still watched; the record outlives the cgroup. */
static json_t *victim_k8s(struct daemon *d, json_t *rec, const char *path)
{
	json_t *k = json_object_get(json_object_get(rec, "victims_k8s"), path);
	if (k)
		return json_incref(k);
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(rec, "considered"), i, c) {
		const char *p = json_string_value(json_object_get(c, "cgroup"));
		if (p && strcmp(p, path) == 0 && json_object_get(c, "k8s"))
			return json_incref(json_object_get(c, "k8s"));
	}
	return names_cg_k8s(watch_find(d, path));
}

static json_t *history_entry(struct daemon *d, json_t *rec)
{
	json_t *victims = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(rec, "targets"), i, t)
		json_array_append_new(victims, json_pack("{s:O, s:o}", "path", t, "k8s",
		                                         json_is_string(t) ? victim_k8s(d, rec, json_string_value(t))
		                                                           : json_null()));
	json_t *measured = json_object_get(rec, "measured_group_bytes")
		? json_pack("{s:O, s:i}", "ram", json_object_get(rec, "measured_group_bytes"), "swap", 0)
		: json_null();
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(rec, "id")));
	return json_pack("{s:s, s:I, s:O, s:O, s:O, s:o, s:O, s:o, s:O}", "id", id, "time_unix_ms",
	                 (json_int_t)view_unix_ms((uint64_t)json_integer_value(json_object_get(rec, "mono_ms"))),
	                 "trigger", json_object_get(rec, "trigger"), "action", json_object_get(rec, "action"),
	                 "dry_run", json_object_get(rec, "dry_run"), "victims", victims, "predicted",
	                 json_object_get(rec, "predicted"), "measured", measured, "outcome",
	                 json_object_get(rec, "outcome") ? json_object_get(rec, "outcome") : json_null());
}

static json_t *p_status(void *ud, struct mt_serve_error *e)
{
	struct daemon *d = ud;
	unsigned n[2] = { 0, 0 };
	watch_for_each_candidate(d, count_cb, n);
	json_t *node = view_node_json(d);
	json_t *last = NULL;
	json_t *list = NULL;
	if (mt_record_ring_list(d->records, 64, &list) == 0) {
		size_t i;
		json_t *r;
		json_array_foreach(list, i, r) {
			const char *a = json_string_value(json_object_get(r, "action"));
			if (a && strcmp(a, "none") != 0) {
				last = history_entry(d, r);
				break;
			}
		}
		json_decref(list);
	}
	json_t *idle_floor = d->look_cost.n ? json_integer((json_int_t)(mt_look_cost_floor_us(&d->look_cost) / 1000))
	                                    : json_null();
	json_t *look = d->look_interval_us ? json_integer((json_int_t)(d->look_interval_us / 1000)) : json_null();
	return json_pack("{s:s, s:I, s:s, s:b, s:{s:I, s:I, s:o, s:o, s:o, s:o}, s:o*, s:{s:s, s:i, s:I, s:o}, s:i, s:i, s:i, s:i, s:o, s:o}",
	                 "version", MT_VERSION, "uptime_ms", (json_int_t)(now_ms() - d->started_ms), "mode",
	                 n[1] ? "killing" : n[0] ? "throttling" : "watching", "dry_run", d->opts.dry_run, "live",
	                 "commit", (json_int_t)d->last_commit, "bound", (json_int_t)d->last_bound, "eta_ms",
	                 json_u64_or_null(d->last_eta_ms), "growth_rate",
	                 json_integer((json_int_t)mt_growth_rate(&d->node_growth)), "look_ms", look,
	                 "idle_floor_ms", idle_floor, "node", node, "policy_set", "path",
	                 d->opts.policy_dir ? d->opts.policy_dir : "<embedded defaults>", "policies",
	                 (int)mt_policy_set_size(d->policies), "loaded_unix_ms",
	                 (json_int_t)view_unix_ms(d->policy_loaded_ms), "last_reload_error",
	                 d->policy_error[0] ? json_string(d->policy_error) : json_null(), "candidates",
	                 (int)d->n_candidates, "throttled", (int)n[0], "kills_in_flight", (int)n[1], "unwatched_cgroups", (int)d->n_unwatched, "last_action",
	                 last ? last : json_null(), "node_error", nodefig_status_json(d));
}

static json_t *p_candidates(void *ud, struct mt_serve_error *e)
{
	return view_candidates_json(ud);
}

static json_t *p_history(void *ud, unsigned limit, struct mt_serve_error *e)
{
	struct daemon *d = ud;
	json_t *list = NULL;
	if (mt_record_ring_list(d->records, (size_t)-1, &list) < 0) {
		e->error = -ENOMEM;
		return NULL;
	}
	json_t *out = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(list, i, r) {
		const char *a = json_string_value(json_object_get(r, "action"));
		if (!a || strcmp(a, "none") == 0)
			continue;
		if (limit && json_array_size(out) >= limit)
			break;
		json_array_append_new(out, history_entry(d, r));
	}
	json_decref(list);
	return json_pack("{s:o}", "actions", out);
}

static json_t *p_explain(void *ud, const char *id, struct mt_serve_error *e)
{
	struct daemon *d = ud;
	uint64_t want = id ? strtoull(id, NULL, 10) : mt_record_ring_last_id(d->records);
	if (want == 0) {
		e->error = id ? -ENOENT : -EAGAIN;
		return NULL;
	}
	json_t *rec = mt_record_ring_get(d->records, want);
	if (!rec) {
		e->error = -ENOENT;
		snprintf(e->message, sizeof e->message, "decision %s is not (or no longer) kept", id ? id : "latest");
		return NULL;
	}
	json_t *out = json_deep_copy(rec);
	json_t *snap = mt_record_ring_snapshot(d->records, want);
	if (snap) {
		/* The selection is pure: re-running it on the kept snapshot gives
		 * the full per-candidate explanation without storing it. */
		char *text = json_dumps(snap, JSON_COMPACT);
		struct mt_snapshot s;
		char err[256];
		if (text && mt_snapshot_from_json(text, strlen(text), &s, err, sizeof err) == 0) {
			struct mt_decision dec;
			if (mt_select(&s, NULL, &dec) == 0) {
				json_t *dj = NULL;
				if (mt_decision_to_json(&s, &dec, &dj) == 0)
					json_object_set_new(out, "explanation", dj);
				mt_decision_free(&dec);
			}
			mt_snapshot_free(&s);
		}
		free(text);
	}
	return out;
}

static json_t *p_snapshot(void *ud, struct mt_serve_error *e)
{
	struct daemon *d = ud;
	if (!d->last_snapshot) {
		e->error = -EAGAIN;
		snprintf(e->message, sizeof e->message, "no snapshot taken yet (the node has been far from its bound)");
		return NULL;
	}
	return json_incref(d->last_snapshot);
}

struct matched_ctx {
	const struct mt_policy *p;
	int n;
};

static int matched_cb(struct cg *c, void *ud)
{
	struct matched_ctx *m = ud;
	m->n += c->policy == m->p;
	return 0;
}

static json_t *p_policies(void *ud, struct mt_serve_error *e)
{
	struct daemon *d = ud;
	json_t *a = json_array();
	for (size_t i = 0; i < mt_policy_set_size(d->policies); i++) {
		const struct mt_policy *p = mt_policy_set_get(d->policies, i);
		struct matched_ctx m = { .p = p };
		watch_for_each_candidate(d, matched_cb, &m);
		char match[512];
		snprintf(match, sizeof match, "%s%s%s%s%s%s%s", p->match.cgroup ? "cgroup " : "",
		         p->match.cgroup ? p->match.cgroup : "", p->match.k8s_namespace ? " k8s namespace " : "",
		         p->match.k8s_namespace ? p->match.k8s_namespace : "", p->match.pod ? " pod " : "",
		         p->match.pod ? p->match.pod : "",
		         !p->match.cgroup && !p->match.k8s_namespace && !p->match.pod ? "any" : "");
		json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:s, s:b, s:s, s:i}", "name", p->name, "file", p->file,
		                                   "priority", p->priority, "response",
		                                   mt_response_to_string(p->response), "protected", p->is_protected,
		                                   "match", match, "matched", m.n));
	}
	return json_pack("{s:s, s:I, s:o, s:o}", "path", d->opts.policy_dir ? d->opts.policy_dir : "<embedded defaults>",
	                 "loaded_unix_ms", (json_int_t)view_unix_ms(d->policy_loaded_ms), "last_reload_error",
	                 d->policy_error[0] ? json_string(d->policy_error) : json_null(), "policies", a);
}

static uint64_t p_generation(void *ud, enum mt_proto_cmd cmd)
{
	return view_generation(ud, cmd);
}

static int p_reload(void *ud, const struct mt_serve_peer *peer, struct mt_serve_error *e)
{
	struct daemon *d = ud;
	char why[64];
	snprintf(why, sizeof why, "socket (pid %d)", (int)peer->pid);
	int r = reload_policies(d, why);
	if (r < 0)
		snprintf(e->message, sizeof e->message, "%.200s", d->policy_error);
	else
		snprintf(e->message, sizeof e->message, "loaded %zu policies", mt_policy_set_size(d->policies));
	return r < 0 ? -EINVAL : 0;
}

static int p_release(void *ud, const struct mt_serve_peer *peer, const char *cgroup, struct mt_serve_error *e)
{
	struct cg *c = watch_find(ud, cgroup);
	int r = c ? decide_release(ud, c) : -ENOENT;
	if (r == -ENOENT)
		snprintf(e->message, sizeof e->message, "%s is not a watched cgroup", cgroup);
	else if (r == -ESRCH)
		snprintf(e->message, sizeof e->message, "%s is not throttled by memtriage", cgroup);
	return r;
}

static int p_set_dry_run(void *ud, const struct mt_serve_peer *peer, bool on, struct mt_serve_error *e)
{
	struct daemon *d = ud;
	d->opts.dry_run = on;
	log_event(LOG_NOTICE, "dry-run", json_pack("{s:b, s:i}", "enabled", on, "peer_pid", (int)peer->pid));
	snprintf(e->message, sizeof e->message, "dry run %s", on ? "on" : "off");
	return 0;
}

static void p_log(void *ud, int priority, const char *message)
{
	log_event(priority, "socket", json_pack("{s:s}", "msg", message));
}

int provider_start(struct daemon *d)
{
	if (!d->opts.socket_path || !*d->opts.socket_path)
		return 0;
	struct mt_serve_provider p = {
		.userdata = d,
		.status = p_status,
		.candidates = p_candidates,
		.history = p_history,
		.explain = p_explain,
		.snapshot = p_snapshot,
		.policies = p_policies,
		.generation = p_generation,
		.reload = p_reload,
		.release = p_release,
		.set_dry_run = p_set_dry_run,
		.log = p_log,
	};
	struct mt_serve_config cfg = { .path = d->opts.socket_path, .group = d->opts.socket_gid };
	struct mt_serve *s = NULL;
	int r = mt_serve_start(d->loop, &cfg, &p, &s);
	if (r < 0) {
		log_msg(LOG_ERR, "socket %s: %s%s", d->opts.socket_path, strerror(-r),
		        r == -EPERM ? " (its directory must be owned by root or memtriaged's uid and writable by no one else, or sticky)" : "");
		return r;
	}
	d->server = s;
	return 0;
}

void provider_stop(struct daemon *d)
{
	mt_serve_stop(d->server);
	d->server = NULL;
}
