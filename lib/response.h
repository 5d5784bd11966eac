/* What memtriage may do to a candidate, as declared by its policy. */
#pragma once

enum mt_response {
	MT_RESPONSE_OBSERVE,            /* record only, never act */
	MT_RESPONSE_THROTTLE,           /* memory.high only, never kill */
	MT_RESPONSE_KILL,               /* group kill only, never throttle */
	MT_RESPONSE_THROTTLE_THEN_KILL, /* throttle as the bound nears, kill on deficit */
	MT_RESPONSE__COUNT,
};

/* Returns the stable name used in policy files and snapshots
 * ("observe", "throttle", "kill", "throttle-then-kill"), or NULL if out of range. */
const char *mt_response_to_string(enum mt_response r);

/* Returns 0 and sets *ret, or -EINVAL for an unknown name. */
int mt_response_from_string(const char *s, enum mt_response *ret);

static inline int mt_response_may_throttle(enum mt_response r)
{
	return r == MT_RESPONSE_THROTTLE || r == MT_RESPONSE_THROTTLE_THEN_KILL;
}

static inline int mt_response_may_kill(enum mt_response r)
{
	return r == MT_RESPONSE_KILL || r == MT_RESPONSE_THROTTLE_THEN_KILL;
}
