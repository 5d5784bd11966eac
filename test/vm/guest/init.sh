#!/bin/sh
# /init of every guest: set up the machine, run the one scenario, print the
# verdict line the host runner looks for, power off.
. /lib/mt/lib.sh
if mt_boot; then
	sh /scenario.sh
	mt_result $?
else
	printf '\nMT-RESULT: FAIL guest setup failed\n'
fi
# The verdict must reach the host before the power goes (ttydrain.c).
ttydrain
poweroff -f
