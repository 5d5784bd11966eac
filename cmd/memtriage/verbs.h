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

/* Socket verbs (issue 7): clients of memtriaged's status socket,
 * doc/protocol.md. */
int mt_verb_status(int argc, char **argv);
int mt_verb_candidates(int argc, char **argv);
int mt_verb_history(int argc, char **argv);
int mt_verb_explain(int argc, char **argv);
int mt_verb_snapshot(int argc, char **argv);
int mt_verb_policies(int argc, char **argv);
int mt_verb_reload(int argc, char **argv);
int mt_verb_release(int argc, char **argv);
int mt_verb_dry_run(int argc, char **argv);
int mt_verb_top(int argc, char **argv);
