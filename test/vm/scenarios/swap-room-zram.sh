#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=420
# Swap as room paid for by the grower, zram: a compressible leaker (memhog's
# pattern pages) held at memory.high goes into zram, the ratio measured on
# its own pages; it dies only after using >= 80 % of the swap room counted
# at its first hold (test/vm/guest/swap-room.sh says what is asserted).
. /lib/mt/lib.sh
. /lib/mt/swap-room.sh
swap_room_scenario zram
