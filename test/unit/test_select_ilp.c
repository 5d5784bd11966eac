/* The covering search against exact integer-programming solvers (glpsol,
 * Debian's glpk-utils; coinor-cbc where glpsol disagrees) on the random families of select_families.h at 20,
 * 60 and 200 candidates: every decision covers, is minimal, chooses only
 * eligible candidates, is proven optimal (method exact, bound == cost) and
 * costs exactly the ILP's optimum, whose own set is re-checked in exact
 * integers. With the work budget cut to almost nothing the decision is
 * still a covering, minimal set, and its proven bound is at most the ILP's
 * optimum (a bound that claimed more would be a false proof). Reversing
 * the candidates changes no victim. Larger sizes are in test/bench/bench_select (they take minutes
 * of glpsol). */
#include <errno.h>

#include "check.h"
#include "select_families.h"

#define SEEDS 8

int main(void)
{
	static const size_t sizes[] = { 20, 60, 200 };
	if (system("command -v glpsol >/dev/null 2>&1") != 0 || system("command -v cbc >/dev/null 2>&1") != 0) {
		fprintf(stderr, "glpsol or cbc not found: install glpk-utils and coinor-cbc (deploy/install-deps.sh test)\n");
		return 77;
	}
	char dir[] = "/tmp/mt-select-ilp.XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	size_t runs = 0, optimal = 0, proven = 0, tight_gaps = 0, tight_cut = 0, glpk_wrong = 0;
	for (size_t f = 0; f < FAM_COUNT; f++)
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
			for (uint64_t seed = 0; seed < SEEDS; seed++) {
				struct mt_snapshot s;
				struct mt_decision d;
				fam_make(&s, &fam_list[f], sizes[k], seed + 1000 * k + 100000 * f);
				CHECK_INT(mt_select(&s, NULL, &d), 0);
				struct fam_check r = fam_check(&s, &d, dir, seed, fam_list[f].name, sizes[k], true);
				CHECK(r.ok);
				CHECK(r.ilp_ok);
				CHECK(r.optimal);
				if (d.action == MT_ACTION_KILL) {
					CHECK_INT(d.method, MT_METHOD_EXACT);
					CHECK_U64(d.cost_bound, d.cost);
				}
				runs++;
				optimal += r.optimal;
				glpk_wrong += r.glpk_wrong;
				proven += d.method == MT_METHOD_EXACT || d.action != MT_ACTION_KILL;

				/* reversed candidates: the same victims (the tie-breaks
				 * do not depend on the order) */
				struct mt_snapshot rs = s;
				rs.candidates = calloc(s.n_candidates + 1, sizeof(*rs.candidates));
				if (!rs.candidates)
					abort();
				for (size_t i = 0; i < s.n_candidates; i++)
					rs.candidates[i] = s.candidates[s.n_candidates - 1 - i];
				struct mt_decision rd;
				CHECK_INT(mt_select(&rs, NULL, &rd), 0);
				CHECK_INT(rd.n_chosen, d.n_chosen);
				for (size_t i = 0; i < d.n_chosen && i < rd.n_chosen; i++)
					CHECK_INT(s.n_candidates - 1 - rd.chosen[rd.n_chosen - 1 - i], d.chosen[i]);
				mt_decision_free(&rd);
				free(rs.candidates); /* the strings belong to s */

				struct mt_decision t;
				static const struct mt_select_opts tight = { .exact_max = SIZE_MAX, .node_budget = 3 };
				CHECK_INT(mt_select(&s, &tight, &t), 0);
				struct fam_check rt = fam_check(&s, &t, dir, seed, fam_list[f].name, sizes[k], false);
				CHECK(rt.ok);
				if (t.action == MT_ACTION_KILL && r.ilp_ok) {
					CHECK(t.cost_bound <= r.opt && r.opt <= t.cost);
					tight_gaps += t.cost_bound < t.cost;
					tight_cut += t.method == MT_METHOD_HEURISTIC;
				}
				mt_decision_free(&t);
				mt_decision_free(&d);
				mt_snapshot_free(&s);
			}
	printf("%zu instances: %zu optimal by the reference (glpsol; cbc on the %zu where glpsol's optimum was "
	       "not one), %zu proven by the search; with a budget of 3: %zu cut short, %zu with bound < cost, "
	       "every bound <= the optimum\n", runs, optimal, glpk_wrong, proven, tight_cut, tight_gaps);
	CHECK(tight_cut > 0 && tight_gaps > 0); /* the budget path is exercised */
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return mt_check_status();
}
