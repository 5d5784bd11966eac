/* A bounded FIFO of lines ranked by importance, for a writer that must
 * never block: lines wait here while their destination is not writable and
 * leave in order, each whole.
 *
 * Ranks run from 0 (most important) to MT_LINEQ_RANKS - 1. The bound counts
 * every queued line's bytes plus MT_LINEQ_OVERHEAD, so it bounds the memory
 * held. A line that does not fit evicts queued lines of a strictly larger
 * rank, the newest of the largest rank first, until it fits; when that is
 * not enough it is dropped itself. Lines of equal rank never evict each
 * other: in a flood the first lines stay and the latest are dropped. The
 * front line, once partly consumed, is never evicted. Every line lost is
 * counted by rank until mt_lineq_take_dropped.
 *
 * Return contract: >= 0 success, negative errno failure. No I/O, no globals. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define MT_LINEQ_RANKS 16
/* Bytes charged per line beyond its text: the node's allocation. */
#define MT_LINEQ_OVERHEAD 64

struct mt_lineq;

/* A queue holding at most `capacity` bytes (as charged above). Returns 0 or
 * -ENOMEM. */
int mt_lineq_new(size_t capacity, struct mt_lineq **ret_q);
void mt_lineq_free(struct mt_lineq *q);

/* Copies the len bytes of `line` in at the back. Returns 1 queued (perhaps
 * after evicting others), 0 dropped (counted), -EINVAL for a rank out of
 * range, -ENOMEM (counted as dropped). */
int mt_lineq_push(struct mt_lineq *q, const char *line, size_t len, unsigned rank);

/* The front line's bytes not yet consumed: returns their number (0 when the
 * queue is empty) and points *ret_data at them. */
size_t mt_lineq_front(const struct mt_lineq *q, const char **ret_data);

/* Marks n of the front line's bytes written (n at most what mt_lineq_front
 * returned); the line leaves the queue when all are. */
void mt_lineq_consume(struct mt_lineq *q, size_t n);

size_t mt_lineq_lines(const struct mt_lineq *q);
size_t mt_lineq_bytes(const struct mt_lineq *q); /* charged, as the bound counts */

/* Lines lost since the last call: returns their total and, when ret_by_rank
 * is not NULL, fills it (MT_LINEQ_RANKS entries); then resets the counts. */
uint64_t mt_lineq_take_dropped(struct mt_lineq *q, uint64_t *ret_by_rank);
