/* memtriage history and memtriage explain: what the daemon did, and why. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "humanize.h"
#include "render.h"
#include "table.h"
#include "verbs.h"

#define WHO_WIDTH 48

/* "1.2 GiB RAM + 300.0 MiB swap" from {"ram":..,"swap":..}; "-" if absent. */
static const char *freed(json_t *o, char *buf, size_t size)
{
	char a[MT_CELL_MAX], b[MT_CELL_MAX];

	if (!json_is_object(o))
		return "-";
	snprintf(buf, size, "%s + %s swap", mt_cell_bytes(o, "ram", a), mt_cell_bytes(o, "swap", b));
	return buf;
}

static int render_history(const struct mt_cli *cli, json_t *result, FILE *f)
{
	static const char *const columns[] = {
		"ID", "TIME", "ACTION", "TRIGGER", "VICTIMS", ">PREDICTED FREED", ">MEASURED FREED",
		"OUTCOME",
	};
	json_t *list = json_object_get(result, "actions");
	char who[512], t1[MT_CELL_MAX], p[128], m[128];
	size_t i;
	json_t *a;

	if (!json_is_array(list)) {
		fprintf(f, "(the daemon sent no action list)\n");
		return ferror(f) ? -EIO : 0;
	}
	if (json_array_size(list) == 0) {
		fprintf(f, "no actions yet\n");
		return ferror(f) ? -EIO : 0;
	}
	struct mt_table *t = mt_table_new(sizeof(columns) / sizeof(columns[0]), columns);
	if (!t)
		return -ENOMEM;
	/* Narrow terminals lose the trigger, then the prediction, then the
	 * measurement: 'explain ID' has them all. */
	mt_table_fit(t, 3, MT_FIT_END, 4, 1);
	mt_table_fit(t, 4, MT_FIT_END, 24, 0);
	mt_table_fit(t, 5, MT_FIT_KEEP, 0, 2);
	mt_table_fit(t, 6, MT_FIT_KEEP, 0, 3);
	mt_table_fit(t, 7, MT_FIT_END, 8, 0);
	json_array_foreach(list, i, a) {
		json_t *victims = json_object_get(a, "victims");
		const char *action = mt_cell_str(a, "action");
		bool dry = json_is_true(json_object_get(a, "dry_run"));
		mt_table_row(t);
		mt_table_cell(t, mt_cell_id(a, "id", t1), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_when(a, t1), MT_COLOR_NONE);
		mt_table_cellf(t, strcmp(action, "kill") == 0 && !dry ? MT_COLOR_RED : MT_COLOR_NONE,
		               "%s%s", action, dry ? " (dry run)" : "");
		mt_table_cell(t, mt_cell_str(a, "trigger"), MT_COLOR_NONE);
		size_t nv = json_array_size(victims);
		if (nv == 0)
			mt_table_cell(t, json_is_array(victims) ? "none" : "-", MT_COLOR_NONE);
		else if (nv == 1 || cli->wide) {
			/* --wide lists every victim; a table row stays one line. */
			char all[2048] = "";
			size_t n = 0, k;
			json_t *v;
			json_array_foreach(victims, k, v)
				if (n < sizeof(all))
					n += (size_t)snprintf(all + n, sizeof(all) - n, "%s%s", k ? ", " : "",
					                      mt_cell_who(v, cli->wide ? 0 : WHO_WIDTH, who, sizeof(who)));
			mt_table_cell(t, all, MT_COLOR_NONE);
		} else
			mt_table_cellf(t, MT_COLOR_NONE, "%s and %zu more",
			               mt_cell_who(json_array_get(victims, 0), WHO_WIDTH, who, sizeof(who)),
			               nv - 1);
		mt_table_cell(t, freed(json_object_get(a, "predicted"), p, sizeof(p)), MT_COLOR_NONE);
		json_t *meas = json_object_get(a, "measured");
		mt_table_cell(t, json_is_null(meas) ? "not yet" : freed(meas, m, sizeof(m)), MT_COLOR_NONE);
		const char *outcome = mt_cell_str(a, "outcome");
		mt_table_cell(t, outcome, strcmp(outcome, "stuck") == 0 || strcmp(outcome, "failed") == 0 ?
		              MT_COLOR_RED : MT_COLOR_NONE);
	}
	int r = mt_table_print(t, f, cli->color, cli->width);
	mt_table_free(t);
	return r;
}

static int on_history_option(int index, const char *arg, void *userdata)
{
	struct mt_proto_request *req = userdata;
	char *end;

	errno = 0;
	unsigned long n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || n < 1 || n > MT_PROTO_MAX_HISTORY) {
		fprintf(stderr, "memtriage history: --limit: '%s' is not a number in 1..%d\n", arg,
		        MT_PROTO_MAX_HISTORY);
		return -1;
	}
	req->history_limit = (unsigned)n;
	return 0;
}

