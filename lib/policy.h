/* Per-workload policies: what each cgroup is worth and what memtriage may
 * do to it. The file format is documented in policies/README.md and
 * policies/policy.schema.json; this header is its in-memory form.
 *
 * Matching rule (deterministic, exactly one policy per cgroup):
 *  1. memtriage's own cgroup and its ancestors get the built-in policy
 *     "memtriage:self"; Kubernetes structure and non-workload cgroups
 *     (kinds KUBEPODS, SANDBOX, CONMON, UNRECOGNIZED) get "memtriage:structure";
 *     a container's sub-cgroup (crun's "container") gets its container's
 *     policy. Built-ins are protected and never candidates.
 *  2. Otherwise, among the set's policies whose every `match` field matches,
 *     the one with the highest `precedence` wins.
 *  3. Two policies of equal precedence that some cgroup could match both
 *     (decided exactly, glob against glob) are a load-time error naming both
 *     files, so rule 2 never meets a tie.
 *  4. A set must hold a catch-all (a policy with an empty `match`), so every
 *     cgroup gets one; a set without one is a load-time error.
 *
 * Priority: 0..1000, the declared cost of losing the workload, higher is
 * kept longer. The selection code maps it to a kill cost (priority + 1,
 * mt_candidate_cost in snapshot.h); the contract is monotonic: at equal
 * size, a higher priority is never cheaper to kill.
 * Protected policies carry no priority and no response.
 *
 * Return contract: >= 0 success, negative errno failure; -EINVAL faults
 * fill the caller's struct mt_json_error (file, line, column, JSON path,
 * message). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json_strict.h"
#include "k8s.h"
#include "response.h"
#include "size.h"

#define MT_POLICY_PRIORITY_MIN 0
#define MT_POLICY_PRIORITY_MAX 1000
#define MT_POLICY_PRECEDENCE_MAX 10000
/* throttle.push_limit_s when absent: why 5 s in policies/README.md,
 * "Every hold ends". */
#define MT_POLICY_PUSH_LIMIT_S_DEFAULT 5
/* Bound on one policy file: a policy is a few hundred bytes; 64 KiB leaves
 * room for long descriptions and stops a mistaken large file early. */
#define MT_POLICY_FILE_MAX (64 * 1024)
/* Bound on a directory: keeps load time and overlap checks (pairwise) small. */
#define MT_POLICY_COUNT_MAX 256

enum mt_max_counter {
	MT_MAX_COUNTER_OOM_KILL, /* memory.events oom_kill: the kernel killed a process at memory.max */
	MT_MAX_COUNTER_OOM,      /* memory.events oom: reclaim failed at memory.max */
	MT_MAX_COUNTER_MAX,      /* memory.events max: usage reached memory.max (frequent) */
};

struct mt_policy {
	char *name;        /* file name without ".json"; "memtriage:self" etc. for built-ins */
	char *file;        /* path it was read from ("<embedded>/x.json" for the default set) */
	char *description; /* "" when absent */
	int precedence;    /* 0..MT_POLICY_PRECEDENCE_MAX, higher wins */

	struct {
		char *cgroup;        /* glob over the path below the supervised root; NULL = any */
		char *k8s_namespace; /* globs over Kubernetes names; NULL = any. When set, */
		char *pod;           /* only cgroups with known names (mt_k8s_identity.named) */
		char *container;     /* match; `container` never matches a pod's cgroup */
		enum mt_qos qos;     /* MT_QOS_UNKNOWN = any */
	} match;

	bool is_protected;        /* never throttled, never killed, never a candidate */
	int priority;             /* MT_POLICY_PRIORITY_MIN..MAX; 0 when protected */
	enum mt_response response; /* MT_RESPONSE_OBSERVE when protected */

