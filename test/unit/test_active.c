/* cmd/memtriaged/active.c: the groups with a lifecycle state, the only
 * ones a TICK visits. 1,000 idle groups are listed never; a group is listed
 * while it is held, being written to or killed, and not once dropped; the
 * list's references balance. Then the same through real lifecycle steps,
 * as decide.c runs them: a decision's kill lists its victim, the TICK
 * gathers that one group of 1,000, populated 0 unlists it. */
#include <stdlib.h>
#include <string.h>

#include "active.h"
#include "check.h"
#include "select_fixture.h"

#define N 1000

static struct daemon d;
static struct cg *g[N];

static struct cg *make(int i)
{
	struct cg *c = calloc(1, sizeof *c);
	if (!c)
		abort();
	char name[16];
	snprintf(name, sizeof name, "c%d", i);
	c->d = &d;
	c->relpath = strdup(name);
	return c;
}

static void drop_all(void)
{
	for (int i = 0; i < N; i++) {
		if (!g[i])
			continue;
		g[i]->dropped = true;
		cg_ref(g[i]);
		cg_unref(g[i]); /* frees it unless something still holds it */
		g[i] = NULL;
	}
}

struct visit {
	struct cg *seen[N];
	size_t n;
};

static int visit_cb(struct cg *c, void *ud)
{
	struct visit *v = ud;
	v->seen[v->n++] = c;
	return 0;
}

static void test_list(void)
{
	for (int i = 0; i < N; i++)
		g[i] = make(i);
	for (int i = 0; i < N; i++)
		active_update(g[i]);
	CHECK_INT(d.n_active, 0);
	struct visit v = { .n = 0 };
	active_for_each(&d, visit_cb, &v);
	CHECK_INT(v.n, 0); /* an idle node: the TICK visits nothing */

	g[500]->lc.kill = MT_LC_KILL_SENT;
	g[10]->lc.held = true;
	g[20]->lc.write_pending = true;
	for (int i = 0; i < N; i++)
		active_update(g[i]);
	active_update(g[10]); /* again: no second listing */
	CHECK_INT(d.n_active, 3);
	CHECK_INT(g[10]->open_handles, 1);
	v.n = 0;
	active_for_each(&d, visit_cb, &v);
	CHECK_INT(v.n, 3);
	/* in the order they were listed (an update pass in tree order) */
	CHECK(v.seen[0] == g[10] && v.seen[1] == g[20] && v.seen[2] == g[500]);

	g[10]->lc.held = false; /* released: unlisted, its reference back */
	active_update(g[10]);
	CHECK_INT(d.n_active, 2);
	CHECK_INT(g[10]->open_handles, 0);
	CHECK(!g[10]->active_listed);

	/* dropped while listed: not visited, unlisted by its GONE step (whose
	 * event holds it), freed by the event's last reference */
	g[500]->dropped = true;
	v.n = 0;
	active_for_each(&d, visit_cb, &v);
	CHECK_INT(v.n, 1);
	CHECK(v.seen[0] == g[20]);
	cg_ref(g[500]);
	g[500]->lc.gone = true;
	active_update(g[500]);
	CHECK_INT(d.n_active, 1);
	CHECK_INT(g[500]->open_handles, 1);
	cg_unref(g[500]);
	g[500] = NULL;

	active_clear(&d); /* at exit */
	CHECK_INT(d.n_active, 0);
	CHECK(d.active == NULL && d.active_tail == NULL);
	CHECK_INT(g[20]->open_handles, 0);
	drop_all();
}

/* One step as decide.c runs it: the step, then the list. */
static void step(struct cg *c, struct mt_lc_input *in, struct mt_lc_output *out)
{
	CHECK_INT(mt_lc_step(in, out), 0);
	active_after_step(c, in, out);
}

static void test_steps(void)
{
	struct mt_policy p = { .name = (char *)"t", .priority = 10, .response = MT_RESPONSE_KILL };
	for (int i = 0; i < N; i++) {
		g[i] = make(i);
		g[i]->policy = &p;
	}
	struct mt_lc_node node = { 0 };
	struct mt_lc_output out = { 0 };
	uint64_t now = 1000000;

	/* a deficit the one populated candidate, c7, covers: killed */
	struct mt_snapshot s = { 0 };
	fx_node(&s.node, 256 * MiB, 0);
	fx_add(&s, "c7", 10, 1 * GiB, 0);
	s.node.now_ms = now;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	struct mt_lc_member sm = { .g = &g[7]->lc, .policy = &p, .ud = g[7] };
	struct mt_lc_event ev = { .kind = MT_LC_EV_DECIDE, .decide.trigger = "test" };
	struct mt_lc_input in = { .now_ms = now, .kill_timeout_ms = 10000, .node = &node, .events = &ev,
	                          .n_events = 1, .snapshot = &s, .snap_members = &sm };
	step(NULL, &in, &out);
	CHECK_INT(g[7]->lc.kill, MT_LC_KILL_SENT);
	CHECK_INT(d.n_active, 1);
	CHECK(d.active == g[7]);
	mt_snapshot_free(&s);

	/* the TICK: the members are the listed groups, one of 1,000 */
	struct mt_lc_member members[N];
	size_t n = 0;
	struct visit v = { .n = 0 };
	active_for_each(&d, visit_cb, &v);
	for (size_t i = 0; i < v.n; i++)
		members[n++] = (struct mt_lc_member){ .g = &v.seen[i]->lc, .policy = &p, .ud = v.seen[i] };
	CHECK_INT(n, 1);
	struct mt_lc_event tick = { .kind = MT_LC_EV_TICK, .at_us = now * 1000 };
	fx_node(&tick.tick.node, 0, 0);
	tick.tick.node.mem_available = 32 * GiB;
	CHECK_INT(mt_node_compute(&tick.tick.node), 0);
	tick.tick.eta_us = MT_GROWTH_NEVER;
	struct mt_lc_input tin = { .now_ms = now + 100, .kill_timeout_ms = 10000, .node = &node, .events = &tick,
	                           .n_events = 1, .members = members, .n_members = n };
	step(NULL, &tin, &out);
	CHECK_INT(d.n_active, 1); /* still being killed */

	/* its processes are gone: the kill is over, and so is the listing */
	struct mt_lc_event pop = { .kind = MT_LC_EV_POPULATED, .m = sm, .populated.populated = false };
	struct mt_lc_input pin = { .now_ms = now + 200, .kill_timeout_ms = 10000, .node = &node, .events = &pop,
	                           .n_events = 1 };
	step(g[7], &pin, &out);
	CHECK_INT(g[7]->lc.kill, MT_LC_KILL_NONE);
	CHECK_INT(d.n_active, 0);
	CHECK_INT(g[7]->open_handles, 0);
	mt_lc_output_free(&out);
	drop_all();
}

int main(void)
{
	test_list();
	test_steps();
	return mt_check_status();
}
