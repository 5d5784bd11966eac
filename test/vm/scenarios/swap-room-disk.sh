#!/bin/sh
# vm: mem=512M cpus=2 disk=256M timeout=420
# Swap as room paid for by the grower, disk swap (a sparse image on
# virtio-blk): as swap-room-zram, and the bystanders' heartbeat gaps against
# their idle baseline are printed (SWAP-ROOM-GAP lines).
. /lib/mt/lib.sh
. /lib/mt/swap-room.sh
swap_room_scenario disk
