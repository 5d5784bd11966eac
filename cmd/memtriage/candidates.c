/* memtriage candidates: the ranked cgroups and what a kill would free. */
#include <errno.h>
#include <string.h>

#include "render.h"
#include "table.h"
#include "verbs.h"

/* Fitting a terminal (table.h): the cgroup keeps at least 32 columns (a
 * Kubernetes pod's path ends in a 77-character scope name; 32 still shows
 * its slice and the start of its leaf), then the columns that matter least
 * for "who goes first, and what does it free" go first: PRIO (COST already
 * carries it), COST, EVENTS, the two SWAP columns, RESPONSE, POLICY. */
#define WHO_MIN 32

static const char *const columns[] = {
	">#", "CGROUP", "POLICY", ">PRIO", "RESPONSE", ">MEMORY", ">SWAP",
	">KILL FREES RAM", ">SWAP", ">COST", "STATE", "EVENTS",
};

/* --wide: the full cgroup path (what `release` takes), and the Kubernetes
 * names in a column of their own. */
static const char *const wide_columns[] = {
	">#", "CGROUP", "KUBERNETES", "POLICY", ">PRIO", "RESPONSE", ">MEMORY", ">SWAP",
	">KILL FREES RAM", ">SWAP", ">COST", "STATE", "EVENTS",
};

static void state_cell(struct mt_table *t, json_t *c)
{
	json_t *inelig = json_object_get(c, "ineligible");
	json_t *throttled = json_object_get(c, "throttled");
	char buf[256] = "", cell[MT_CELL_MAX];
	size_t i;
	json_t *v;

	if (json_is_true(json_object_get(c, "kill_in_flight")))
		mt_table_cell(t, "being killed", MT_COLOR_RED);
	else if (json_array_size(inelig) > 0) {
		size_t n = (size_t)snprintf(buf, sizeof(buf), "ineligible:");
		json_array_foreach(inelig, i, v)
			if (n < sizeof(buf))
				n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "," : " ",
				                      json_is_string(v) ? json_string_value(v) : "?");
		mt_table_cell(t, buf, MT_COLOR_DIM);
	} else if (json_is_true(throttled))
		mt_table_cellf(t, MT_COLOR_YELLOW, "throttled at %s", mt_cell_bytes(c, "high", cell));
	else if (json_is_false(throttled) && json_is_array(inelig))
		mt_table_cell(t, "eligible", MT_COLOR_NONE);
	else
		mt_table_cell(t, "-", MT_COLOR_NONE);
}

static void events_cell(struct mt_table *t, json_t *c)
{
	static const char *const keys[] = { "high", "max", "oom", "oom_kill" };
	json_t *ev = json_object_get(c, "events");
	char buf[128] = "";
	size_t n = 0;
	bool oom = false;

	if (!json_is_object(ev)) {
		mt_table_cell(t, "-", MT_COLOR_NONE);
		return;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		uint64_t v;
		if (!mt_json_u64(ev, keys[i], &v) || v == 0)
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s %llu", n ? ", " : "", keys[i],
		                      (unsigned long long)v);
		oom |= i >= 2;
	}
	mt_table_cell(t, n ? buf : "none", oom ? MT_COLOR_RED : MT_COLOR_NONE);
}

/* Groups whose own policy would allow acting on them, held out because a
 * protected (or memtriage's own) group lies below: one line each. */
static void held_out(json_t *result, FILE *f)
{
	json_t *held = json_object_get(result, "held_out"), *h;
	size_t i;
	json_array_foreach(held, i, h)
		fprintf(f, "not a candidate: %s (policy %s): %s lies below it\n", mt_cell_str(h, "path"),
		        mt_cell_str(h, "policy"), mt_cell_str(h, "guard"));
}

int mt_render_candidates(const struct mt_cli *cli, json_t *result, FILE *f, size_t max_rows)
{
	json_t *list = json_object_get(result, "candidates");
	char who[512], b[6][MT_CELL_MAX];
	size_t i;
	json_t *c;

	if (!json_is_array(list)) {
		fprintf(f, "(the daemon sent no candidate list)\n");
		return ferror(f) ? -EIO : 0;
	}
	if (json_array_size(list) == 0) {
		fprintf(f, "no candidates: no cgroup is watched\n");
		return ferror(f) ? -EIO : 0;
	}
	struct mt_table *t = cli->wide ?
		mt_table_new(sizeof(wide_columns) / sizeof(wide_columns[0]), wide_columns) :
		mt_table_new(sizeof(columns) / sizeof(columns[0]), columns);
	if (!t)
		return -ENOMEM;
	if (!cli->wide) {
		mt_table_fit(t, 1, MT_FIT_MIDDLE, WHO_MIN, 0);
		mt_table_fit(t, 2, MT_FIT_END, 6, 7);
		mt_table_fit(t, 3, MT_FIT_KEEP, 0, 1);
		mt_table_fit(t, 4, MT_FIT_END, 8, 6);
		mt_table_fit(t, 6, MT_FIT_KEEP, 0, 5);
		mt_table_fit(t, 8, MT_FIT_KEEP, 0, 4);
		mt_table_fit(t, 9, MT_FIT_KEEP, 0, 2);
		mt_table_fit(t, 10, MT_FIT_END, 20, 0);
		mt_table_fit(t, 11, MT_FIT_END, 8, 3);
	}
	json_array_foreach(list, i, c) {
		if (max_rows && i >= max_rows)
			break;
		mt_table_row(t);
		mt_table_cell(t, mt_cell_int(c, "rank", b[0]), MT_COLOR_NONE);
		if (cli->wide) {
			mt_table_cell(t, mt_cell_str(c, "path"), MT_COLOR_NONE);
			mt_table_cell(t, mt_cell_k8s(c, who, sizeof(who)), MT_COLOR_NONE);
		} else
			mt_table_cell(t, mt_cell_who(c, 0, who, sizeof(who)), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_str(c, "policy"), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_int(c, "priority", b[1]), MT_COLOR_NONE);
		mt_table_cell(t, json_is_true(json_object_get(c, "protected")) ? "protected" :
		              mt_cell_str(c, "response"), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_bytes(c, "current", b[2]), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_bytes(c, "swap_current", b[3]), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_bytes(c, "frees_ram", b[4]), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_bytes(c, "frees_swap", b[5]), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_int(c, "cost", b[0]), MT_COLOR_NONE);
		state_cell(t, c);
		events_cell(t, c);
	}
	int r = mt_table_print(t, f, cli->color, cli->width);
	if (r == 0 && max_rows && json_array_size(list) > max_rows)
		fprintf(f, "... and %zu more\n", json_array_size(list) - max_rows);
	mt_table_free(t);
	if (r == 0 && !max_rows)
		held_out(result, f);
	return r < 0 || ferror(f) ? -EIO : 0;
}

static int render_all(const struct mt_cli *cli, json_t *result, FILE *f)
{
	return mt_render_candidates(cli, result, f, 0);
}

int mt_verb_candidates(int argc, char **argv)
{
	return mt_verb_query(argc, argv, MT_PROTO_CMD_CANDIDATES,
	                     "List the cgroups memtriage may act on, ranked (first = first to go):\n"
	                     "Kubernetes namespace/pod/container where known, else the cgroup path;\n"
	                     "policy, priority and response; memory and swap in use; what a kill\n"
	                     "would free in RAM and swap; its cost; throttle state or why it is\n"
	                     "ineligible; and its memory.events counters. Then each group its policy\n"
	                     "would allow but that is no candidate because a protected group (or\n"
	                     "memtriage's own) lies below it.",
	                     render_all);
}
