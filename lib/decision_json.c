#include "decision_json.h"

#include <errno.h>

#include "snapshot_json.h"

json_t *mt_inelig_to_json(uint32_t bits)
{
	json_t *a = json_array();
	for (uint32_t b = 1; a && b && b <= bits; b <<= 1)
		if ((bits & b) && json_array_append_new(a, json_string(mt_inelig_to_string(b))) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *explain_to_json(const struct mt_candidate *c, const struct mt_explain *e)
{
	bool held = e->reason == MT_REASON_THROTTLE;
	return json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:I, s:s, s:o, s:o, s:o}",
		"path", c->path, "policy", c->policy, "priority", (json_int_t)c->priority,
		"response", mt_response_to_string(c->response),
		"frees_ram", (json_int_t)c->frees_ram, "frees_swap", (json_int_t)c->frees_swap,
		"cost", (json_int_t)c->cost, "growth_rate", (json_int_t)c->growth_rate,
		"growth_known", c->growth_known, "stops", (json_int_t)e->stops,
		"useful_swap", (json_int_t)e->useful_swap, "useful_total", (json_int_t)e->useful_total,
		"reason", mt_reason_to_string(e->reason), "ineligible", mt_inelig_to_json(e->inelig),
		"throttle_to", held ? json_integer((json_int_t)e->throttle_to) : json_null(),
		"pool_paid", held ? json_boolean(e->pool_paid) : json_null());
}

int mt_decision_to_json(const struct mt_snapshot *s, const struct mt_decision *d, json_t **ret)
{
	const struct mt_node *n = &s->node;
	json_t *chosen = json_array(), *cands = json_array();
	json_t *root = json_pack(
		"{s:s, s:i, s:s, s:s, s:b, s:b, s:I, s:o,"
		" s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:b, s:o},"
		" s:{s:I, s:I}, s:{s:I, s:I}, s:{s:I, s:I, s:I}, s:{s:I, s:I}, s:o, s:o}",
		"format", MT_DECISION_FORMAT, "version", MT_DECISION_VERSION,
		"action", mt_action_to_string(d->action), "method", mt_method_to_string(d->method),
		"covered", d->covered, "throttle_due", d->throttle_due, "cost", (json_int_t)d->cost,
		"cost_bound", d->action == MT_ACTION_KILL ? json_integer((json_int_t)d->cost_bound) : json_null(),
		"node", "commit", (json_int_t)n->commit, "bound", (json_int_t)n->bound,
		"headroom", (json_int_t)n->headroom, "reserve", (json_int_t)n->reserve,
		"ram_deficit", (json_int_t)n->ram_deficit, "swap_deficit", (json_int_t)n->swap_deficit,
		"swap_room", (json_int_t)n->swap_room, "swap_has_room", n->swap_has_room,
		"ram_near_reserve", n->ram_near_reserve, "zram", mt_node_zram_figures_json(n),
		"pending", "ram", (json_int_t)d->pending_ram, "swap", (json_int_t)d->pending_swap,
		"target", "swap", (json_int_t)d->target_swap, "total", (json_int_t)d->target_total,
		"projection", "ms", (json_int_t)d->projected_ms, "growth_rate", (json_int_t)d->growth_rate,
		"growth_allowance", (json_int_t)d->growth_allowance,
		"freed", "ram", (json_int_t)d->freed_ram, "swap", (json_int_t)d->freed_swap,
		"chosen", chosen, "candidates", cands);
	if (!root)
		return -ENOMEM;
	for (size_t k = 0; k < d->n_chosen; k++)
		if (json_array_append_new(chosen, json_string(s->candidates[d->chosen[k]].path)) < 0)
			goto oom;
	for (size_t i = 0; i < d->n_explain; i++)
		if (json_array_append_new(cands, explain_to_json(&s->candidates[i], &d->explain[i])) < 0)
			goto oom;
	*ret = root;
	return 0;
oom:
	json_decref(root);
	return -ENOMEM;
}
