#include <stdio.h>

#include "verbs.h"

int mt_verb_check_policy(int argc, char **argv)
{
	fprintf(stderr, "memtriage check-policy: not built yet (issue 4)\n");
	return MT_EXIT_FAILURE;
}
