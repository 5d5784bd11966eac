#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=180
# RAM and swap: with zram swap filling as well as RAM, the kill decision sees
# a deficit in swap and in RAM, and the victims cover both: freed swap >= the
# swap deficit, freed RAM + swap >= both deficits. The high-priority
# container lives and the kernel's OOM killer never acts.
. /lib/mt/lib.sh
mt_daemon_can_run || { mt_fail "memtriaged --check-host: $(cat $MT_STATE/check-host.log)"; mt_done; exit 0; }
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/keep"}, "priority": 900, "response": "kill"}' > $pol/keep.json
echo '{"precedence": 100, "match": {"cgroup": "work/batch*"}, "priority": 100, "response": "kill"}' > $pol/batch.json
echo '{"reserve": "15%", "horizon_s": 10}' > /tmp/mt.json
for c in keep batch1 batch2 batch3; do mt_cg_make work/$c; done
mt_cg_run work/keep memhog --anon 96M > $MT_STATE/keep; keep=$MT_PID
mt_cg_run work/batch1 memhog --anon 160M > $MT_STATE/b1; b1=$MT_PID
mt_cg_run work/batch2 memhog --anon 160M > $MT_STATE/b2; b2=$MT_PID
mt_wait_for "keep, batch1, batch2 holding" 90 sh -c "grep -q state=holding $MT_STATE/keep && grep -q state=holding $MT_STATE/b1 && grep -q state=holding $MT_STATE/b2"
mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket ""
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_cg_run work/batch3 memhog --anon inf --rate 30 > $MT_STATE/b3; b3=$MT_PID
mt_daemon_wait_log "a kill decision" 120 '"event":"decision".*"action":"kill"'
sleep 3
mt_log "SwapTotal=$(mt_meminfo SwapTotal)k SwapFree=$(mt_meminfo SwapFree)k MemAvailable=$(mt_meminfo MemAvailable)k"
grep '"event":"decision".*"action":"kill"' $MT_STATE/memtriaged.log | head -n 1 > $MT_STATE/d1
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" $MT_STATE/d1; }
sd=$(field swap_deficit); rd=$(field ram_deficit)
pr=$(sed -n 's/.*"predicted":{"ram":\([0-9]*\),"swap":\([0-9]*\)}.*/\1/p' $MT_STATE/d1)
ps=$(sed -n 's/.*"predicted":{"ram":\([0-9]*\),"swap":\([0-9]*\)}.*/\2/p' $MT_STATE/d1)
mt_log "first kill decision: ram_deficit=$rd swap_deficit=$sd predicted ram=$pr swap=$ps"
mt_check_gt "swap deficit at the decision" "$sd" 0
mt_check "the decision covered" grep -q '"covered":true' $MT_STATE/d1
mt_check_ge "predicted swap freed >= swap deficit" "$ps" "$sd"
mt_check_ge "predicted RAM + swap freed >= both deficits" $((pr + ps)) $((rd + sd))
mt_check_eq "kills of work/keep" "$(mt_daemon_log_count '"event":"kill","cgroup":"work/keep"')" 0
mt_check "keep alive" mt_alive $keep
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $keep $b1 $b2 $b3 2>/dev/null
mt_done