int mt_verb_history(int argc, char **argv)
{
	static const struct mt_cli_option options[] = {
		{ "limit", 'n', true, "show the N most recent actions (default: all kept)" },
		{ 0 },
	};
	struct mt_cli cli = { 0 };
	struct mt_proto_request req = { .cmd = MT_PROTO_CMD_HISTORY };
	int first;

	int r = mt_cli_parse(&cli, argc, argv, "",
	                     "List recent actions, newest first: when, what triggered the decision,\n"
	                     "throttle or kill (or a dry run of one), the victims, and the memory the\n"
	                     "decision predicted a kill would free beside what was measured after it.\n"
	                     "Pass an ID to 'memtriage explain' for the reasoning.",
	                     options, on_history_option, &req, &first);
	if (r < 0)
		return mt_cli_parse_exit(r);
	if (first < argc) {
		mt_cli_error(&cli, "unexpected argument '%s' (see --help)", argv[first]);
		return MT_EXIT_USAGE;
	}
	return mt_cli_query_render(&cli, &req, render_history);
}

static const char *reason_text(json_t *c, char *buf, size_t size)
{
	const char *reason = mt_cell_str(c, "reason");
	json_t *inelig = json_object_get(c, "ineligible");
	char b[MT_CELL_MAX];

	if (strcmp(reason, "ineligible") == 0 && json_array_size(inelig) > 0) {
		size_t n = (size_t)snprintf(buf, size, "ineligible:"), i;
		json_t *v;
		json_array_foreach(inelig, i, v)
			if (n < size)
				n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "," : " ",
				                      json_is_string(v) ? json_string_value(v) : "?");
		return buf;
	}
	if (strcmp(reason, "throttle") == 0) {
		snprintf(buf, size, "throttle to %s", mt_cell_bytes(c, "throttle_to", b));
		return buf;
	}
	return reason;
}

/* Whether candidate c was chosen: its own "chosen" boolean, or its path in
 * the decision's "chosen" list (the memtriage-decision format). */
static bool is_chosen(json_t *c, json_t *chosen_list)
{
	json_t *own = json_object_get(c, "chosen"), *p;
	const char *path = json_string_value(json_object_get(c, "path"));
	size_t i;

	if (json_is_boolean(own))
		return json_is_true(own);
	json_array_foreach(chosen_list, i, p)
		if (path && json_is_string(p) && strcmp(json_string_value(p), path) == 0)
			return true;
	return false;
}

/* The result is the daemon's decision record; its "explanation" (when the
 * snapshot is still kept) is a memtriage-decision object. Members are read
 * from the explanation first, then from the record. */
