#include "glob.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum tok_kind { TOK_CHAR, TOK_ANY, TOK_CLASS, TOK_STAR, TOK_DSTAR };

struct tok {
	enum tok_kind kind;
	uint8_t set[32]; /* TOK_CHAR: one bit; TOK_CLASS: the members; TOK_ANY: all but '/' */
};

struct toks {
	size_t n;
	struct tok t[MT_GLOB_MAX + 1];
};

static void set_bit(uint8_t *set, unsigned c) { set[c >> 3] |= (uint8_t)(1u << (c & 7)); }
static bool has_bit(const uint8_t *set, unsigned c) { return set[c >> 3] & (1u << (c & 7)); }

/* Parses a class starting after '['; returns bytes consumed up to and
 * including ']' or -EINVAL. */
static int parse_class(const char *p, uint8_t *set, const char **reason)
{
	const char *start = p;
	bool negate = false;

	memset(set, 0, 32);
	if (*p == '!' || *p == '^') {
		negate = true;
		p++;
	}
	if (*p == ']') {
		*reason = "empty character class '[]'";
		return -EINVAL;
	}
	while (*p && *p != ']') {
		unsigned lo = (unsigned char)*p, hi;
		if (*p == '\\') {
			if (!p[1]) {
				*reason = "trailing '\\'";
				return -EINVAL;
			}
			lo = (unsigned char)*++p;
		}
		p++;
		hi = lo;
		if (*p == '-' && p[1] && p[1] != ']') {
			p++;
			if (*p == '\\') {
				if (!p[1]) {
					*reason = "trailing '\\'";
					return -EINVAL;
				}
				p++;
			}
			hi = (unsigned char)*p++;
			if (hi < lo) {
				*reason = "reversed range in character class";
				return -EINVAL;
			}
		}
		for (unsigned c = lo; c <= hi; c++)
			set_bit(set, c);
	}
	if (*p != ']') {
		*reason = "unterminated '['";
		return -EINVAL;
	}
	if (negate)
		for (unsigned i = 0; i < 32; i++)
			set[i] = (uint8_t)~set[i];
	set[0] &= (uint8_t)~1u;              /* never NUL */
	set['/' >> 3] &= (uint8_t)~(1u << ('/' & 7)); /* never '/' */
	return (int)(p + 1 - start);
}

static int compile(const char *pattern, struct toks *out, const char **reason)
{
	const char *p = pattern;
	size_t len = strlen(pattern);

	if (len == 0) {
		*reason = "empty pattern";
		return -EINVAL;
	}
	if (len > MT_GLOB_MAX) {
		*reason = "pattern longer than 255 bytes";
		return -EINVAL;
	}
	out->n = 0;
	while (*p) {
		struct tok *t = &out->t[out->n++];
		memset(t->set, 0, sizeof(t->set));
		switch (*p) {
		case '*':
			if (p[1] == '*') {
				if (p[2] == '*') {
					*reason = "more than two '*' in a row";
					return -EINVAL;
				}
				t->kind = TOK_DSTAR;
				p += 2;
			} else {
				t->kind = TOK_STAR;
				p++;
			}
			break;
		case '?':
			t->kind = TOK_ANY;
			memset(t->set, 0xff, sizeof(t->set));
			t->set[0] &= (uint8_t)~1u;
			t->set['/' >> 3] &= (uint8_t)~(1u << ('/' & 7));
			p++;
			break;
		case '[': {
			t->kind = TOK_CLASS;
			int n = parse_class(p + 1, t->set, reason);
			if (n < 0)
				return n;
			p += 1 + n;
			break;
		}
		case '\\':
			if (!p[1]) {
				*reason = "trailing '\\'";
				return -EINVAL;
			}
			p++;
			__attribute__((fallthrough));
		default:
			t->kind = TOK_CHAR;
			set_bit(t->set, (unsigned char)*p);
			p++;
			break;
		}
	}
	return 0;
}

int mt_glob_validate(const char *pattern, const char **ret_reason)
{
	struct toks *t = malloc(sizeof(*t));
	const char *reason = NULL;
	if (!t)
		return -ENOMEM;
	int r = compile(pattern, t, &reason);
	free(t);
	if (r < 0 && ret_reason)
		*ret_reason = reason;
	return r;
}

static bool is_star(const struct tok *t) { return t->kind == TOK_STAR || t->kind == TOK_DSTAR; }

static bool star_takes(const struct tok *t, unsigned c) { return t->kind == TOK_DSTAR || c != '/'; }

/* Adds the epsilon closure: a star may match nothing. */
static void closure(const struct toks *t, bool *active)
{
	for (size_t k = 0; k < t->n; k++)
		if (active[k] && is_star(&t->t[k]))
			active[k + 1] = true;
}

static int match_one(const char *pattern, const char *s);

/* "x/ **" (no space) also names x itself: the whole subtree. Returns the length of
 * that shorter pattern, or 0. */
static size_t subtree_root_len(const char *pattern)
{
	size_t l = strlen(pattern);
	if (l > 3 && strcmp(pattern + l - 3, "/**") == 0)
		return l - 3;
	return 0;
}

