#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=150
# memory.high throttles a grower: the same memhog grows far slower past
# memory.high than without it, the high counter rises, and it is never
# killed (memory.high never invokes the OOM killer).
. /lib/mt/lib.sh

# rate_kibps FILE: KiB/s of a memhog past memory.high's 32 MiB, from its
# progress lines (the first at or past 32 MiB, and the last). The same span
# for both runs, so the ratio compares like with like.
rate_kibps() {
	awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (!seen && v["anon_mib"] >= 32) { seen = 1; m0 = v["anon_mib"]; t0 = v["elapsed_ms"] }
		m = v["anon_mib"]; t = v["elapsed_ms"] }
		END { printf "%d\n", seen ? (m - m0) * 1024 * 1000 / (t - t0 + 1) : -1 }' "$1"
}

# Swap is limited to 16M so that past memory.high reclaim has little room:
# the kernel's penalty sleeps (up to 2 s per return to user space) then set
# the pace. Both runs stop growing after 8 s at most.
mt_cg_make free memory.swap.max=16M
mt_cg_run free memhog --anon 128M --for 8 --hold 0 --every 8 > $MT_STATE/free
wait $MT_PID; mt_check_eq "unthrottled exit status" $? 0
free_rate=$(rate_kibps $MT_STATE/free)

mt_cg_make high memory.high=32M memory.swap.max=16M
mt_cg_run high memhog --anon 128M --for 8 --every 8 > $MT_STATE/high
hog=$MT_PID
mt_wait_for "throttled grower stopped growing" 60 grep -q state=holding $MT_STATE/high
high_rate=$(rate_kibps $MT_STATE/high)
cat $MT_STATE/free $MT_STATE/high
mt_cg_show high memory.events
mt_log "rate past 32 MiB without memory.high: $free_rate KiB/s, with memory.high=32M: $high_rate KiB/s"
mt_check_gt "unthrottled rate (KiB/s)" "$free_rate" 0
mt_check_ge "throttled rate (KiB/s; -1: never reached 32 MiB)" "$high_rate" 0
# "far below": under a quarter of the unthrottled rate.
mt_check_lt "throttled rate x 4 vs unthrottled (KiB/s)" $(( high_rate * 4 )) "$free_rate"
mt_check_gt "memory.events high" "$(mt_cg_key high memory.events high)" 0
mt_check_eq "memory.events max" "$(mt_cg_key high memory.events max)" 0
mt_check_eq "memory.events oom_kill" "$(mt_cg_key high memory.events oom_kill)" 0
mt_check "throttled grower alive" mt_alive $hog
kill -9 $hog; wait $hog
mt_done
