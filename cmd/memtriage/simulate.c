#include <stdio.h>

#include "verbs.h"

int mt_verb_simulate(int argc, char **argv)
{
	fprintf(stderr, "memtriage simulate: not built yet (issue 5)\n");
	return MT_EXIT_FAILURE;
}
