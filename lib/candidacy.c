#include <errno.h>
#include <string.h>

#include "candidacy.h"

void mt_candidacy_below_add(struct mt_candidacy_below *below, const struct mt_candidacy *child)
{
	below->guarded |= child->guarded;
	below->eligible |= child->below_eligible;
}

void mt_candidacy_judge(const struct mt_candidacy_own *own, const struct mt_candidacy_below *below,
                        struct mt_candidacy *ret)
{
	enum mt_candidacy_why why = MT_CANDIDACY_YES;
	if (own->is_root)
		why = MT_CANDIDACY_ROOT;
	else if (own->is_self)
		why = MT_CANDIDACY_SELF;
	else if (!own->has_policy)
		why = MT_CANDIDACY_NO_POLICY;
	else if (own->is_protected)
		why = MT_CANDIDACY_PROTECTED;
	else if (!own->kind_is_candidate)
		why = MT_CANDIDACY_KIND;
	ret->eligible = why == MT_CANDIDACY_YES;
	/* no policy (its match failed): unknown, so guarded like a protected one */
	bool own_guard = own->is_self || !own->has_policy || own->is_protected;
	ret->guarded = own_guard || below->guarded;
	/* A candidate below says enough (a pod and its containers); only a
	 * group that would be one but for the guard is "holds-guarded". */
	if (ret->eligible && below->eligible)
		why = MT_CANDIDACY_CHILD_ELIGIBLE;
	else if (ret->eligible && below->guarded)
		why = MT_CANDIDACY_HOLDS_GUARDED;
	ret->candidate = why == MT_CANDIDACY_YES;
	/* Whether a deeper group takes the candidacy from an eligible parent. */
	ret->below_eligible = ret->candidate || below->eligible;
	ret->why = why;
}

int mt_candidacy_tree(const struct mt_candidacy_own *own, const ssize_t *parent, size_t n,
                      struct mt_candidacy *ret, ssize_t *ret_guard)
{
	for (size_t i = 0; i < n; i++)
		if (parent[i] < -1 || (parent[i] >= 0 && (size_t)parent[i] >= i))
			return -EINVAL;
	/* Children come after their parents, so walking backwards judges
	 * every child before its parent; the summaries live in ret's storage
	 * until a group is judged. */
	for (size_t i = 0; i < n; i++) {
		ret[i] = (struct mt_candidacy){ 0 };
		if (ret_guard)
			ret_guard[i] = -1;
	}
	for (size_t k = n; k-- > 0;) {
		struct mt_candidacy_below below = { .guarded = ret[k].guarded, .eligible = ret[k].below_eligible };
		ssize_t guard_below = ret_guard ? ret_guard[k] : -1;
		mt_candidacy_judge(&own[k], &below, &ret[k]);
		if (ret_guard && ret[k].guarded)
			ret_guard[k] = (own[k].is_self || !own[k].has_policy || own[k].is_protected) ? (ssize_t)k
			                                                                            : guard_below;
		if (parent[k] >= 0) {
			struct mt_candidacy *p = &ret[parent[k]];
			if (ret_guard && ret[k].guarded && ret_guard[parent[k]] < 0)
				ret_guard[parent[k]] = ret_guard[k];
			p->guarded |= ret[k].guarded;
			p->below_eligible |= ret[k].below_eligible;
		}
	}
	return 0;
}

bool mt_candidacy_path_holds(const char *relpath, const char *own)
{
	if (!own)
		return false;
	size_t n = strlen(relpath);
	if (n == 0)
		return true;
	return strncmp(own, relpath, n) == 0 && (own[n] == '\0' || own[n] == '/');
}

const char *mt_candidacy_why_to_string(enum mt_candidacy_why why)
{
	switch (why) {
	case MT_CANDIDACY_YES: return "yes";
	case MT_CANDIDACY_ROOT: return "root";
	case MT_CANDIDACY_NO_POLICY: return "no-policy";
	case MT_CANDIDACY_PROTECTED: return "protected";
	case MT_CANDIDACY_SELF: return "self";
	case MT_CANDIDACY_KIND: return "structure";
	case MT_CANDIDACY_HOLDS_GUARDED: return "holds-guarded";
	case MT_CANDIDACY_CHILD_ELIGIBLE: return "child-eligible";
	}
	return "?";
}