static int render_explain(const struct mt_cli *cli, json_t *e, FILE *f)
{
	static const char *const columns[] = {
		"", "CGROUP", "POLICY", ">PRIO", ">FREES RAM", ">SWAP", ">COST", "REASON",
	};
	json_t *x = json_object_get(e, "explanation");
	if (!json_is_object(x))
		x = e;
	json_t *node = mt_member(x, e, "node");
	json_t *target = mt_member(x, e, "target");
	if (!target)
		target = mt_member(x, e, "targets");
	char t1[MT_CELL_MAX], a[MT_CELL_MAX], b[MT_CELL_MAX], c1[MT_CELL_MAX], who[512], rs[256];
	json_t *cands = mt_member(x, e, "candidates"), *c;
	size_t i;

	json_t *outcome = json_object_get(e, "outcome");
	fprintf(f, "%-12s%s at %s, trigger %s%s%s%s\n", "decision", mt_cell_id(e, "id", c1),
	        mt_cell_when(e, t1), mt_cell_str(e, "trigger"),
	        json_is_true(json_object_get(e, "dry_run")) ? " (dry run)" : "",
	        json_is_string(outcome) ? ", outcome " : "",
	        json_is_string(outcome) ? json_string_value(outcome) : "");
	fprintf(f, "%-12sRAM %s, swap %s\n", "deficit", mt_cell_bytes(node, "ram_deficit", a),
	        mt_cell_bytes(node, "swap_deficit", b));
	fprintf(f, "%-12sswap %s, total %s (credited to kills in flight: ", "to free",
	        mt_cell_bytes(target, "swap", a), mt_cell_bytes(target, "total", b));
	fprintf(f, "%s)\n", freed(mt_member(x, e, "pending"), rs, sizeof(rs)));
	json_t *proj = mt_member(x, e, "projection");
	if (json_is_object(proj) && json_integer_value(json_object_get(proj, "ms")) > 0)
		fprintf(f, "%-12sover %s ms, growth %s/s: %s of the total (doc/selection.md, \"Growing deficits\")\n",
		        "projected", mt_cell_int(proj, "ms", c1), mt_cell_bytes(proj, "growth_rate", a),
		        mt_cell_bytes(proj, "growth_allowance", b));
	json_t *act = mt_member(x, e, "action");
	const char *action = json_is_string(act) ? json_string_value(act) : "-";
	fprintf(f, "%-12s", "action");
	mt_color_fputs(f, cli->color, strcmp(action, "kill") == 0 ? MT_COLOR_RED : MT_COLOR_NONE, action);
	json_t *covered = mt_member(x, e, "covered");
	json_t *method = mt_member(x, e, "method");
	json_t *fr = mt_member(x, e, "freed");
	if (!fr)
		fr = json_object_get(e, "predicted");
	fprintf(f, " (method %s%s), frees %s, cost %s\n",
	        json_is_string(method) ? json_string_value(method) : "-",
	        json_is_false(covered) && strcmp(action, "kill") == 0 ? "; does NOT cover the deficit" : "",
	        freed(fr, rs, sizeof(rs)), mt_cell_int(x, "cost", c1));
	if (x == e && json_object_get(e, "explanation") == NULL && !json_is_array(cands)) {
		json_t *tg = json_object_get(e, "targets"), *v;
		json_array_foreach(tg, i, v)
			fprintf(f, "%-12s%s\n", i ? "" : "targets", json_is_string(v) ? json_string_value(v) : "?");
		fprintf(f, "\nno per-candidate explanation: the snapshot of this decision is no longer kept\n");
		return ferror(f) ? -EIO : 0;
	}
	if (!json_is_array(cands) || json_array_size(cands) == 0) {
		fprintf(f, "\nno candidates were considered\n");
		return ferror(f) ? -EIO : 0;
	}
	fputc('\n', f);
	struct mt_table *t = mt_table_new(sizeof(columns) / sizeof(columns[0]), columns);
	if (!t)
		return -ENOMEM;
	mt_table_fit(t, 1, MT_FIT_MIDDLE, 32, 0);
	mt_table_fit(t, 2, MT_FIT_END, 6, 3);
	mt_table_fit(t, 3, MT_FIT_KEEP, 0, 1);
	mt_table_fit(t, 5, MT_FIT_KEEP, 0, 2);
	mt_table_fit(t, 6, MT_FIT_KEEP, 0, 4);
	mt_table_fit(t, 7, MT_FIT_END, 16, 0);
	json_t *chosen_list = json_object_get(x, "chosen");
	json_array_foreach(cands, i, c) {
		bool chosen = is_chosen(c, chosen_list);
		mt_table_row(t);
		mt_table_cell(t, chosen ? "*" : "", chosen ? MT_COLOR_BOLD : MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_who(c, 0, who, sizeof(who)), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_str(c, "policy"), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_int(c, "priority", a), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_bytes(c, "frees_ram", a), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_bytes(c, "frees_swap", a), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_int(c, "cost", a), MT_COLOR_NONE);
		mt_table_cell(t, reason_text(c, rs, sizeof(rs)), chosen ? MT_COLOR_BOLD : MT_COLOR_NONE);
	}
	int r = mt_table_print(t, f, cli->color, cli->width);
	mt_table_free(t);
	if (r == 0)
		fprintf(f, "\n* chosen. Reasons: kill/throttle = chosen; dominated = cheaper candidates\n"
		           "free as much; costlier = the chosen set costs less; not-needed = enough\n"
		           "without it; no-pressure = nothing to do. See memtriage(1).\n");
	return r < 0 || ferror(f) ? -EIO : 0;
}

int mt_verb_explain(int argc, char **argv)
{
	struct mt_cli cli = { 0 };
	struct mt_proto_request req = { .cmd = MT_PROTO_CMD_EXPLAIN };
	int first;

	int r = mt_cli_parse(&cli, argc, argv, "[ID]",
	                     "Explain a decision (default: the latest): the deficits it saw, what it\n"
	                     "had to free, the action and its cost, and every candidate with its\n"
	                     "numbers and why it was or was not chosen. IDs come from 'memtriage\n"
	                     "history'.",
	                     NULL, NULL, NULL, &first);
	if (r < 0)
		return mt_cli_parse_exit(r);
	if (argc - first > 1) {
		mt_cli_error(&cli, "at most one decision ID (see --help)");
		return MT_EXIT_USAGE;
	}
	if (first < argc) {
		/* memtriaged numbers its decisions (the "ID" column of history):
		 * anything else cannot name one, so it is refused before
		 * connecting. */
		size_t n = strlen(argv[first]);
		if (n == 0 || n > 19 || strspn(argv[first], "0123456789") != n) {
			mt_cli_error(&cli, "'%s' is not a decision ID (a number from 'memtriage history')",
			             argv[first]);
			return MT_EXIT_USAGE;
		}
		memcpy(req.explain_id, argv[first], n + 1);
	}
	return mt_cli_query_render(&cli, &req, render_explain);
}
