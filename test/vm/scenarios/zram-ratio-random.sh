#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=150
# zram-aware node figures, incompressible data: a holder under memory.max
# fills zram with pseudo-random pages (memhog --random), so zram stores them
# at a ratio near 1 and frees almost no RAM. memtriaged's snapshot (taken
# while a small grower keeps the node "growing", so decisions run) must carry
# zram inputs that match /proc/swaps and mm_stat read here, and the decision
# `memtriage simulate` replays from it must use the measured ratio.
#
# Tolerance: the holder sleeps once it holds and nothing else is pushed to
# swap (the grower has no memory.max and the guest has RAM to spare), so zram
# only changes by the odd page reclaim or compaction moves between the
# daemon's read and ours: 1 MiB (256 pages) either way.
# Ratio bound: random bytes do not compress; zram stores each as a whole
# page ("huge" object) and mem_used_total counts whole zsmalloc pages, so r =
# orig / mem_used lies within 5 % of 1 (0.95 <= r <= 1.05; measured 0.9993:
# 96.6 MiB stored in a 96.7 MiB pool).
. /lib/mt/lib.sh
. /lib/mt/zram-ratio.sh
zram_ratio_scenario random
