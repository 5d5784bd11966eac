#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=180
# Never blind to new groups (issue 13, item 8): with fs.inotify.max_user_watches
# too low for the tree, a group whose watch could not be added is counted
# (status, metric) and retried on the node timer; once the limit is raised
# it is watched and rescanned, so groups created below it while it was
# unwatched are supervised -- a leaker among them is killed. (Before: one
# log line, and the group stayed unwatched for good.)
. /lib/mt/lib.sh
mt_daemon_require
pol=/tmp/policies
metrics=/run/mt-metrics
mkdir -p $pol $metrics
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/blind/*"}, "priority": 100, "response": "kill"}' > $pol/blind.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_cg_make work/blind/old

limit=/proc/sys/fs/inotify/max_user_watches
saved=$(cat $limit)
# One watch for root: the supervised root's (taken first, before the scan
# below it); every other group fails with ENOSPC.
echo 1 > $limit
mt_daemon_start --config /tmp/mt.json --policy-dir $pol --metrics-dir $metrics
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
unwatched() { memtriage status -o json | tr -d ' \n' | sed -n 's/.*"unwatched_cgroups":\([0-9]*\).*/\1/p'; }
n=$(unwatched)
mt_check_gt "status: unwatched cgroups under a limit of 1 watch" "$n" 0
mt_check_ge "status: work, work/blind and work/blind/old unwatched" "$n" 3
mt_check "status (text) names the unwatched groups" sh -c "memtriage status | grep -q '^ *unwatched.*without an inotify watch'"
mt_check "the failure is logged with its cause" grep -q 'inotify_add_watch: No space left on device' $MT_STATE/memtriaged.log
mt_wait_for "metric memtriage_unwatched_cgroups $n" 30 grep -qx "memtriage_unwatched_cgroups $n" $metrics/memtriage.prom

# Created while work/blind is unwatched: not seen (the retries keep failing).
mt_cg_make work/blind/new
mt_cg_make work/blind/leak
sleep 3
mt_check_eq "work/blind/new and leak not yet candidates" \
	"$(memtriage candidates -o json | grep -Ec '"path": *"work/blind/(new|leak)"')" 0
mt_check_ge "retry failures logged, rate-limited" "$(mt_daemon_log_count 'cgroups still unwatched')" 1
mt_check_le "retry failures logged at most once a minute" "$(mt_daemon_log_count 'cgroups still unwatched')" 1

echo "$saved" > $limit
mt_wait_for "status: every cgroup watched again" 30 sh -c "[ \"\$(memtriage status -o json | tr -d ' \n' | sed -n 's/.*\"unwatched_cgroups\":\([0-9]*\).*/\1/p')\" = 0 ]"
mt_check "the recovery is logged" grep -q 'every cgroup is watched again' $MT_STATE/memtriaged.log
mt_wait_for "work/blind/new and leak are candidates" 30 sh -c \
	"[ \$(memtriage candidates -o json | grep -Ec '\"path\": *\"work/blind/(new|leak|old)\"') -eq 3 ]"
mt_wait_for "metric memtriage_unwatched_cgroups 0" 30 grep -qx "memtriage_unwatched_cgroups 0" $metrics/memtriage.prom
# Watched now: a group made below work/blind is seen through inotify.
mt_cg_make work/blind/later
mt_daemon_wait_log "work/blind/later supervised" 20 '"event":"cgroup-added","cgroup":"work/blind/later"'

mt_cg_run work/blind/leak memhog --anon inf --rate 40 > $MT_STATE/leak; leak=$MT_PID
mt_daemon_wait_log "memtriaged killed a group" 60 '"event":"kill"'
wait $leak; mt_check_eq "leaker exit status (SIGKILL)" $? 137
mt_check "the kill was work/blind/leak" grep -q '"event":"kill","cgroup":"work/blind/leak"' $MT_STATE/memtriaged.log
mt_check_eq "kills logged" "$(mt_daemon_log_count '"event":"kill"')" 1
mt_check_no_kernel_oom
mt_daemon_stop
mt_done
