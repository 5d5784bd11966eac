#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=420
# The zram room is used with a kill-only policy too: the leaker cannot be
# held, the kernel's reclaim swaps into zram, and memtriaged kills the
# leaker only once the node's swap in use is >= 50 % of SwapTotal - the swap
# reserve (83-88 % seen). Before issue 16 the unmeasured ratio counted zram as no room and
# the leaker died at 126-148 MiB with zram empty.
. /lib/mt/lib.sh
. /lib/mt/swap-room.sh
swap_room_scenario zram kill