int mt_glob_match_checked(const char *pattern, const char *s)
{
	size_t rl = subtree_root_len(pattern);
	int r = match_one(pattern, s);
	if (r != 0)
		return r;
	if (rl && rl < MT_GLOB_MAX) {
		char root[MT_GLOB_MAX + 1];
		memcpy(root, pattern, rl);
		root[rl] = '\0';
		return match_one(root, s);
	}
	return 0;
}

bool mt_glob_match(const char *pattern, const char *s)
{
	return mt_glob_match_checked(pattern, s) > 0;
}

static int match_one(const char *pattern, const char *s)
{
	struct toks *t = malloc(sizeof(*t));
	const char *reason;
	bool cur[MT_GLOB_MAX + 2], next[MT_GLOB_MAX + 2];
	int ok = 0;

	if (!t)
		return -ENOMEM;
	if (compile(pattern, t, &reason) < 0)
		goto out;
	memset(cur, 0, sizeof(cur));
	cur[0] = true;
	closure(t, cur);
	for (const char *p = s; *p; p++) {
		unsigned c = (unsigned char)*p;
		bool any = false;
		memset(next, 0, sizeof(next));
		for (size_t k = 0; k < t->n; k++) {
			if (!cur[k])
				continue;
			const struct tok *tk = &t->t[k];
			if (is_star(tk)) {
				if (star_takes(tk, c))
					next[k] = any = true;
			} else if (has_bit(tk->set, c)) {
				next[k + 1] = any = true;
			}
		}
		if (!any)
			goto out;
		closure(t, next);
		memcpy(cur, next, sizeof(cur));
	}
	ok = cur[t->n];
out:
	free(t);
	return ok;
}

/* Whether one byte can be taken by both single-byte tokens. */
static bool singles_meet(const struct tok *a, const struct tok *b)
{
	for (unsigned i = 0; i < 32; i++)
		if (a->set[i] & b->set[i])
			return true;
	return false;
}

/* Whether a star can take some byte the single-byte token takes. */
static bool star_meets(const struct tok *star, const struct tok *single)
{
	for (unsigned c = 1; c < 256; c++)
		if (has_bit(single->set, c) && star_takes(star, c))
			return true;
	return false;
}

struct isect {
	const struct toks *a, *b;
	int8_t *memo; /* (a->n + 1) * (b->n + 1): -1 unknown, 0, 1 */
};

/* Some string matches both a[i..] and b[j..]. A star that takes a prefix
 * common with the other side can always be skipped instead (the other side
 * keeps its own star), so the recursion only needs these moves. */
static bool meet(struct isect *x, size_t i, size_t j)
{
	size_t na = x->a->n, nb = x->b->n;
	int8_t *m = &x->memo[i * (nb + 1) + j];
	bool r = false;

	if (*m >= 0)
		return *m;
	if (i == na && j == nb) {
		r = true;
	} else if (i < na && is_star(&x->a->t[i]) && meet(x, i + 1, j)) {
		r = true;
	} else if (j < nb && is_star(&x->b->t[j]) && meet(x, i, j + 1)) {
		r = true;
	} else if (i < na && j < nb) {
		const struct tok *ta = &x->a->t[i], *tb = &x->b->t[j];
		if (is_star(ta) && !is_star(tb))
			r = star_meets(ta, tb) && meet(x, i, j + 1);
		else if (!is_star(ta) && is_star(tb))
			r = star_meets(tb, ta) && meet(x, i + 1, j);
		else if (!is_star(ta) && !is_star(tb))
			r = singles_meet(ta, tb) && meet(x, i + 1, j + 1);
	}
	*m = r;
	return r;
}

static int intersect_one(const char *a, const char *b);

int mt_glob_intersect(const char *a, const char *b)
{
	char ra[MT_GLOB_MAX + 1], rb[MT_GLOB_MAX + 1];
	const char *va[2] = { a, NULL }, *vb[2] = { b, NULL };
	size_t la = subtree_root_len(a), lb = subtree_root_len(b);

	if (la && la < sizeof(ra)) {
		memcpy(ra, a, la);
		ra[la] = '\0';
		va[1] = ra;
	}
	if (lb && lb < sizeof(rb)) {
		memcpy(rb, b, lb);
		rb[lb] = '\0';
		vb[1] = rb;
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			if (!va[i] || !vb[j])
				continue;
			int r = intersect_one(va[i], vb[j]);
			if (r == -EINVAL) /* a subtree root that is no pattern ("a\\/ **") */
				continue;
			if (r != 0)
				return r;
		}
	return 0;
}

static int intersect_one(const char *a, const char *b)
{
	struct toks *ta = malloc(sizeof(*ta)), *tb = malloc(sizeof(*tb));
	const char *reason;
	int r = -ENOMEM;

	if (!ta || !tb)
		goto out;
	r = -EINVAL;
	if (compile(a, ta, &reason) < 0 || compile(b, tb, &reason) < 0)
		goto out;
	struct isect x = { ta, tb, malloc((ta->n + 1) * (tb->n + 1)) };
	r = -ENOMEM;
	if (!x.memo)
		goto out;
	memset(x.memo, -1, (ta->n + 1) * (tb->n + 1));
	r = meet(&x, 0, 0);
	free(x.memo);
out:
	free(ta);
	free(tb);
	return r;
}
