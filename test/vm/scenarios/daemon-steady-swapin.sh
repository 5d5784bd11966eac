#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=360
# A non-grower never reads as a grower (doc/comparison.md, "A non-grower
# held"): the embedded default policies (every container priority 500,
# throttle-then-kill, as in the sweep's memtriaged-default boots), zram.
# work/valuable allocates nothing: 160 MiB of compressible pages it reads in
# a loop (memhog --reread) while a background loop pushes 16 MiB of them a
# second into zram through its memory.reclaim, so its pages go out and are
# faulted back all through the episode. work/leaky leaks compressible pages
# at 10 MiB/s without end. Asserted: the leaker is held and then killed,
# and it is the only one killed; valuable is never held (no throttle of it
# in the log, memory.high max throughout), is alive at the end and did
# fault pages back in (its workingset_refault_anon rose); every decision
# record that lists valuable has its growth_rate 0 and growth_known true
# (the old 256 KiB/s cut let 335 KiB/s through in this scenario, the
# sweep's held one had 280); no kernel OOM kill.
. /lib/mt/lib.sh
mt_daemon_require
S=$MT_STATE
mt_cg_make work
mt_cg_make work/valuable
mt_cg_make work/leaky
mt_cg_run work/valuable memhog --name valuable --half-random --anon 160M --every 32 --reread 4 > $S/valuable
valuable=$MT_PID
mt_wait_for "valuable holding" 120 grep -q state=holding $S/valuable
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_daemon_start --config /tmp/mt.json --socket ""
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"' || { mt_daemon_stop; mt_done; exit 0; }
refault0=$(mt_cg_key work/valuable memory.stat workingset_refault_anon)
(while :; do echo 16M > $CG/work/valuable/memory.reclaim 2>/dev/null; sleep 1; done) &
churn=$!
# the churn alone, before the leak: valuable must not be held for it
sleep 10
mt_log "valuable before the leak: current=$(mt_cg_get work/valuable memory.current) swap=$(mt_cg_get work/valuable memory.swap.current)"
mt_cg_run work/leaky memhog --name cheap --half-random --anon inf --rate 10 --every 32 > $S/leaky
leaky=$MT_PID
mt_daemon_wait_log "the leaker held" 120 '"event":"throttle","cgroup":"work/leaky"'
mt_daemon_wait_log "the leaker killed" 180 '"event":"kill","cgroup":"work/leaky"'
wait $leaky; mt_check_eq "leaker exit status (SIGKILL)" $? 137
sleep 3
kill $churn; wait $churn 2>/dev/null
refault1=$(mt_cg_key work/valuable memory.stat workingset_refault_anon)
mt_log "valuable: workingset_refault_anon $refault0 -> $refault1, swap now $(mt_cg_get work/valuable memory.swap.current)"
mt_check_gt "valuable faulted pages back in" "$refault1" "$refault0"
mt_check "valuable alive" mt_alive $valuable
mt_check_eq "throttles of valuable" "$(mt_daemon_log_count '"event":"throttle","cgroup":"work/valuable"')" 0
mt_check_str "valuable's memory.high" "$(mt_cg_get work/valuable memory.high)" max
mt_check_eq "kills" "$(mt_daemon_log_count '"event":"(kill|terminate)",')" 1
mt_check_no_kernel_oom
# valuable's growth_rate in each decision record that lists it (B/s)
rates=$(grep '"event":"decision"' $S/memtriaged.log | grep -o '"cgroup":"work/valuable"[^}]*' |
	sed -n 's/.*"growth_rate":\(-*[0-9]*\).*/\1/p' | sort -n)
n=$(echo "$rates" | grep -c .)
mt_log "valuable growth_rate in $n decision entries: min $(echo "$rates" | head -n 1) max $(echo "$rates" | tail -n 1) B/s"
mt_check_gt "decision entries listing valuable" "$n" 0
mt_check_eq "of them with a growth_rate other than 0" "$(echo "$rates" | grep -vc '^0$')" 0
mt_check_eq "of them with growth not known" "$(grep '"event":"decision"' $S/memtriaged.log | grep -o '"cgroup":"work/valuable"[^}]*' | grep -c '"growth_known":false')" 0
grep -E '"event":"(decision|kill|throttle|release)"' $S/memtriaged.log | cut -c1-300 | sed 's/^/steady-swapin| /'
mt_daemon_stop
mt_done
