#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=150
# Never an empty victim (issue 13, 5): "stale" has no process left but 128
# MiB of tmpfs charged to it, and it is the cheapest group to kill. Before,
# node decisions chose it (its shmem counted as freed), the kill freed
# nothing and it was chosen again while the leaker grew. Now it is
# ineligible ("empty") and the leaker is killed.
. /lib/mt/lib.sh
mt_daemon_require

pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/stale"}, "priority": 10, "response": "kill"}' > $pol/stale.json
echo '{"precedence": 100, "match": {"cgroup": "work/leak"}, "priority": 500, "response": "kill"}' > $pol/leak.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json

mt_cg_make work/stale
mt_cg_make work/leak
mkdir -p /tmp/vol && mount -t tmpfs -o size=200M vol /tmp/vol
mt_cg_run work/stale dd if=/dev/zero of=/tmp/vol/data bs=1M count=128
wait $MT_PID; mt_check_eq "dd into the tmpfs from work/stale" $? 0
mt_check_eq "work/stale populated" "$(mt_cg_key work/stale cgroup.events populated)" 0
mt_check_ge "work/stale shmem (MiB)" "$(( $(mt_cg_key work/stale memory.stat shmem) >> 20 ))" 120

mt_daemon_start --config /tmp/mt.json --policy-dir $pol
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_cg_run work/leak memhog --anon inf --rate 40 > $MT_STATE/leak; leak=$MT_PID
mt_daemon_wait_log "memtriaged killed a group" 60 '"event":"kill"'
wait $leak; mt_check_eq "leaker exit status (SIGKILL)" $? 137
mt_check_eq "kills of work/stale" "$(mt_daemon_log_count '"event":"kill","cgroup":"work/stale"')" 0
mt_check "the kill was work/leak" grep -q '"event":"kill","cgroup":"work/leak"' $MT_STATE/memtriaged.log
mt_check "the decision named work/stale empty" grep -Eq '"cgroup":"work/stale"[^}]*"inelig":\[[^]]*"empty"' $MT_STATE/memtriaged.log
mt_check_no_kernel_oom
mt_daemon_stop
mt_done
