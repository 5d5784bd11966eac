/* memtriage status: what the daemon sees now. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "humanize.h"
#include "render.h"
#include "table.h"
#include "verbs.h"

/* "3.1 GiB of 7.8 GiB (39.7%)" when both are known. */
static void used_of(json_t *node, uint64_t used, bool have_used, const char *total_key,
                    char *out, size_t size)
{
	uint64_t total;
	char a[MT_HUMANIZE_MAX], b[MT_HUMANIZE_MAX], p[MT_HUMANIZE_MAX];

	if (!have_used || !mt_json_u64(node, total_key, &total)) {
		snprintf(out, size, "-");
		return;
	}
	mt_humanize_bytes(used, a, sizeof(a));
	mt_humanize_bytes(total, b, sizeof(b));
	mt_humanize_ratio(used, total, p, sizeof(p));
	snprintf(out, size, "%s of %s (%s)", a, b, p);
}

static void line(FILE *f, bool color, const char *key, enum mt_color c, const char *value)
{
	fprintf(f, "%-12s", key);
	mt_color_fputs(f, color, c, value);
	fputc('\n', f);
}

int mt_render_status(const struct mt_cli *cli, json_t *st, FILE *f)
{
	/* "node" holds the snapshot's figures; "live" the daemon's latest
	 * commit/bound/growth between snapshots. Either may be absent. */
	json_t *node = json_is_object(json_object_get(st, "node")) ?
	               json_deep_copy(json_object_get(st, "node")) : json_object();
	json_t *live = json_object_get(st, "live"), *lv;
	const char *lk;
	json_object_foreach(live, lk, lv)
		if (!json_object_get(node, lk))
			json_object_set(node, lk, lv);
	json_t *ps = json_object_get(st, "policy_set");
	char buf[256], c1[MT_CELL_MAX], c2[MT_CELL_MAX], c3[MT_CELL_MAX];
	uint64_t total, avail, stotal, sfree, v;
	bool color = cli->color;

	const char *mode = mt_cell_str(st, "mode");
	json_t *dry = json_object_get(st, "dry_run");
	snprintf(buf, sizeof(buf), "memtriaged %s, up %s", mt_cell_str(st, "version"),
	         mt_cell_duration(st, "uptime_ms", c1));
	line(f, color, "daemon", MT_COLOR_NONE, buf);
	line(f, color, "mode", strcmp(mode, "killing") == 0 ? MT_COLOR_RED :
	     strcmp(mode, "throttling") == 0 ? MT_COLOR_YELLOW : MT_COLOR_NONE, mode);
	line(f, color, "dry run", json_is_true(dry) ? MT_COLOR_YELLOW : MT_COLOR_NONE,
	     json_is_boolean(dry) ? (json_is_true(dry) ? "on (decisions are recorded, not acted on)" : "off") : "-");

	bool have = mt_json_u64(node, "mem_total", &total) && mt_json_u64(node, "mem_available", &avail) &&
	            avail <= total;
	used_of(node, have ? total - avail : 0, have, "mem_total", buf, sizeof(buf));
	if (have) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, ", %s available", mt_cell_bytes(node, "mem_available", c1));
	}
	line(f, color, "RAM used", MT_COLOR_NONE, buf);
	have = mt_json_u64(node, "swap_total", &stotal) && mt_json_u64(node, "swap_free", &sfree) &&
	       sfree <= stotal;
	if (have && stotal == 0)
		snprintf(buf, sizeof(buf), "none");
	else
		used_of(node, have ? stotal - sfree : 0, have, "swap_total", buf, sizeof(buf));
	line(f, color, "swap used", MT_COLOR_NONE, buf);

	have = mt_json_u64(node, "commit", &v);
	used_of(node, v, have, "bound", buf, sizeof(buf));
	if (have) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, ", headroom %s", mt_cell_bytes(node, "headroom", c1));
	}
	line(f, color, "commit", MT_COLOR_NONE, buf);

	uint64_t rd = 0, sd = 0;
	bool hr = mt_json_u64(node, "ram_deficit", &rd), hs = mt_json_u64(node, "swap_deficit", &sd);
	snprintf(buf, sizeof(buf), "RAM %s, swap %s", mt_cell_bytes(node, "ram_deficit", c1),
	         mt_cell_bytes(node, "swap_deficit", c2));
	line(f, color, "deficit", (hr && rd) || (hs && sd) ? MT_COLOR_RED : MT_COLOR_NONE, buf);

	json_t *eta = json_object_get(node, "eta_ms");
	snprintf(buf, sizeof(buf), "%s/s, %s", mt_cell_bytes_signed(node, "growth_rate", c1),
	         json_is_integer(eta) ? "" : json_is_null(eta) ? "no crossing of the bound projected" : "-");
	if (json_is_integer(eta)) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, "bound reached in %s", mt_cell_duration(node, "eta_ms", c2));
	}
	line(f, color, "growth", MT_COLOR_NONE, buf);

	snprintf(buf, sizeof(buf), "some %s, full %s (avg10)", mt_cell_percent(node, "psi_some_avg10", c1),
	         mt_cell_percent(node, "psi_full_avg10", c2));
	line(f, color, "pressure", MT_COLOR_NONE, buf);

	snprintf(buf, sizeof(buf), "%s from %s, loaded %s", mt_cell_int(ps, "policies", c1),
	         mt_cell_str(ps, "path"), mt_cell_time(ps, "loaded_unix_ms", c2));
	line(f, color, "policies", MT_COLOR_NONE, buf);
	json_t *rerr = json_object_get(ps, "last_reload_error");
	if (json_is_string(rerr))
		line(f, color, "last reload", MT_COLOR_RED, json_string_value(rerr));

	snprintf(buf, sizeof(buf), "%s watched, %s throttled, %s kills in flight",
	         mt_cell_int(st, "candidates", c1), mt_cell_int(st, "throttled", c2),
	         mt_cell_int(st, "kills_in_flight", c3));
	line(f, color, "cgroups", MT_COLOR_NONE, buf);
	uint64_t unwatched = 0;
	if (mt_json_u64(st, "unwatched_cgroups", &unwatched) && unwatched > 0) {
		snprintf(buf, sizeof(buf), "%" PRIu64 " cgroup(s) without an inotify watch: groups created below "
		         "them are not seen (fs.inotify.max_user_watches?); retried every second", unwatched);
		line(f, color, "unwatched", MT_COLOR_RED, buf);
	}

	json_t *last = json_object_get(st, "last_action");
	if (json_is_object(last)) {
		json_t *victims = json_object_get(last, "victims");
		snprintf(buf, sizeof(buf), "%s %s%s, %zu victim(s), trigger %s, id %s",
		         mt_cell_time(last, "time_unix_ms", c1), mt_cell_str(last, "action"),
		         json_is_true(json_object_get(last, "dry_run")) ? " (dry run)" : "",
		         json_array_size(victims), mt_cell_str(last, "trigger"), mt_cell_str(last, "id"));
		line(f, color, "last action", MT_COLOR_NONE, buf);
	} else
		line(f, color, "last action", MT_COLOR_NONE, json_is_null(last) ? "none" : "-");
	json_decref(node);
	return ferror(f) ? -EIO : 0;
}

