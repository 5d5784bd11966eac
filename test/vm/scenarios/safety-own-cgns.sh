#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=150
# Never itself (issue 13, 4): memtriaged runs in sys/memtriaged inside its
# own cgroup namespace (as a container with a private cgroup namespace):
# /proc/self/cgroup reads "0::/". Its cgroup's policy makes it the cheapest
# kill on the node. Before, it took "/" for the root, did not know itself
# and killed its own cgroup; now it finds itself (mountinfo's root field,
# then its pid at that depth) and kills the leaker.
. /lib/mt/lib.sh
mt_daemon_require
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "priority": 500, "response": "kill"}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "sys/*"}, "priority": 10, "response": "kill"}' > $pol/sys.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_cg_make sys/memtriaged
mt_cg_make leak
mt_check_str "a new cgroup namespace reads 0::/" "$(mt_cg_run sys/memtriaged cgns cat /proc/self/cgroup; wait $MT_PID)" "0::/"
sh -c 'echo $$ > "$0/cgroup.procs" && exec cgns memtriaged "$@"' $CG/sys/memtriaged \
	--config /tmp/mt.json --policy-dir $pol > $MT_STATE/memtriaged.log 2>&1 &
MT_DAEMON_PID=$!
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_check "it knows its own cgroup: sys/memtriaged" grep -q '"event":"starting".*"own_cgroup":"sys/memtriaged"' $MT_STATE/memtriaged.log
mt_check_eq "candidates watched (leak only)" "$(grep '"event":"ready"' $MT_STATE/memtriaged.log | sed 's/.*"candidates":\([0-9]*\).*/\1/')" 1
mt_cg_run leak memhog --anon inf --rate 40 > $MT_STATE/leak; leak=$MT_PID
mt_daemon_wait_log "memtriaged killed a group" 60 '"event":"kill"'
wait $leak; mt_check_eq "leaker exit status (SIGKILL)" $? 137
mt_check "the kill was leak" grep -q '"event":"kill","cgroup":"leak"' $MT_STATE/memtriaged.log
mt_check_eq "kills of sys or sys/memtriaged" "$(mt_daemon_log_count '"event":"kill","cgroup":"sys')" 0
mt_check "memtriaged alive" mt_alive $MT_DAEMON_PID
mt_check_no_kernel_oom
mt_daemon_stop
mt_done
