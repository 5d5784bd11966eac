#include <errno.h>

#include "check.h"
#include "response.h"

int main(void)
{
	enum mt_response r;

	for (int i = 0; i < MT_RESPONSE__COUNT; i++) {
		CHECK_INT(mt_response_from_string(mt_response_to_string((enum mt_response)i), &r), 0);
		CHECK_INT(r, i);
	}
	CHECK_STR(mt_response_to_string(MT_RESPONSE_THROTTLE_THEN_KILL), "throttle-then-kill");
	CHECK(mt_response_to_string(MT_RESPONSE__COUNT) == NULL);
	CHECK_INT(mt_response_from_string("Kill", &r), -EINVAL);
	CHECK_INT(mt_response_from_string("", &r), -EINVAL);
	CHECK(!mt_response_may_kill(MT_RESPONSE_THROTTLE));
	CHECK(mt_response_may_kill(MT_RESPONSE_THROTTLE_THEN_KILL));
	CHECK(!mt_response_may_throttle(MT_RESPONSE_OBSERVE));
	return mt_check_status();
}
