/* Globs for policy matching (cgroup paths and Kubernetes names).
 *
 * Syntax: `*` any run of characters except '/'; `**` any run including '/';
 * `?` one character except '/'; `[abc]`, `[a-z]`, `[!a-z]` (or `[^a-z]`) one
 * byte from (or not from) a set, never '/'; `\x` the literal x. Everything
 * else matches itself. Matching is over bytes and anchored at both ends.
 * A pattern ending in "/ **" (no space) also matches what precedes it ("system.slice/ **"
 * matches "system.slice" and everything below it: the whole subtree).
 * Patterns are at most MT_GLOB_MAX bytes. */
#pragma once

#include <stdbool.h>

#define MT_GLOB_MAX 255

/* Returns 0 if `pattern` is well formed; -EINVAL otherwise, with
 * *ret_reason set to a static sentence naming the fault. */
int mt_glob_validate(const char *pattern, const char **ret_reason);

/* Whether s matches the (validated) pattern. Time O(len(s) * len(pattern)). */
bool mt_glob_match(const char *pattern, const char *s);
/* The same, telling a failure apart: 1 match, 0 none, -ENOMEM. Where a
 * "no" on failure would let a lower-precedence policy win (a protected
 * workload matched by the unprotected catch-all), use this. */
int mt_glob_match_checked(const char *pattern, const char *s);

/* Whether some string matches both (validated) patterns: 1 yes, 0 no,
 * -ENOMEM. Exact for this syntax, so two policies are reported as
 * overlapping only when a cgroup could really match both. */
int mt_glob_intersect(const char *a, const char *b);
