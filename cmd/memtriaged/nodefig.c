#include "nodefig.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "ratelimit.h"
#include "reserve.h"
#include "view.h"

/* A node that cannot be judged is the daemon's most serious state short of
 * exiting, but it recurs every tick (20 ms at its fastest): once a minute
 * keeps it in view without flooding the journal. */
#define NODEFIG_LOG_INTERVAL_MS 60000

void nodefig_failed(struct daemon *d, const char *what, int err)
{
	uint64_t now = now_ms();
	d->node_errors++;
	if (!d->node_blind_since_ms)
		d->node_blind_since_ms = now;
	snprintf(d->node_error, sizeof d->node_error, "%s: %s", what, strerror(-err));
	uint64_t unlogged = 0;
	if (!mt_ratelimit_allow(&d->node_error_rl, NODEFIG_LOG_INTERVAL_MS, 1, now, &unlogged))
		return;
	log_msg(LOG_ERR, "the node cannot be judged: %s (%" PRIu64 " more since the last such line); "
	        "no decision is taken until it can", d->node_error, unlogged);
}

int nodefig_compute(struct daemon *d, struct mt_node *n, const char *where, bool report)
{
	char what[160];
	int r = mt_reserve_split(&d->opts.reserve, n->mem_total, n->swap_total, &n->ram_reserve, &n->swap_reserve);
	if (r < 0)
		snprintf(what, sizeof what, "%s: reserve %" PRIu64 " + %" PRIu64 " bytes against MemTotal %" PRIu64
		         ", SwapTotal %" PRIu64, where, n->ram_reserve, n->swap_reserve, n->mem_total, n->swap_total);
	else if ((r = mt_node_compute(n)) < 0)
		snprintf(what, sizeof what, "%s: node figures (MemTotal %" PRIu64 ", MemAvailable %" PRIu64
		         ", SwapTotal %" PRIu64 ", SwapFree %" PRIu64 ")", where, n->mem_total, n->mem_available,
		         n->swap_total, n->swap_free);
	if (!report)
		return r;
	if (r < 0) {
		nodefig_failed(d, what, r);
	} else if (d->node_blind_since_ms) {
		log_msg(LOG_NOTICE, "the node can be judged again after %" PRIu64 " ms (%s)",
		        now_ms() - d->node_blind_since_ms, d->node_error);
		d->node_blind_since_ms = 0;
		d->node_error[0] = '\0';
	}
	return r;
}

json_t *nodefig_status_json(struct daemon *d)
{
	if (!d->node_blind_since_ms)
		return json_null();
	return json_pack("{s:s, s:I, s:I}", "error", d->node_error, "since_unix_ms",
	                 (json_int_t)view_unix_ms(d->node_blind_since_ms), "count", (json_int_t)d->node_errors);
}
