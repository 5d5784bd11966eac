#include "candidate_policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "size.h"

int mt_candidate_apply_policy(struct mt_candidate *c, const struct mt_policy *p, uint64_t kill_timeout_ms)
{
	char *name = strdup(p ? p->name : "");
	if (!name)
		return -ENOMEM;
	free(c->policy);
	c->policy = name;
	if (!p) {
		c->priority = 0;
		c->protected_ = true;
		c->response = MT_RESPONSE_OBSERVE;
		c->throttle_floor = 0;
		c->throttle_step = 0;
		c->kill_grace_ms = kill_timeout_ms;
		return 0;
	}
	c->priority = (uint32_t)p->priority;
	c->protected_ = p->is_protected;
	c->response = p->response;
	c->throttle_floor = mt_size_resolve(&p->throttle.floor, c->mem.current);
	c->throttle_step = mt_size_resolve(&p->throttle.step, c->mem.current);
	c->kill_grace_ms = kill_timeout_ms + p->kill.grace_ms;
	return 0;
}
