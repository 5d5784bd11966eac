#!/bin/sh
# vm: mem=512M cpus=2 zram=128M timeout=180
# RAM and swap: two batch containers live mostly in zram swap (memory.max
# pushes 60 MiB of each out), a third fills RAM. When memtriaged starts, the
# node is short in swap and in RAM; its kill covers both deficits (freed
# swap >= the swap deficit, freed RAM + swap >= both), so it picks a
# swapped-out batch container over the RAM-only one, never the
# high-priority one, and the kernel's OOM killer never acts.
. /lib/mt/lib.sh
mt_daemon_require
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/keep"}, "priority": 900, "response": "kill"}' > $pol/keep.json
echo '{"precedence": 100, "match": {"cgroup": "work/batch*"}, "priority": 100, "response": "kill"}' > $pol/batch.json
echo '{"reserve": "15%"}' > /tmp/mt.json
mt_cg_make work/keep
mt_cg_make work/batch1 memory.max=40M
mt_cg_make work/batch2 memory.max=40M
mt_cg_make work/batch3
mt_cg_run work/keep memhog --anon 64M > $MT_STATE/keep; keep=$MT_PID
mt_cg_run work/batch1 memhog --anon 100M > $MT_STATE/b1; b1=$MT_PID
mt_cg_run work/batch2 memhog --anon 100M > $MT_STATE/b2; b2=$MT_PID
mt_wait_for "keep, batch1, batch2 holding" 120 sh -c "grep -q state=holding $MT_STATE/keep && grep -q state=holding $MT_STATE/b1 && grep -q state=holding $MT_STATE/b2"
mt_cg_run work/batch3 memhog --anon 240M > $MT_STATE/b3; b3=$MT_PID
mt_wait_for "batch3 holding" 120 grep -q state=holding $MT_STATE/b3
mt_log "before: SwapTotal=$(mt_meminfo SwapTotal)k SwapFree=$(mt_meminfo SwapFree)k MemAvailable=$(mt_meminfo MemAvailable)k"
mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket ""
mt_daemon_wait_log "a kill decision" 60 '"event":"decision".*"action":"kill"'
mt_daemon_wait_log "the kill completed (populated 0)" 20 '"event":"kill-done"'
grep '"event":"decision".*"action":"kill"' $MT_STATE/memtriaged.log | head -n 1 > $MT_STATE/d1
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" $MT_STATE/d1; }
sd=$(field swap_deficit); rd=$(field ram_deficit)
pr=$(sed -n 's/.*"predicted":{"ram":\([0-9]*\),"swap":\([0-9]*\)}.*/\1/p' $MT_STATE/d1)
ps=$(sed -n 's/.*"predicted":{"ram":\([0-9]*\),"swap":\([0-9]*\)}.*/\2/p' $MT_STATE/d1)
mt_log "first kill decision: ram_deficit=$rd swap_deficit=$sd predicted ram=$pr swap=$ps"
mt_check_gt "swap deficit at the decision" "$sd" 0
mt_check_gt "RAM deficit at the decision" "$rd" 0
mt_check "the decision covered" grep -q '"covered":true' $MT_STATE/d1
mt_check_ge "predicted swap freed >= swap deficit" "$ps" "$sd"
mt_check_ge "predicted RAM + swap freed >= both deficits" $((pr + ps)) $((rd + sd))
mt_check "the victim is a swapped-out batch container" grep -Eq '"targets":\["work/batch[12]"\]' $MT_STATE/d1
sleep 2
mt_log "after: SwapFree=$(mt_meminfo SwapFree)k MemAvailable=$(mt_meminfo MemAvailable)k"
mt_check_eq "kill decisions" "$(mt_daemon_log_count '"event":"decision".*"action":"kill"')" 1
mt_check "keep alive" mt_alive $keep
mt_check "batch3 (RAM only) alive" mt_alive $b3
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $keep $b1 $b2 $b3 2>/dev/null
mt_done
