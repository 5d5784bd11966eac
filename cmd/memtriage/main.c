/* memtriage: the command-line client. Dispatches to one verb per file. */
#include <stdio.h>
#include <string.h>

#include "mt-config.h"
#include "verbs.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} verbs[] = {
	{ "check-policy", mt_verb_check_policy, "validate a policy directory and show what each cgroup gets" },
	{ "simulate", mt_verb_simulate, "print the decision for a snapshot file" },
	{ "status", mt_verb_status, "what the daemon sees now: memory, deficits, mode" },
	{ "candidates", mt_verb_candidates, "ranked cgroups and what a kill would free" },
	{ "history", mt_verb_history, "recent actions: predicted and measured frees" },
	{ "explain", mt_verb_explain, "why a decision went as it did [ID]" },
	{ "snapshot", mt_verb_snapshot, "the current snapshot, as 'simulate' reads it" },
	{ "policies", mt_verb_policies, "the loaded policy set and what each matches" },
	{ "top", mt_verb_top, "a live view for a terminal" },
	{ "reload", mt_verb_reload, "re-read the policy set (root)" },
	{ "release", mt_verb_release, "lift memtriage's throttle on CGROUP (root)" },
	{ "dry-run", mt_verb_dry_run, "switch dry run on|off (root)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: memtriage VERB [ARGS...]\n\nverbs:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-14s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\n'memtriage VERB --help' describes each verb.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return MT_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("memtriage %s\n", MT_VERSION);
		return MT_EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return MT_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "memtriage: unknown verb '%s'\n", argv[1]);
	usage(stderr);
	return MT_EXIT_USAGE;
}
