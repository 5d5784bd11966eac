/* memtriage simulate: read a snapshot file, decide through the daemon's own
 * lifecycle step (lib/lifecycle.h: the same function, a dry run from fresh
 * states), print the decision and its explanation (a table, or the decision
 * JSON with -o json). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "candidate_policy.h"
#include "cleanup.h"
#include "json_strict.h"
#include "k8s.h"
#include "policy.h"
#include "decision_json.h"
#include "humanize.h"
#include "lifecycle.h"
#include "select.h"
#include "snapshot_json.h"
#include "table.h"
#include "verbs.h"

/* Larger than any node's snapshot: ~1 KiB per candidate, 10,000 candidates. */
#define SNAPSHOT_MAX (64u << 20)

static void usage(FILE *f)
{
	fprintf(f,
		"usage: memtriage simulate SNAPSHOT.json [--policy-dir DIR] [-o table|wide|json]\n"
		"\n"
		"Decides on a snapshot file (doc/snapshot-format.md) exactly as the daemon would\n"
		"and prints the decision with every candidate's numbers and reason.\n"
		"\n"
		"  --policy-dir DIR  re-resolve each candidate's policy from DIR\n"
		"  -o, --output FMT  table (default; fits the terminal), wide (never shortened)\n"
		"                    or json (the memtriage-decision format)\n"
		"  -h, --help        show this help\n"
		"\n"
		"exit status: 0 decided, 1 unreadable or invalid input, 2 usage error\n");
}

/* Re-resolves every candidate's policy fields from a policy directory with
 * the daemon's own loader and matcher. Kubernetes identity comes from the
 * cgroup path plus the names recorded in the snapshot (no /var/log here);
 * memtriage's own cgroup is unknown offline, so none is excluded. */
static int resolve_policies(struct mt_snapshot *s, const char *dir)
{
	struct mt_policy_set *set = NULL;
	struct mt_json_error err;
	int r = mt_policy_set_load_dir(dir, &set, &err);
	if (r < 0) {
		char msg[1024];
		mt_json_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "memtriage simulate: --policy-dir: %s\n", msg);
		return r;
	}
	for (size_t i = 0; i < s->n_candidates && r >= 0; i++) {
		struct mt_candidate *c = &s->candidates[i];
		struct mt_k8s_identity id;
		const struct mt_policy *p = NULL;
		mt_k8s_identify(NULL, c->path, &id);
		if (c->k8s_namespace && c->k8s_pod) {
			id.named = true;
			snprintf(id.k8s_namespace, sizeof(id.k8s_namespace), "%s", c->k8s_namespace);
			snprintf(id.pod, sizeof(id.pod), "%s", c->k8s_pod);
			snprintf(id.container, sizeof(id.container), "%s", c->k8s_container ? c->k8s_container : "");
		}
		r = mt_policy_set_match(set, c->path, &id, NULL, &p);
		if (r >= 0)
			r = mt_candidate_apply_policy(c, p, MT_KILL_TIMEOUT_MS);
		if (r < 0)
			fprintf(stderr, "memtriage simulate: %s: resolving its policy: %s\n", c->path, strerror(-r));
	}
	mt_policy_set_free(set);
	if (r >= 0)
		r = mt_snapshot_compute(s);
	return r < 0 ? r : 0;
}

static int read_file(const char *path, char **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	_cleanup_free_ char *buf = malloc(SNAPSHOT_MAX + 1);
	size_t n = buf ? fread(buf, 1, SNAPSHOT_MAX + 1, f) : 0;
	int r = buf ? (ferror(f) ? -EIO : 0) : -ENOMEM;
	fclose(f);
	if (r < 0)
		return r;
	if (n > SNAPSHOT_MAX)
		return -EFBIG;
	*ret = mt_take_ptr(&buf);
	*ret_len = n;
	return 0;
}

/* memory.high/max "max" prints as such; everything else in IEC units. */
static const char *bytes(char *buf, size_t size, uint64_t v)
{
	if (v == MT_UNLIMITED)
		return "max";
	if (mt_humanize_bytes(v, buf, size) < 0)
		snprintf(buf, size, "%" PRIu64, v);
	return buf;
}

#define B(v) bytes((char[32]){ 0 }, 32, (v))

/* A search cut short by its budget: the proven lower bound beside the cost. */
static const char *bound_text(char *buf, size_t size, uint64_t bound)
{
	snprintf(buf, size, " (optimum >= %" PRIu64 ")", bound);
	return buf;
}

#define bound_note(v) bound_text((char[48]){ 0 }, 48, (v))

static void candidate_name(const struct mt_candidate *c, char *buf, size_t size)
{
	if (c->k8s_namespace && c->k8s_pod && c->k8s_container)
		snprintf(buf, size, "%s/%s/%s", c->k8s_namespace, c->k8s_pod, c->k8s_container);
	else
		snprintf(buf, size, "%s", c->path);
}

