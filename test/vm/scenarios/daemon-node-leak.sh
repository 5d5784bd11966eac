#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=150
# Node leak: three containers of high, medium and low priority; the low one
# leaks. memtriaged kills exactly the low one before the kernel's OOM killer
# would act (no kernel OOM in dmesg), and the other two run on untouched.
. /lib/mt/lib.sh
mt_daemon_require

pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
for p in high:900 med:500 low:100; do
	echo "{\"precedence\": 100, \"match\": {\"cgroup\": \"work/${p%%:*}\"}, \"priority\": ${p#*:}, \"response\": \"kill\"}" > $pol/${p%%:*}.json
done
echo '{"reserve": "64Mi"}' > /tmp/mt.json

mt_cg_make work/high
mt_cg_make work/med
mt_cg_make work/low
mt_cg_run work/high memhog --anon 96M > $MT_STATE/high; high=$MT_PID
mt_cg_run work/med memhog --anon 64M > $MT_STATE/med; med=$MT_PID
mt_wait_for "high and med holding" 60 sh -c "grep -q state=holding $MT_STATE/high && grep -q state=holding $MT_STATE/med"

mt_daemon_start --config /tmp/mt.json --policy-dir $pol
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_check_eq "candidates watched" "$(grep '"event":"ready"' $MT_STATE/memtriaged.log | sed 's/.*"candidates":\([0-9]*\).*/\1/')" 3

mt_cg_run work/low memhog --anon inf --rate 40 > $MT_STATE/low; low=$MT_PID
mt_daemon_wait_log "memtriaged killed a group" 60 '"event":"kill"'
mt_daemon_wait_log "the kill completed (populated 0)" 20 '"event":"kill-done"'
wait $low; mt_check_eq "low leaker exit status (SIGKILL)" $? 137
mt_check_eq "kills logged" "$(mt_daemon_log_count '"event":"kill"')" 1
mt_check "the kill was work/low" grep -q '"event":"kill","cgroup":"work/low"' $MT_STATE/memtriaged.log
mt_check "the decision named work/low only" grep -q '"targets":\["work/low"\]' $MT_STATE/memtriaged.log
mt_check "high alive" mt_alive $high
mt_check "med alive" mt_alive $med
mt_check_eq "work/high populated" "$(mt_cg_key work/high cgroup.events populated)" 1
mt_check_eq "work/med populated" "$(mt_cg_key work/med cgroup.events populated)" 1
mt_check "work/high memory.high untouched (max)" [ "$(mt_cg_get work/high memory.high)" = max ]
mt_check_no_kernel_oom
# The status socket: history names the kill; explain replays the kept
# snapshot of decision 1 through the selection to the same victim. (status,
# snapshot and simulate are checked for exact content in daemon-cli and
# zram-ratio.)
mt_check "memtriage history names the kill of work/low" sh -c "memtriage history -o json | tr -d ' \n' | grep -q '\"victims\":\[{\"path\":\"work/low\"'"
mt_check "memtriage explain 1: a kill, replayed from its snapshot" \
	sh -c "memtriage explain 1 -o json | tr -d ' \n' | grep -q '\"explanation\":{.*\"action\":\"kill\"'"
mt_daemon_stop
kill -9 $high $med
mt_done
