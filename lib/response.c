#include "response.h"

#include <errno.h>
#include <string.h>

static const char *const names[MT_RESPONSE__COUNT] = {
	[MT_RESPONSE_OBSERVE] = "observe",
	[MT_RESPONSE_THROTTLE] = "throttle",
	[MT_RESPONSE_KILL] = "kill",
	[MT_RESPONSE_THROTTLE_THEN_KILL] = "throttle-then-kill",
};

const char *mt_response_to_string(enum mt_response r)
{
	if ((unsigned)r >= MT_RESPONSE__COUNT)
		return NULL;
	return names[r];
}

int mt_response_from_string(const char *s, enum mt_response *ret)
{
	for (unsigned i = 0; i < MT_RESPONSE__COUNT; i++)
		if (strcmp(s, names[i]) == 0) {
			*ret = (enum mt_response)i;
			return 0;
		}
	return -EINVAL;
}