static void detail(const struct mt_candidate *c, const struct mt_explain *e, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	if (e->reason == MT_REASON_THROTTLE) {
		snprintf(buf, size, "memory.high %s (now %s, growing %s/s)", B(e->throttle_to),
			 B(c->mem.current), B((uint64_t)c->growth_rate));
		return;
	}
	for (uint32_t b = 1; b && b <= e->inelig; b <<= 1)
		if (e->inelig & b)
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? ", " : "",
					      mt_inelig_to_string(b));
	if (e->reason == MT_REASON_KILL || e->reason == MT_REASON_COSTLIER || e->reason == MT_REASON_DOMINATED)
		snprintf(buf, size, "counts swap %s, total %s", B(e->useful_swap), B(e->useful_total));
}

static void print_table(const char *file, const struct mt_snapshot *s, const struct mt_decision *d, size_t width)
{
	const struct mt_node *n = &s->node;
	printf("snapshot  %s\n", file);
	printf("node      RAM %s (available %s, reserve %s); swap %s (free %s, reserve %s)\n",
	       B(n->mem_total), B(n->mem_available), B(n->ram_reserve),
	       B(n->swap_total), B(n->swap_free), B(n->swap_reserve));
	printf("          commit %s of bound %s, headroom %s; PSI some %.2f%% full %.2f%%\n",
	       B(n->commit), B(n->bound), B(n->headroom), n->psi_some_avg10, n->psi_full_avg10);
	if (n->zram_swap_total) {
		char ratio[32];
		if (n->zram_ratio_measured)
			snprintf(ratio, sizeof ratio, "%.2f measured", n->zram_ratio);
		else
			snprintf(ratio, sizeof ratio, "%d assumed (under %s stored)", MT_ZRAM_ASSUMED_RATIO,
			         B(MT_ZRAM_MEASURE_MIN));
		printf("zram      swap %s (free %s), stores %s in %s of RAM: ratio %s; "
		       "swap room counts %s\n",
		       B(n->zram_swap_total), B(n->zram_swap_free), B(n->zram_orig_data_size),
		       B(n->zram_mem_used_total), ratio, B(n->swap_room));
	}
	printf("deficit   RAM %s, swap %s; kills in flight free RAM %s, swap %s\n",
	       B(n->ram_deficit), B(n->swap_deficit), B(d->pending_ram), B(d->pending_swap));
	if (d->projected_ms > 0)
		printf("projected over %" PRIu64 " ms (the kill's horizon): growth %s/s adds %s to the deficit\n",
		       d->projected_ms, B(d->growth_rate), B(d->growth_allowance));
	if (d->action == MT_ACTION_KILL)
		printf("decision  kill %zu (%s search), cost %" PRIu64 "%s, frees RAM %s + swap %s "
		       "against swap %s, total %s: %s\n",
		       d->n_chosen, mt_method_to_string(d->method), d->cost,
		       d->cost_bound < d->cost ? bound_note(d->cost_bound) : "", B(d->freed_ram),
		       B(d->freed_swap), B(d->target_swap), B(d->target_total),
		       d->covered ? "covers the deficit" : "CANNOT cover the deficit, frees the most it can");
	else if (d->action == MT_ACTION_THROTTLE)
		printf("decision  throttle %zu grower(s): the bound is near\n", d->n_chosen);
	else
		printf("decision  none: %s\n",
		       !(n->ram_deficit || n->swap_deficit)
			       ? (d->throttle_due ? "the bound is near but no grower may be throttled"
						  : "no deficit and the bound is not near")
			       : d->covered ? "kills in flight cover the deficit"
					    : "DEFICIT, and no eligible candidate frees anything toward it");

	static const char *const head[] = { "CANDIDATE", "POLICY", ">PRIO", "RESPONSE", ">FREES RAM",
					    ">FREES SWAP", ">COST", "DECISION", "DETAIL" };
	struct mt_table *t = mt_table_new(9, head);
	if (!t)
		abort();
	if (width) {
		/* Narrow terminals lose PRIO, COST, FREES SWAP, RESPONSE, POLICY
		 * in that order; the candidate keeps its leaf (table.h). */
		mt_table_fit(t, 0, MT_FIT_MIDDLE, 32, 0);
		mt_table_fit(t, 1, MT_FIT_END, 6, 5);
		mt_table_fit(t, 2, MT_FIT_KEEP, 0, 1);
		mt_table_fit(t, 3, MT_FIT_END, 8, 4);
		mt_table_fit(t, 5, MT_FIT_KEEP, 0, 3);
		mt_table_fit(t, 6, MT_FIT_KEEP, 0, 2);
		mt_table_fit(t, 8, MT_FIT_END, 12, 0);
	}
	char cell[512];
	for (size_t i = 0; i < s->n_candidates; i++) {
		const struct mt_candidate *c = &s->candidates[i];
		const struct mt_explain *e = &d->explain[i];
		mt_table_row(t);
		candidate_name(c, cell, sizeof(cell));
		mt_table_cell(t, cell, MT_COLOR_NONE);
		mt_table_cell(t, c->policy, MT_COLOR_NONE);
		mt_table_cellf(t, MT_COLOR_NONE, "%u", c->priority);
		mt_table_cell(t, mt_response_to_string(c->response), MT_COLOR_NONE);
		bytes(cell, sizeof(cell), c->frees_ram);
		mt_table_cell(t, cell, MT_COLOR_NONE);
		bytes(cell, sizeof(cell), c->frees_swap);
		mt_table_cell(t, cell, MT_COLOR_NONE);
		mt_table_cellf(t, MT_COLOR_NONE, "%" PRIu64, c->cost);
		mt_table_cell(t, mt_reason_to_string(e->reason), MT_COLOR_NONE);
		detail(c, e, cell, sizeof(cell));
		mt_table_cell(t, cell, MT_COLOR_NONE);
	}
	printf("\n");
	mt_table_print(t, stdout, false, width);
	mt_table_free(t);
}

