/* Candidacy: which cgroups of a tree memtriage may throttle or kill.
 *
 * Throttling or killing a cgroup acts on its whole subtree (cgroup.kill,
 * memory.high are hierarchical), so a group is a candidate only when
 *   - its own standing allows it (not the root, a policy matched, the policy
 *     is not protected, its kind is a workload, it is not memtriage's own
 *     cgroup nor one of its ancestors),
 *   - no group below it is guarded (protected or memtriage's own), and
 *   - no group below it is eligible (the deepest eligible group is the
 *     candidate; its parent would take more than the workload).
 * A guarded group makes every ancestor "holds-guarded", never a target; a
 * group without a policy (its match failed) is guarded too: fail closed.
 *
 * Pure: no I/O, no allocation. The daemon keeps the tree incrementally
 * (mt_candidacy_judge on a node from its children's results, then on its
 * ancestors while their results change); check-policy judges a whole tree
 * at once (mt_candidacy_tree). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum mt_candidacy_why {
	MT_CANDIDACY_YES = 0,
	MT_CANDIDACY_ROOT,            /* the supervised root itself */
	MT_CANDIDACY_NO_POLICY,       /* no policy matched (a match failed) */
	MT_CANDIDACY_PROTECTED,       /* its own policy is protected */
	MT_CANDIDACY_SELF,            /* memtriage's own cgroup or an ancestor of it */
	MT_CANDIDACY_KIND,            /* structure (slice, pod sandbox, conmon, ...) */
	MT_CANDIDACY_HOLDS_GUARDED,   /* a protected or own group lies below it, and no
	                               * candidate: but for the guard it would be one */
	MT_CANDIDACY_CHILD_ELIGIBLE,  /* a candidate below takes its place (whatever else
	                               * lies below) */
};

/* What a group is by itself (inputs). */
struct mt_candidacy_own {
	bool is_root;
	bool has_policy;
	bool is_protected;
	bool kind_is_candidate;
	bool is_self;                 /* own cgroup or an ancestor of it */
};

/* A group's result (outputs). */
struct mt_candidacy {
	bool eligible;                /* own standing allows candidacy */
	bool guarded;                 /* it or a group below is protected or own */
	bool below_eligible;          /* it or a group below is eligible and not guarded */
	bool candidate;
	enum mt_candidacy_why why;
};

/* Summary of a group's children, folded with mt_candidacy_below_add. */
struct mt_candidacy_below {
	bool guarded;
	bool eligible;
};

void mt_candidacy_below_add(struct mt_candidacy_below *below, const struct mt_candidacy *child);

/* Judges one group from its own standing and its children's summary. */
void mt_candidacy_judge(const struct mt_candidacy_own *own, const struct mt_candidacy_below *below,
                        struct mt_candidacy *ret);

/* Judges a whole tree: n groups, parent[i] the index of group i's parent
 * (-1 for a top group), every parent index below its child's. On success
 * ret[i] holds group i's result and, when ret_guard is non-NULL,
 * ret_guard[i] the index of one guarded group in i's subtree (i itself
 * when it is guarded; -1 when none). Returns 0, or -EINVAL when a parent
 * index is out of order. */
int mt_candidacy_tree(const struct mt_candidacy_own *own, const ssize_t *parent, size_t n,
                      struct mt_candidacy *ret, ssize_t *ret_guard);

/* Whether relpath is `own` or one of its ancestors ("" is every group's
 * ancestor); paths are relative to the supervised root without a leading
 * '/'. False when own is NULL (memtriage lives outside the root). */
bool mt_candidacy_path_holds(const char *relpath, const char *own);

/* "yes", "root", "no-policy", "protected", "self", "structure",
 * "holds-guarded", "child-eligible". */
const char *mt_candidacy_why_to_string(enum mt_candidacy_why why);
