#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=150
# Never touched (issue 13, 1): a protected container inside an otherwise
# unprotected pod. No catch-all protection: every group but pod/db is an
# ordinary workload. The pod's cgroup.kill would kill db, so the pod is no
# candidate (check-policy and `candidates` say why); under a deficit the
# daemon kills the leaker elsewhere, never the pod, and db runs on.
. /lib/mt/lib.sh
mt_daemon_require

pol=/tmp/policies
mkdir -p $pol
# The cheapest group to kill would be the pod (priority 10); the leaker costs more.
echo '{"precedence": 0, "match": {}, "priority": 500, "response": "kill"}' > $pol/rest.json
echo '{"precedence": 50, "match": {"cgroup": "pod"}, "priority": 10, "response": "kill"}' > $pol/pod.json
echo '{"precedence": 100, "match": {"cgroup": "pod/db"}, "protected": true}' > $pol/db.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json

mt_cg_make pod/db
mt_cg_make leak
mt_cg_run pod/db memhog --anon 128M > $MT_STATE/db; db=$MT_PID
mt_wait_for "db holding" 60 grep -q state=holding $MT_STATE/db

memtriage check-policy $pol --root $CG > $MT_STATE/check-policy 2>&1
sed 's/^/check-policy| /' $MT_STATE/check-policy
mt_check_str "check-policy: pod is held out by pod/db" \
	"$(awk '$1 == "pod" { print $NF }' $MT_STATE/check-policy)" "no:holds-guarded(pod/db)"
mt_check_str "check-policy: pod/db protected" "$(awk '$1 == "pod/db" { print $NF }' $MT_STATE/check-policy)" "no:protected"
mt_check_str "check-policy: leak a candidate" "$(awk '$1 == "leak" { print $NF }' $MT_STATE/check-policy)" "yes"

mt_daemon_start --config /tmp/mt.json --policy-dir $pol
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_check_eq "candidates watched (leak only)" "$(grep '"event":"ready"' $MT_STATE/memtriaged.log | sed 's/.*"candidates":\([0-9]*\).*/\1/')" 1
memtriage candidates > $MT_STATE/candidates 2>&1
sed 's/^/candidates| /' $MT_STATE/candidates
mt_check "memtriage candidates names pod as held out by pod/db" \
	grep -qx 'not a candidate: pod (policy pod): pod/db lies below it' $MT_STATE/candidates
mt_check "candidates -o json: held_out pod, guard pod/db" sh -c "memtriage candidates -o json | tr -d ' \n' | \
	grep -q '\"held_out\":\[{\"path\":\"pod\",\"policy\":\"pod\",\"why\":\"holds-guarded\",\"guard\":\"pod/db\"}\]'"

mt_cg_run leak memhog --anon inf --rate 40 > $MT_STATE/leak; leak=$MT_PID
mt_daemon_wait_log "memtriaged killed a group" 60 '"event":"kill"'
mt_daemon_wait_log "the kill completed (populated 0)" 20 '"event":"kill-done"'
wait $leak; mt_check_eq "leaker exit status (SIGKILL)" $? 137
mt_check "the kill was leak" grep -q '"event":"kill","cgroup":"leak"' $MT_STATE/memtriaged.log
mt_check_eq "kills of pod or pod/db" "$(grep -Ec '"event":"kill","cgroup":"pod' $MT_STATE/memtriaged.log)" 0
mt_check "db alive" mt_alive $db
mt_check_eq "pod/db populated" "$(mt_cg_key pod/db cgroup.events populated)" 1
mt_check_str "pod/db memory.high untouched" "$(mt_cg_get pod/db memory.high)" max
mt_check_str "pod memory.high untouched" "$(mt_cg_get pod memory.high)" max
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $db
mt_done
