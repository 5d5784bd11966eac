#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=150
# zram-aware node figures, compressible data: as zram-ratio-random, with
# memhog's usual pages (64 bytes of pattern, then zeros), which zram stores
# in small zsmalloc classes. memtriaged's zram inputs must match /proc/swaps
# and mm_stat (within 1 MiB, as there) and the replayed decision must use
# the measured ratio, here large: r >= 10 (f >= 0.9). 10 is far below what
# 64 non-zero bytes a page compress to with lzo-rle (r = 57.3 measured: 96 MiB
# in a 1.7 MiB pool) and far above the r ~ 1 of random data (0.9993).
. /lib/mt/lib.sh
. /lib/mt/zram-ratio.sh
zram_ratio_scenario pattern
