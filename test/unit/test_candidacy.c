/* candidacy: a protected or own group below takes the candidacy from every
 * ancestor; the deepest eligible group is the candidate; the incremental
 * and whole-tree forms agree. */
#include <errno.h>
#include <string.h>

#include "candidacy.h"
#include "check.h"

#define W { .has_policy = true, .kind_is_candidate = true }                 /* workload */
#define P { .has_policy = true, .is_protected = true, .kind_is_candidate = true } /* protected */
#define S { .has_policy = true }                                             /* structure */

/* A pod (unprotected) holding a protected container and its sandbox: the
 * pod is not a candidate (before issue 13 it was, and its cgroup.kill took
 * the protected container with it). */
static void test_protected_container_in_pod(void)
{
	struct mt_candidacy_own own[] = { { .is_root = true, .has_policy = true }, S, W, P, S };
	/* 0 root, 1 kubepods.slice, 2 pod, 3 pod/ct (protected), 4 pod/sandbox */
	ssize_t parent[] = { -1, 0, 1, 2, 2 };
	struct mt_candidacy r[5];
	ssize_t guard[5];
	CHECK_INT(mt_candidacy_tree(own, parent, 5, r, guard), 0);
	CHECK(!r[2].candidate);
	CHECK_INT(r[2].why, MT_CANDIDACY_HOLDS_GUARDED);
	CHECK(r[2].eligible);
	CHECK(r[2].guarded);
	CHECK_INT(guard[2], 3);
	CHECK_INT(guard[0], 3);
	CHECK_INT(guard[4], -1);
	CHECK_INT(r[3].why, MT_CANDIDACY_PROTECTED);
	CHECK(!r[3].candidate);
	CHECK_INT(r[4].why, MT_CANDIDACY_KIND);
	CHECK_INT(r[1].why, MT_CANDIDACY_KIND);
	CHECK_INT(r[0].why, MT_CANDIDACY_ROOT);
	for (int i = 0; i < 5; i++)
		CHECK(!r[i].candidate);
}

/* Protected and unprotected siblings: the unprotected one stays a
 * candidate, the parent does not become one. */
static void test_siblings(void)
{
	struct mt_candidacy_own own[] = { { .is_root = true }, W, P, W, W };
	/* 0 root, 1 pod, 2 pod/db (protected), 3 pod/web, 4 other */
	ssize_t parent[] = { -1, 0, 1, 1, 0 };
	struct mt_candidacy r[5];
	CHECK_INT(mt_candidacy_tree(own, parent, 5, r, NULL), 0);
	CHECK(!r[1].candidate);
	CHECK(r[1].guarded);
	CHECK_INT(r[1].why, MT_CANDIDACY_CHILD_ELIGIBLE); /* web is the candidate */
	CHECK(r[3].candidate);
	CHECK_INT(r[3].why, MT_CANDIDACY_YES);
	CHECK(r[4].candidate);
	CHECK(!r[2].candidate);
}

/* Eligible parent with an eligible child: the child is the candidate. The
 * own cgroup deep below an eligible group guards it like a protected one. */
static void test_deepest_and_self(void)
{
	struct mt_candidacy_own own[] = { { .is_root = true }, W, W, W, { .has_policy = true, .kind_is_candidate = true, .is_self = true } };
	/* 0 root, 1 a, 2 a/b, 3 c, 4 c/memtriage (own) */
	ssize_t parent[] = { -1, 0, 1, 0, 3 };
	struct mt_candidacy r[5];
	ssize_t guard[5];
	CHECK_INT(mt_candidacy_tree(own, parent, 5, r, guard), 0);
	CHECK(!r[1].candidate);
	CHECK_INT(r[1].why, MT_CANDIDACY_CHILD_ELIGIBLE);
	CHECK(r[2].candidate);
	CHECK(!r[3].candidate);
	CHECK_INT(r[3].why, MT_CANDIDACY_HOLDS_GUARDED);
	CHECK_INT(guard[3], 4);
	CHECK_INT(r[4].why, MT_CANDIDACY_SELF);
	CHECK(r[4].guarded);
}

