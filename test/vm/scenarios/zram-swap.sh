#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=120
# zram swap takes what a cgroup cannot keep in RAM: a 160 MiB holder under
# memory.max=64M must have at least 160 - 64 = 96 MiB of its anonymous pages
# in swap (anonymous memory lives in RAM, charged under memory.max, or in
# swap); SwapFree drops by at least as much and zram stores real data.
. /lib/mt/lib.sh

ANON=160 MAX=64
free0=$(mt_meminfo SwapFree)
mt_check_eq "swap used before (kB)" $(( $(mt_meminfo SwapTotal) - free0 )) 0
mt_cg_make swap memory.max=${MAX}M
# memhog moves itself in (--cgroup) before touching anything.
memhog --cgroup $CG/swap --anon ${ANON}M --every 32 > $MT_STATE/hog &
hog=$!
mt_wait_for "holder reached ${ANON} MiB" 60 grep -q "state=holding anon_mib=$ANON" $MT_STATE/hog
cat $MT_STATE/hog
mt_cg_show swap memory.events
mt_cg_show swap memory.swap.events
swap=$(mt_cg_get swap memory.swap.current)
mt_log "memory.current=$(mt_cg_get swap memory.current) memory.swap.current=$swap" \
	"SwapFree $free0 -> $(mt_meminfo SwapFree) kB; zram mm_stat: $(cat /sys/block/zram0/mm_stat)"
mt_check_ge "memory.swap.current (bytes)" "$swap" $(( (ANON - MAX) * 1024 * 1024 ))
mt_check_ge "SwapFree drop (kB)" $(( free0 - $(mt_meminfo SwapFree) )) $(( (ANON - MAX) * 1024 ))
orig=$(awk '{ print $1 }' /sys/block/zram0/mm_stat)
mt_check_ge "zram orig_data_size (bytes)" "$orig" $(( (ANON - MAX) * 1024 * 1024 ))
mt_check_le "memory.current within memory.max" "$(mt_cg_get swap memory.current)" $(( MAX * 1024 * 1024 ))
mt_check_eq "memory.events oom_kill" "$(mt_cg_key swap memory.events oom_kill)" 0
mt_check "holder alive" mt_alive $hog
kill -9 $hog; wait $hog
mt_done
