#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=150
# Priority over size: one large high-priority container and three small
# low-priority ones, one of which leaks. memtriaged covers the deficit by
# killing low-priority groups only; the large one lives. (The control run,
# daemon-priority-control, shows the kernel would have killed the large one.)
. /lib/mt/lib.sh
mt_daemon_require

pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/large"}, "priority": 900, "response": "kill"}' > $pol/large.json
echo '{"precedence": 100, "match": {"cgroup": "work/small*"}, "priority": 100, "response": "kill"}' > $pol/small.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json

for c in large small1 small2 small3; do mt_cg_make work/$c; done
mt_cg_run work/large memhog --anon 200M > $MT_STATE/large; large=$MT_PID
mt_cg_run work/small1 memhog --anon 24M > $MT_STATE/small1; s1=$MT_PID
mt_cg_run work/small2 memhog --anon 24M > $MT_STATE/small2; s2=$MT_PID
mt_wait_for "large and two small holding" 90 sh -c "grep -q state=holding $MT_STATE/large && grep -q state=holding $MT_STATE/small1 && grep -q state=holding $MT_STATE/small2"

mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket ""
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_cg_run work/small3 memhog --anon inf --rate 40 > $MT_STATE/small3; s3=$MT_PID
mt_daemon_wait_log "memtriaged killed a group" 60 '"event":"kill"'
mt_daemon_wait_log "the kill completed (populated 0)" 20 '"event":"kill-done"'
wait $s3; mt_check_eq "leaker (small3) exit status (SIGKILL)" $? 137
sleep 2
mt_check_eq "kills of work/large" "$(mt_daemon_log_count '"event":"kill","cgroup":"work/large"')" 0
mt_check_eq "kills of anything but work/small*" "$(grep '"event":"kill"' $MT_STATE/memtriaged.log | grep -vc '"cgroup":"work/small')" 0
# Equal cost among the small ones: the grower is among the first victims.
mt_check "the first kill decision includes the leaker work/small3" sh -c \
	"grep -m1 '\"event\":\"decision\".*\"action\":\"kill\"' $MT_STATE/memtriaged.log | grep -q '\"targets\":\[[^]]*\"work/small3\"'"
mt_check "large alive" mt_alive $large
mt_check_eq "work/large populated" "$(mt_cg_key work/large cgroup.events populated)" 1
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $large $s1 $s2 2>/dev/null
mt_done