/* `status` alone (not `top`, whose screen has no line to spare): the node
 * timer's pace, which older daemons do not report. */
static int render_status_verb(const struct mt_cli *cli, json_t *st, FILE *f)
{
	int r = mt_render_status(cli, st, f);
	json_t *live = json_object_get(st, "live");
	if (r < 0 || !json_is_integer(json_object_get(live, "look_ms")))
		return r;
	char buf[128], c1[MT_CELL_MAX], c2[MT_CELL_MAX];
	json_t *floor = json_object_get(live, "idle_floor_ms");
	snprintf(buf, sizeof(buf), "every %s, idle floor %s", mt_cell_duration(live, "look_ms", c1),
	         json_is_integer(floor) ? mt_cell_duration(live, "idle_floor_ms", c2) : "not measured yet");
	line(f, cli->color, "looks", MT_COLOR_NONE, buf);
	return ferror(f) ? -EIO : 0;
}

int mt_cli_query_render(struct mt_cli *cli, const struct mt_proto_request *req,
                        int (*render)(const struct mt_cli *cli, json_t *result, FILE *f))
{
	json_t *result;
	int status = mt_cli_call(cli, req, &result);
	mt_cli_disconnect(cli);
	if (status != MT_EXIT_OK)
		return status;
	if (cli->output == MT_CLI_OUTPUT_JSON)
		status = mt_cli_print_json(cli, result);
	else
		status = render(cli, result, stdout) < 0 ? MT_EXIT_FAILURE : MT_EXIT_OK;
	json_decref(result);
	return mt_cli_finish(cli, status);
}

int mt_verb_query(int argc, char **argv, enum mt_proto_cmd cmd, const char *description,
                  int (*render)(const struct mt_cli *cli, json_t *result, FILE *f))
{
	struct mt_cli cli = { 0 };
	struct mt_proto_request req = { .cmd = cmd };
	int first;

	int r = mt_cli_parse(&cli, argc, argv, "", description, NULL, NULL, NULL, &first);
	if (r < 0)
		return mt_cli_parse_exit(r);
	if (first < argc) {
		mt_cli_error(&cli, "unexpected argument '%s' (see --help)", argv[first]);
		return MT_EXIT_USAGE;
	}
	return mt_cli_query_render(&cli, &req, render);
}

int mt_verb_status(int argc, char **argv)
{
	return mt_verb_query(argc, argv, MT_PROTO_CMD_STATUS,
	                     "Show what memtriaged sees now: mode, dry run, node RAM, swap, commit\n"
	                     "against the bound, deficits, pressure, the policy set and its last\n"
	                     "reload error, cgroups watched, the last action and how often the\n"
	                     "daemon looks at the node.",
	                     render_status_verb);
}
