#include "lineq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Each line sits on two lists: the queue's order, and its rank's (oldest
 * to newest), so that finding the line to evict takes at most
 * MT_LINEQ_RANKS steps whatever the queue holds. */
struct node {
	struct node *prev, *next;   /* queue order */
	struct node *rprev, *rnext; /* within its rank */
	size_t len, off;            /* off: bytes already consumed */
	unsigned rank;
	char data[];
};

struct mt_lineq {
	size_t capacity, bytes, lines;
	struct node *head, *tail;
	struct node *rhead[MT_LINEQ_RANKS], *rtail[MT_LINEQ_RANKS];
	uint64_t dropped[MT_LINEQ_RANKS];
};

static size_t charge(size_t len)
{
	return len + MT_LINEQ_OVERHEAD;
}

int mt_lineq_new(size_t capacity, struct mt_lineq **ret_q)
{
	struct mt_lineq *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->capacity = capacity;
	*ret_q = q;
	return 0;
}

static void unlink_node(struct mt_lineq *q, struct node *n)
{
	*(n->prev ? &n->prev->next : &q->head) = n->next;
	*(n->next ? &n->next->prev : &q->tail) = n->prev;
	*(n->rprev ? &n->rprev->rnext : &q->rhead[n->rank]) = n->rnext;
	*(n->rnext ? &n->rnext->rprev : &q->rtail[n->rank]) = n->rprev;
	q->bytes -= charge(n->len);
	q->lines--;
	free(n);
}

void mt_lineq_free(struct mt_lineq *q)
{
	if (!q)
		return;
	while (q->head)
		unlink_node(q, q->head);
	free(q);
}

/* The line to evict for a line of `rank`: the newest of the largest rank
 * above it, never a partly consumed front. NULL when there is none. */
static struct node *victim(const struct mt_lineq *q, unsigned rank)
{
	for (unsigned r = MT_LINEQ_RANKS - 1; r > rank; r--)
		for (struct node *n = q->rtail[r]; n; n = n->rprev)
			if (!(n == q->head && n->off > 0))
				return n;
	return NULL;
}

int mt_lineq_push(struct mt_lineq *q, const char *line, size_t len, unsigned rank)
{
	if (rank >= MT_LINEQ_RANKS)
		return -EINVAL;
	size_t need = charge(len);
	if (need > q->capacity) {
		q->dropped[rank]++;
		return 0;
	}
	/* Evict only when that makes room: count first, then take. */
	size_t room = q->capacity - q->bytes, freeable = 0;
	if (need > room) {
		for (unsigned r = rank + 1; r < MT_LINEQ_RANKS && room + freeable < need; r++)
			for (struct node *n = q->rtail[r]; n && room + freeable < need; n = n->rprev)
				if (!(n == q->head && n->off > 0))
					freeable += charge(n->len);
		if (room + freeable < need) {
			q->dropped[rank]++;
			return 0;
		}
		while (q->capacity - q->bytes < need) {
			struct node *v = victim(q, rank);
			if (!v)
				abort(); /* counted as freeable above */
			q->dropped[v->rank]++;
			unlink_node(q, v);
		}
	}
	struct node *n = malloc(sizeof(*n) + len);
	if (!n) {
		q->dropped[rank]++;
		return -ENOMEM;
	}
	memcpy(n->data, line, len);
	n->len = len;
	n->off = 0;
	n->rank = rank;
	n->next = NULL;
	n->prev = q->tail;
	*(q->tail ? &q->tail->next : &q->head) = n;
	q->tail = n;
	n->rnext = NULL;
	n->rprev = q->rtail[rank];
	*(q->rtail[rank] ? &q->rtail[rank]->rnext : &q->rhead[rank]) = n;
	q->rtail[rank] = n;
	q->bytes += need;
	q->lines++;
	return 1;
}

size_t mt_lineq_front(const struct mt_lineq *q, const char **ret_data)
{
	if (!q->head) {
		*ret_data = NULL;
		return 0;
	}
	*ret_data = q->head->data + q->head->off;
	return q->head->len - q->head->off;
}

void mt_lineq_consume(struct mt_lineq *q, size_t n)
{
	struct node *h = q->head;

	if (!h)
		return;
	h->off += n < h->len - h->off ? n : h->len - h->off;
	if (h->off == h->len)
		unlink_node(q, h);
}

size_t mt_lineq_lines(const struct mt_lineq *q)
{
	return q->lines;
}

size_t mt_lineq_bytes(const struct mt_lineq *q)
{
	return q->bytes;
}

uint64_t mt_lineq_take_dropped(struct mt_lineq *q, uint64_t *ret_by_rank)
{
	uint64_t total = 0;

	for (unsigned r = 0; r < MT_LINEQ_RANKS; r++) {
		total += q->dropped[r];
		if (ret_by_rank)
			ret_by_rank[r] = q->dropped[r];
		q->dropped[r] = 0;
	}
	return total;
}
