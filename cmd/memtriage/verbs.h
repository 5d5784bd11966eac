/* The CLI's verbs: each takes the arguments after its name and returns the
 * process exit status (documented in memtriage(1)). */
#pragma once

/* Exit statuses shared by every verb. */
enum {
	MT_EXIT_OK = 0,
	MT_EXIT_FAILURE = 1,
	MT_EXIT_USAGE = 2,
	MT_EXIT_UNREACHABLE = 3, /* the daemon's socket cannot be reached */
};

int mt_verb_check_policy(int argc, char **argv);
int mt_verb_simulate(int argc, char **argv);
