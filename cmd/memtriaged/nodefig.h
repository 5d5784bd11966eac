/* The node's derived figures, never silently missing: the reserve follows
 * MemTotal and SwapTotal (lib/reserve.h) at every reading, and a figure
 * that cannot be computed is logged (at most once a minute, with how many
 * went unlogged), counted (metrics) and shown by status until it can. */
#pragma once

#include "daemon.h"

/* Sets n's reserves from its totals, then mt_node_compute. With report, a
 * failure is recorded as above (`where` names the reading: "tick",
 * "snapshot") and a success after failures is logged once. 0 or the
 * negative errno. */
int nodefig_compute(struct daemon *d, struct mt_node *n, const char *where, bool report);
/* A node reading that failed before any figure (decide_read_node). */
void nodefig_failed(struct daemon *d, const char *what, int err);
/* status: {"error", "since_unix_ms", "count"} while blind, else null. */
json_t *nodefig_status_json(struct daemon *d);