	/* Meaningful when mt_response_may_throttle(response). A grower is held
	 * at its usage when commit nears the bound; while swap has room its
	 * memory.high may be lowered by `step` (of usage when the hold began)
	 * at most every `interval_ms`, never below `floor`. It is released once
	 * it stopped pushing (memory.events `high` still) and its PSI some
	 * avg10 stayed below `release_psi_some` percent for `release_after_s`;
	 * when the response may kill, a group that pushed for `push_limit_s`
	 * while swap has no room is killed whole (policies/README.md). */
	struct {
		struct mt_size floor;
		struct mt_size step;
		uint32_t interval_ms;
		uint32_t release_after_s;
		double release_psi_some;
		uint32_t push_limit_s;
	} throttle;

	/* Meaningful when mt_response_may_kill(response): SIGTERM to every
	 * process and this long to exit before cgroup.kill; 0 = cgroup.kill now. */
	struct {
		uint32_t grace_ms;
	} kill;

	/* Optional pressure tolerance: the workload counts as distressed when PSI
	 * `some` (or `full`) stall exceeds the percentage of a `window_ms` window
	 * for `sustain_s` seconds; then the daemon kills it as a group if the
	 * response may kill, else keeps it held (policies/README.md). A
	 * percentage < 0 means not set. */
	struct {
		bool set;
		double some_pct;
		double full_pct;
		uint32_t window_ms;
		uint32_t sustain_s;
	} pressure;

	/* Optional: `count` increments of `counter` within `window_s` turn into a
	 * group kill (needs a response that may kill). */
	struct {
		bool set;
		enum mt_max_counter counter;
		uint32_t count;
		uint32_t window_s;
	} escalate;

};

struct mt_policy_set;

/* One policy file as bytes (the embedded set, fuzzing and tests). */
struct mt_policy_source {
	const char *file; /* for messages */
	const char *name; /* policy name */
	const char *text;
	size_t len;
};

/* Parses one policy; on success *ret owns its strings (mt_policy_clear). */
int mt_policy_parse(const struct mt_policy_source *src, struct mt_policy *ret, struct mt_json_error *err);
void mt_policy_clear(struct mt_policy *p);

/* Builds a validated set from sources (parse each, then the set rules:
 * unique names, a catch-all, no unsettled overlap). `label` names the set
 * in set-wide errors (the directory). */
int mt_policy_set_from_sources(const char *label, const struct mt_policy_source *srcs, size_t n,
			       struct mt_policy_set **ret, struct mt_json_error *err);

/* Loads every "*.json" entry of `dir` (other names, dot-files and the
 * ConfigMap's "..data"-style entries are skipped). Each file must be a
 * regular file, or a symlink resolving to a regular file inside `dir`
 * (ConfigMap mounts are symlinks into `dir/..data/`); at most
 * MT_POLICY_FILE_MAX bytes; valid UTF-8. One bad file fails the whole set.
 * Reload = call again and swap on success; the old set stays valid until
 * the caller frees it. */
int mt_policy_set_load_dir(const char *dir, struct mt_policy_set **ret, struct mt_json_error *err);

/* The compiled-in default set (policies/default/, embedded at build time). */
int mt_policy_set_load_default(struct mt_policy_set **ret, struct mt_json_error *err);
const struct mt_policy_source *mt_policy_default_sources(size_t *ret_n);

void mt_policy_set_free(struct mt_policy_set *set);
size_t mt_policy_set_size(const struct mt_policy_set *set);
const struct mt_policy *mt_policy_set_get(const struct mt_policy_set *set, size_t i); /* sorted by name */

/* The one policy for a cgroup: `relpath` below the supervised root ("" is
 * the root), `id` its Kubernetes identity (mt_k8s_identify), `own_cgroup`
 * memtriage's own cgroup below the same root (NULL when outside it).
 * Returns 0 and *ret (owned by the set, or a static built-in). */
int mt_policy_set_match(const struct mt_policy_set *set, const char *relpath, const struct mt_k8s_identity *id,
			const char *own_cgroup, const struct mt_policy **ret);

/* Whether two policies could both match one cgroup: 1, 0, or -ENOMEM. */
int mt_policy_overlap(const struct mt_policy *a, const struct mt_policy *b);

/* Whether two policies are equal in every field but file. */
bool mt_policy_equal(const struct mt_policy *a, const struct mt_policy *b);

const char *mt_max_counter_to_string(enum mt_max_counter c);