int mt_verb_simulate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy-dir", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *policy_dir = NULL, *output = "table";
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) >= 0)
		switch (c) {
		case 'p': policy_dir = optarg; break;
		case 'o': output = optarg; break;
		case 'h': usage(stdout); return MT_EXIT_OK;
		default: usage(stderr); return MT_EXIT_USAGE;
		}
	if (strcmp(output, "table") != 0 && strcmp(output, "wide") != 0 && strcmp(output, "json") != 0) {
		fprintf(stderr, "memtriage simulate: -o %s: expected table, wide or json\n", output);
		return MT_EXIT_USAGE;
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return MT_EXIT_USAGE;
	}
	const char *file = argv[optind];
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = read_file(file, &text, &len);
	if (r < 0) {
		fprintf(stderr, "memtriage simulate: %s: %s\n", file,
			r == -EFBIG ? "larger than 64 MiB" : strerror(-r));
		return MT_EXIT_FAILURE;
	}
	struct mt_snapshot s;
	char err[512];
	r = mt_snapshot_from_json(text, len, &s, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "memtriage simulate: %s: %s\n", file, r == -EINVAL ? err : strerror(-r));
		return MT_EXIT_FAILURE;
	}
	if (policy_dir && resolve_policies(&s, policy_dir) < 0) {
		mt_snapshot_free(&s);
		return MT_EXIT_FAILURE;
	}
	/* The daemon's own step (lib/lifecycle.h) on a node-wide decision,
	 * from fresh states: a snapshot carries its kills in flight, not the
	 * history of holds. */
	size_t n = s.n_candidates;
	_cleanup_free_ struct mt_lc_group *groups = calloc(n ? n : 1, sizeof *groups);
	_cleanup_free_ struct mt_lc_member *members = calloc(n ? n : 1, sizeof *members);
	struct mt_lc_output out = { 0 };
	r = groups && members ? 0 : -ENOMEM;
	for (size_t i = 0; r == 0 && i < n; i++)
		members[i].g = &groups[i];
	struct mt_lc_event ev = { .kind = MT_LC_EV_DECIDE, .decide = { .trigger = "simulate", .record_noop = true } };
	struct mt_lc_input in = { .now_ms = s.node.now_ms, .dry_run = true, .kill_timeout_ms = MT_KILL_TIMEOUT_MS,
				  .snapshot = &s, .snap_members = members, .events = &ev, .n_events = 1 };
	if (r == 0)
		r = mt_lc_step(&in, &out);
	if (r == 0 && !out.decided)
		r = -EINVAL;
	if (r < 0) {
		fprintf(stderr, "memtriage simulate: %s\n", strerror(-r));
		mt_lc_output_free(&out);
		mt_snapshot_free(&s);
		return MT_EXIT_FAILURE;
	}
	const struct mt_decision d = out.decision;
	if (strcmp(output, "json") == 0) {
		json_t *j = NULL;
		r = mt_decision_to_json(&s, &d, &j);
		if (r == 0) {
			json_dumpf(j, stdout, JSON_INDENT(2));
			putchar('\n');
			json_decref(j);
		}
	} else
		print_table(file, &s, &d, strcmp(output, "wide") == 0 ? 0 : mt_term_width(STDOUT_FILENO));
	mt_lc_output_free(&out);
	mt_snapshot_free(&s);
	if (r < 0) {
		fprintf(stderr, "memtriage simulate: %s\n", strerror(-r));
		return MT_EXIT_FAILURE;
	}
	return fflush(stdout) == 0 ? MT_EXIT_OK : MT_EXIT_FAILURE;
}