/* A guard two levels down, under an eligible child: neither the child nor
 * the parent is a candidate. A group without a policy (its match failed)
 * guards too: what it is is unknown. */
static void test_deep_guard(void)
{
	struct mt_candidacy_own own[] = { { .is_root = true }, W, W, P, { .kind_is_candidate = true } };
	ssize_t parent[] = { -1, 0, 1, 2, 0 };
	struct mt_candidacy r[5];
	CHECK_INT(mt_candidacy_tree(own, parent, 5, r, NULL), 0);
	CHECK_INT(r[1].why, MT_CANDIDACY_HOLDS_GUARDED);
	CHECK_INT(r[2].why, MT_CANDIDACY_HOLDS_GUARDED);
	CHECK_INT(r[4].why, MT_CANDIDACY_NO_POLICY);
	CHECK(r[4].guarded);
	CHECK(r[0].guarded);
	/* a pod holding a container whose policy match failed: held out */
	struct mt_candidacy_own own2[] = { { .is_root = true }, W, { .kind_is_candidate = true } };
	ssize_t parent2[] = { -1, 0, 1 };
	ssize_t guard2[3];
	CHECK_INT(mt_candidacy_tree(own2, parent2, 3, r, guard2), 0);
	CHECK_INT(r[1].why, MT_CANDIDACY_HOLDS_GUARDED);
	CHECK_INT(guard2[1], 2);
}

static void test_bad_tree(void)
{
	struct mt_candidacy_own own[2] = { W, W };
	struct mt_candidacy r[2];
	ssize_t fwd[] = { 1, -1 }, self[] = { -1, 1 }, bad[] = { -2, 0 };
	CHECK_INT(mt_candidacy_tree(own, fwd, 2, r, NULL), -EINVAL);
	CHECK_INT(mt_candidacy_tree(own, self, 2, r, NULL), -EINVAL);
	CHECK_INT(mt_candidacy_tree(own, bad, 2, r, NULL), -EINVAL);
	CHECK_INT(mt_candidacy_tree(own, NULL, 0, r, NULL), 0);
}

/* The incremental form the daemon uses: a protected child appearing under
 * a candidate takes its candidacy; its removal gives it back. */
static void test_incremental(void)
{
	struct mt_candidacy_own pod = W, ct = P;
	struct mt_candidacy rp, rc;
	struct mt_candidacy_below none = { 0 }, below = { 0 };
	mt_candidacy_judge(&pod, &none, &rp);
	CHECK(rp.candidate);
	mt_candidacy_judge(&ct, &none, &rc);
	CHECK(rc.guarded);
	mt_candidacy_below_add(&below, &rc);
	mt_candidacy_judge(&pod, &below, &rp);
	CHECK(!rp.candidate);
	CHECK_INT(rp.why, MT_CANDIDACY_HOLDS_GUARDED);
	mt_candidacy_judge(&pod, &none, &rp);
	CHECK(rp.candidate);
}

static void test_path_holds(void)
{
	CHECK(mt_candidacy_path_holds("", "a/b"));
	CHECK(mt_candidacy_path_holds("a", "a/b"));
	CHECK(mt_candidacy_path_holds("a/b", "a/b"));
	CHECK(!mt_candidacy_path_holds("a/b/c", "a/b"));
	CHECK(!mt_candidacy_path_holds("a/bc", "a/b"));
	CHECK(!mt_candidacy_path_holds("ab", "a/b"));
	CHECK(!mt_candidacy_path_holds("a", NULL));
	CHECK(mt_candidacy_path_holds("", ""));
	CHECK(!mt_candidacy_path_holds("a", ""));
	CHECK_STR(mt_candidacy_why_to_string(MT_CANDIDACY_HOLDS_GUARDED), "holds-guarded");
	CHECK_STR(mt_candidacy_why_to_string(MT_CANDIDACY_KIND), "structure");
}

int main(void)
{
	test_protected_container_in_pod();
	test_siblings();
	test_deepest_and_self();
	test_deep_guard();
	test_bad_tree();
	test_incremental();
	test_path_holds();
	return mt_check_status();
}
