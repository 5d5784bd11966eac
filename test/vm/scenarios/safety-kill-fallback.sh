#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=180
# Fallback kill (issue 13, 8), forced with --kill-fallback as on a kernel
# without cgroup.kill: the victim leaks and forks without pause in a
# storm beside it. Freeze, wait for frozen 1, SIGKILL through the pinned pidfds
# and every pid listed, rounds until populated 0, thaw: nothing survives
# (before: one pass without waiting for the freeze; a child forked
# mid-kill outlived the thaw) and the group is left thawed. (All in one
# cgroup: a protected sub-cgroup would make it no candidate at all.)
. /lib/mt/lib.sh
mt_daemon_require
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/victim"}, "priority": 10, "response": "kill"}' > $pol/victim.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_cg_make work/victim pids.max=400
sh -c 'echo $$ > "$0/cgroup.procs"; i=0; while [ $i -lt 200 ]; do sleep 100000 & i=$((i + 1)); done
	while :; do true & true & true & wait; done' $CG/work/victim & storm=$!
mt_wait_for "the fork storm reached 200 processes" 60 sh -c "[ \$(wc -l < $CG/work/victim/cgroup.procs) -ge 200 ]"
mt_daemon_start --config /tmp/mt.json --policy-dir $pol --kill-fallback
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_cg_run work/victim memhog --anon inf --rate 40 > $MT_STATE/victim; victim=$MT_PID
mt_daemon_wait_log "memtriaged killed work/victim" 60 '"event":"kill","cgroup":"work/victim","method":"freeze-signal"'
mt_wait_for "work/victim emptied" 60 grep -qx "populated 0" $CG/work/victim/cgroup.events
wait $victim; mt_check_eq "the leaker (SIGKILL)" $? 137
wait $storm; mt_check_eq "the fork storm's shell (SIGKILL)" $? 137
mt_check_eq "processes left below work/victim" "$(mt_cg_nprocs work/victim)" 0
mt_check_str "work/victim thawed" "$(mt_cg_get work/victim cgroup.freeze)" 0
mt_check "the kill saw frozen 1" grep -q '"event":"kill","cgroup":"work/victim".*"frozen":true' $MT_STATE/memtriaged.log
mt_check_eq "kill-failed records" "$(mt_daemon_log_count '"kill-failed"')" 0
mt_check_no_kernel_oom
mt_daemon_stop
mt_done
