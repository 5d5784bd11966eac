#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=300
# What a non-allocating group's figures do under swap pressure (zram), run
# by hand, one boot, no daemon:
#   nice -n 10 ./test/vm/run.sh test/bench/growth-noise.sh build
#   then test/bench/growth-noise.awk BUILD/test/vm/growth-noise/console.log
# Groups under work/ (memhog --half-random: zram ~2:1, as the sweep's "half"):
#   steady   128M, heartbeat only (one page read every 10 ms: the sweep's valuable)
#   reread   96M, reads all its pages in a loop at mt.reread MiB/s (default 8)
#   slow     leaks at mt.slow MiB/s (default 1): a real slow grower
#   leak     leaks at mt.rate MiB/s (default 10) up to mt.leak_mib (200) and
#            holds it, pushing the others into zram (RAM ~470 MiB: the node
#            stays short, but within RAM + zram)
# With mt.reclaim_mib=N (default 0) a background loop writes N M to
# reread's memory.reclaim every second, so its pages go to zram and its
# loop faults them back (the churn the node's reclaim makes under a leak
# at the fill rate, reproduced at a pace the shell sampler resolves).
# Every mt.every_ms (100) for mt.secs (90) seconds one S line per group:
#   S t_ms group current swap.current anon file swapcached shmem
#     workingset_refault_anon workingset_refault_file pgmajfault high
# Then (the hold a non-grower got by mistake) reread and steady are held at
# memory.high = their memory.current for mt.hold_s (20) seconds, the same
# lines go on, and the high counter says whether they still push.
. /lib/mt/lib.sh
REREAD=$(mt_param reread 8) SLOW=$(mt_param slow 1) RATE=$(mt_param rate 10) LEAK=$(mt_param leak_mib 200)
RECLAIM=$(mt_param reclaim_mib 0) EVERY=$(mt_param every_ms 100) SECS=$(mt_param secs 90) HOLD_S=$(mt_param hold_s 20)
mt_cg_make work
for g in steady reread slow leak; do mt_cg_make work/$g; done
mt_cg_run work/steady memhog --anon 128M --half-random --heartbeat /tmp/hb.steady
mt_cg_run work/reread memhog --anon 96M --half-random --reread "$REREAD"
sleep 5
mt_cg_run work/slow memhog --anon inf --half-random --rate "$SLOW"
mt_cg_run work/leak memhog --anon "${LEAK}M" --half-random --rate "$RATE"
if [ "$RECLAIM" -gt 0 ]; then
	(while :; do echo "${RECLAIM}M" > $CG/work/reread/memory.reclaim 2>/dev/null; sleep 1; done) &
	reclaim_pid=$!
fi

sample() {
	read -r up _ < /proc/uptime
	t=${up%.*}${up#*.}0
	for g in steady reread slow leak; do
		d=$CG/work/$g
		read -r cur < $d/memory.current || continue
		read -r sw < $d/memory.swap.current
		anon=0 file=0 sc=0 sh=0 ra=0 rf=0 mf=0 hi=0
		while read -r k v; do
			case $k in
			anon) anon=$v ;; file) file=$v ;; swapcached) sc=$v ;; shmem) sh=$v ;;
			workingset_refault_anon) ra=$v ;; workingset_refault_file) rf=$v ;;
			pgmajfault) mf=$v ;;
			esac
		done < $d/memory.stat
		while read -r k v; do [ "$k" = high ] && hi=$v; done < $d/memory.events
		echo "S $t $g $cur $sw $anon $file $sc $sh $ra $rf $mf $hi"
	done
}
run_for() {
	end=$(( $(mt_now_ms) + $1 * 1000 ))
	while [ "$(mt_now_ms)" -lt $end ]; do
		sample
		usleep $(( EVERY * 1000 ))
	done
}
run_for "$SECS"
for g in steady reread; do
	c=$(cat $CG/work/$g/memory.current)
	echo $c > $CG/work/$g/memory.high
	echo "HOLD $(mt_now_ms) $g memory.high=$c"
done
run_for "$HOLD_S"
[ -n "${reclaim_pid:-}" ] && kill $reclaim_pid
mt_log "meminfo: $(grep -E '^(MemAvailable|SwapTotal|SwapFree|SwapCached):' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
mt_log "zram: $(cat /sys/block/zram0/mm_stat 2>/dev/null)"
mt_check_eq "oom kills of the node" "$(mt_kernel_oom_kills)" "$(dmesg | grep -c 'oom-kill:.*task_memcg=/work/leak')"
mt_done
