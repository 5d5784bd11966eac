/* The status socket's provider (provider.c, serve.h's contract): answers
 * queries from state in memory only (the last snapshot, the record ring,
 * the tree, the lifecycle states), never from cgroupfs; turns commands into
 * a reload (reload.h), a RELEASE event (decide.h) or the dry-run switch. */
#pragma once

#include "daemon.h"

/* Starts the socket at opts.socket_path ("" or NULL: none). 0 or a negative
 * errno (logged, naming the path). */
int provider_start(struct daemon *d);
void provider_stop(struct daemon *d);
