#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=180
# Kill first (issue 13, 2): the cheapest victim is a container whose scope
# holds a 40-deep chain of cgroups (a sleeper at the bottom) and a fork
# storm. Before, pinning its pids walked the subtree, failed at depth 33
# (ELOOP) and aborted the kill; every decision chose it again and
# cgroup.kill was never written. Now cgroup.kill is written whatever the
# subtree's shape: the whole scope dies, the pinning's limit is logged, and
# the node is kept out of the kernel's OOM killer.
. /lib/mt/lib.sh
. /lib/mt/k8s.sh
mt_daemon_require

pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"namespace": "batch"}, "priority": 10, "response": "kill"}' > $pol/batch.json
echo '{"precedence": 100, "match": {"namespace": "web"}, "priority": 500, "response": "kill"}' > $pol/web.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json

mt_k8s_pod containerd besteffort batch deep-1
mt_k8s_container deep pids.max=400 -- memhog --anon 96M
deep_pid=$MT_PID deep_cg=$MT_K8S_CT_CG
# 40 levels below the scope, a sleeper at the bottom
p=$CG/$deep_cg
for i in $(seq 1 40); do p=$p/d; mkdir "$p" || mt_fail "mkdir level $i"; done
sh -c 'echo $$ > "$0/cgroup.procs" && exec sleep 100000' "$p" & bottom=$!
# a fork storm one level down: 300 sleepers, then forking without pause
# (below pids.max: busybox sh exits when a fork fails)
mkdir $CG/$deep_cg/storm
sh -c 'echo $$ > "$0/cgroup.procs"; i=0; while [ $i -lt 300 ]; do sleep 100000 & i=$((i + 1)); done
	while :; do true & true & true & wait; done' $CG/$deep_cg/storm & storm=$!
mt_wait_for "the fork storm reached 300 processes" 60 sh -c "[ \$(wc -l < $CG/$deep_cg/storm/cgroup.procs) -ge 300 ]"
mt_wait_for "the sleeper sits 40 levels below the scope" 10 grep -qx "$bottom" "$p/cgroup.procs"

mt_k8s_pod containerd besteffort web web-1
mt_k8s_container web -- memhog --anon inf --rate 40
leak_pid=$MT_PID leak_cg=$MT_K8S_CT_CG

mt_daemon_start --config /tmp/mt.json --policy-dir $pol
mt_daemon_wait_log "memtriaged ready" 30 '"event":"ready"'
mt_daemon_wait_log "memtriaged killed the deep container" 90 "\"event\":\"kill\",\"cgroup\":\"$deep_cg\""
mt_wait_for "the deep container's subtree emptied" 60 grep -qx "populated 0" $CG/$deep_cg/cgroup.events
wait $deep_pid; mt_check_eq "the deep container's memhog (SIGKILL)" $? 137
wait $bottom; mt_check_eq "the sleeper 40 levels down (SIGKILL)" $? 137
wait $storm; mt_check_eq "the fork storm's shell (SIGKILL)" $? 137
mt_check_eq "processes left in the deep container's subtree" "$(mt_cg_nprocs $deep_cg)" 0
mt_check_eq "kill-failed records" "$(mt_daemon_log_count '"kill-failed"')" 0
mt_check "the pinning stopped early and said why" grep -q "$deep_cg: pinned .* before the kill" $MT_STATE/memtriaged.log
mt_check_le "kills of the deep container" "$(mt_daemon_log_count "\"event\":\"kill\",\"cgroup\":\"$deep_cg\"")" 1
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $leak_pid 2>/dev/null
mt_k8s_teardown
mt_done
