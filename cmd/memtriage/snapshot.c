/* memtriage snapshot and memtriage policies. */
#include <errno.h>
#include <string.h>

#include "render.h"
#include "table.h"
#include "verbs.h"

/* A snapshot is data for `memtriage simulate`, not a report: it prints as
 * JSON whatever -o says. */
static int render_snapshot(const struct mt_cli *cli, json_t *result, FILE *f)
{
	return mt_cli_print_json(cli, result) == MT_EXIT_OK ? 0 : -EIO;
}

int mt_verb_snapshot(int argc, char **argv)
{
	return mt_verb_query(argc, argv, MT_PROTO_CMD_SNAPSHOT,
	                     "Print the snapshot the latest decision was made from, as JSON in the\n"
	                     "format 'memtriage simulate' reads, so a decision can be replayed and\n"
	                     "examined off the node:\n"
	                     "    memtriage snapshot > node.json && memtriage simulate node.json",
	                     render_snapshot);
}

static int render_policies(const struct mt_cli *cli, json_t *result, FILE *f)
{
	static const char *const columns[] = {
		"NAME", "FILE", ">PRIO", "RESPONSE", ">MATCHED", "MATCH",
	};
	json_t *list = json_object_get(result, "policies"), *p;
	char t1[MT_CELL_MAX], a[MT_CELL_MAX];
	size_t i;

	fprintf(f, "policy set %s, loaded %s\n", mt_cell_str(result, "path"),
	        mt_cell_time(result, "loaded_unix_ms", t1));
	json_t *rerr = json_object_get(result, "last_reload_error");
	if (json_is_string(rerr)) {
		fputs("last reload failed (the set below is still in force): ", f);
		mt_color_fputs(f, cli->color, MT_COLOR_RED, json_string_value(rerr));
		fputc('\n', f);
	}
	if (!json_is_array(list) || json_array_size(list) == 0) {
		fprintf(f, "%s\n", json_is_array(list) ? "no policies loaded" : "(the daemon sent no policy list)");
		return ferror(f) ? -EIO : 0;
	}
	fputc('\n', f);
	struct mt_table *t = mt_table_new(sizeof(columns) / sizeof(columns[0]), columns);
	if (!t)
		return -ENOMEM;
	mt_table_fit(t, 0, MT_FIT_END, 12, 0);
	mt_table_fit(t, 1, MT_FIT_END, 12, 2);
	mt_table_fit(t, 2, MT_FIT_KEEP, 0, 1);
	mt_table_fit(t, 5, MT_FIT_END, 16, 0);
	json_array_foreach(list, i, p) {
		mt_table_row(t);
		mt_table_cell(t, mt_cell_str(p, "name"), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_str(p, "file"), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_int(p, "priority", a), MT_COLOR_NONE);
		bool prot = json_is_true(json_object_get(p, "protected"));
		mt_table_cell(t, prot ? "protected" : mt_cell_str(p, "response"),
		              prot ? MT_COLOR_GREEN : MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_int(p, "matched", a), MT_COLOR_NONE);
		mt_table_cell(t, mt_cell_str(p, "match"), MT_COLOR_NONE);
	}
	int r = mt_table_print(t, f, cli->color, cli->width);
	mt_table_free(t);
	return r;
}

int mt_verb_policies(int argc, char **argv)
{
	return mt_verb_query(argc, argv, MT_PROTO_CMD_POLICIES,
	                     "Show the loaded policy set: each policy's name, file, priority and\n"
	                     "response, how many cgroups it matches now and what it matches; and the\n"
	                     "last reload error, if the last reload failed. The format of policy\n"
	                     "files is in memtriage-policy(5).",
	                     render_policies);
}
