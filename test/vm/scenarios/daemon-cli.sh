#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=150
# memtriage (the CLI) against memtriaged during a pressure event (issue 7):
# - the socket is 0660 root:GROUP with --socket-group; a member (not root)
#   is answered status and refused reload, release and dry-run with the
#   documented exit code 1 and "permission-denied"; a non-member cannot
#   connect (exit 3); an unknown group stops the daemon at start, named;
# - while work/low leaks, `memtriage candidates` ranks it first with its
#   figures; after the kill, history, explain and the daemon's own log agree
#   on the victim, the trigger and the predicted and measured frees.
. /lib/mt/lib.sh
mt_daemon_require

mkdir -p /etc
echo 'root:x:0:' > /etc/group
echo 'mtro:x:2000:' >> /etc/group
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/keep"}, "priority": 900, "response": "kill"}' > $pol/keep.json
echo '{"precedence": 100, "match": {"cgroup": "work/low"}, "priority": 100, "response": "kill"}' > $pol/low.json
echo '{"reserve": "64Mi", "idle_budget_ppm": 3000}' > /tmp/mt.json
sock=/run/memtriage/memtriage.sock
export MEMTRIAGE_SOCKET=$sock

# A budget out of range: refused at start, the file and key named.
echo '{"idle_budget_ppm": 5}' > /tmp/bad.json
memtriaged --config /tmp/bad.json --policy-dir $pol > $MT_STATE/badcfg.out 2>&1
mt_check_eq "memtriaged with idle_budget_ppm 5: exit status" $? 1
mt_check_str "its message" "$(cat $MT_STATE/badcfg.out)" \
	"memtriaged: configuration /tmp/bad.json: /tmp/bad.json:1:21: \$.idle_budget_ppm: 5 is out of range 100..100000"

# An unknown group: refused at start, the group named.
memtriaged --config /tmp/mt.json --policy-dir $pol --socket-group nosuchgroup > $MT_STATE/nogroup.out 2>&1
mt_check_eq "memtriaged --socket-group nosuchgroup exit status" $? 1
mt_check_str "its message" "$(cat $MT_STATE/nogroup.out)" "memtriaged: socket group 'nosuchgroup': no such group"

# A metrics directory that cannot be made (a file in the way) or that
# others can write into: refused at start, named (lib/rundir.h).
: > /run/not-a-dir
memtriaged --config /tmp/mt.json --policy-dir $pol --metrics-dir /run/not-a-dir/metrics > $MT_STATE/nodir.out 2>&1
mt_check_eq "memtriaged --metrics-dir /run/not-a-dir/metrics exit status" $? 1
mt_check_str "its message" "$(cat $MT_STATE/nodir.out)" "memtriaged: metrics directory /run/not-a-dir/metrics: Not a directory"
mkdir -m 1777 /run/shared
memtriaged --config /tmp/mt.json --policy-dir $pol --metrics-dir /run/shared > $MT_STATE/shared.out 2>&1
mt_check_eq "memtriaged --metrics-dir /run/shared (1777) exit status" $? 1
mt_check_str "its message" "$(cat $MT_STATE/shared.out)" "memtriaged: metrics directory /run/shared: Operation not permitted (it and its parents must belong to root or memtriaged's user and be writable by nobody else)"

mt_cg_make work/keep
mt_cg_make work/low
mt_cg_run work/keep memhog --anon 64M > $MT_STATE/keep; keep=$MT_PID
mt_wait_for "work/keep holding" 30 grep -q state=holding $MT_STATE/keep
mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket $sock --socket-group mtro
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_check "the starting line says the configured idle budget" grep -q '"idle_budget_ppm":3000' $MT_STATE/memtriaged.log

# --- access ---
mt_check_str "socket mode, owner, group" "$(stat -c '%a %u %g' $sock)" "660 0 2000"
runas 1000 2000 memtriage status > $MT_STATE/ro-status.out 2>&1
mt_check_eq "group member (uid 1000): status exit status" $? 0
mt_check "its status names the mode" grep -q '^mode' $MT_STATE/ro-status.out
# the node timer's pace: an interval within the cadence's 10 ms .. 1 s
# (lib/cadence.h) on a node at rest, and the idle floor once measured
mt_check "its status says how often the daemon looks" grep -Eq '^looks +every [0-9.]+m?s, idle floor ' $MT_STATE/ro-status.out
look=$(memtriage status -o json | tr -d ' \n' | grep -o '"look_ms":[0-9]*' | cut -d: -f2)
mt_check "status live.look_ms ($look) within 10..1000" sh -c "[ '${look:-0}' -ge 10 ] && [ '${look:-0}' -le 1000 ]"
for cmd in reload "release work/low" "dry-run on"; do
	runas 1000 2000 memtriage $cmd > $MT_STATE/ro.out 2>&1
	mt_check_eq "group member: memtriage $cmd exit status (daemon error)" $? 1
	mt_check "group member: memtriage $cmd says permission-denied" grep -q 'permission-denied' $MT_STATE/ro.out
	sed "s/^/uid 1000 $cmd| /" $MT_STATE/ro.out
done
runas 1001 3000 memtriage status > $MT_STATE/other.out 2>&1
mt_check_eq "non-member (uid 1001 gid 3000): status exit status (unreachable)" $? 3
sed 's/^/uid 1001 status| /' $MT_STATE/other.out
mt_check_str "dry run still off" "$(memtriage status -o json | tr -d ' \n' | grep -o '"dry_run":[a-z]*' | head -n 1)" '"dry_run":false'
mt_check_eq "root: reload exit status" "$(memtriage reload > /dev/null 2>&1; echo $?)" 0
mt_check_eq "reloads done (root's only)" "$(mt_daemon_log_count '"event":"policies-loaded".*socket \(pid')" 1
mt_check_eq "dry-run switches done (none)" "$(mt_daemon_log_count '"event":"dry-run"')" 0

# --- a pressure event ---
# candidates is asked every 0.2 s while work/low leaks, until the kill.
(i=0; while [ ! -e $MT_STATE/stop-poll ] && [ $i -lt 300 ]; do
	memtriage candidates -o json > $MT_STATE/cand.$i 2>/dev/null; i=$((i + 1)); sleep 0.2; done) &
poller=$!
mt_cg_run work/low memhog --anon inf --rate 64 > $MT_STATE/low; low=$MT_PID
mt_daemon_wait_log "memtriaged killed a group" 60 '"event":"kill"'
mt_daemon_wait_log "the kill completed (populated 0)" 20 '"event":"kill-done"'
touch $MT_STATE/stop-poll; wait $poller
wait $low; mt_check_eq "work/low exit status (SIGKILL)" $? 137
mt_check_eq "kills" "$(mt_daemon_log_count '"event":"kill"')" 1
mt_check "the kill was work/low" grep -q '"event":"kill","cgroup":"work/low"' $MT_STATE/memtriaged.log

# The last candidates answer taken with figures while work/low was there and
# before its kill started (a later one shows it kill-pending, ranked apart).
last=""
for f in $(ls $MT_STATE/cand.* | sort -t. -k2 -n); do
	tr -d ' \n' < $f | grep -q '"path":"work/low".*"frees_ram":[0-9]' || continue
	tr -d ' \n' < $f | grep -q 'kill-pending' && continue
	last=$f
done
mt_check "candidates answered with work/low's figures during the leak" [ -n "$last" ]
flat=$(tr -d ' \n' < ${last:-/dev/null})
echo "candidates during the leak: $(echo "$flat" | cut -c1-900)"
low_row=$(echo "$flat" | grep -o '{"path":"work/low"[^{]*{[^}]*}[^}]*}')
mt_check "work/low ranked first" sh -c "echo '$flat' | grep -q '^{\"candidates\":\[{\"path\":\"work/low\"'"
mt_check_eq "work/low's rank" "$(echo "$low_row" | sed 's/.*"rank":\([0-9]*\).*/\1/')" 1
mt_check_eq "work/low's cost (priority 100 + 1)" "$(echo "$low_row" | sed 's/.*"cost":\([0-9]*\).*/\1/')" 101
mt_check_gt "work/low's memory.current" "$(echo "$low_row" | sed 's/.*"current":\([0-9]*\).*/\1/')" $((8 << 20))
mt_check_str "work/low eligible" "$(echo "$low_row" | grep -o '"ineligible":\[[^]]*\]')" '"ineligible":[]'
keep_row=$(echo "$flat" | grep -o '{"path":"work/keep"[^{]*{[^}]*}[^}]*}')
mt_check_eq "work/keep's rank" "$(echo "$keep_row" | sed 's/.*"rank":\([0-9]*\).*/\1/')" 2
mt_check_eq "work/keep's cost" "$(echo "$keep_row" | sed 's/.*"cost":\([0-9]*\).*/\1/')" 901

# history, explain and the log: the same decision.
dec=$(grep '"event":"decision"' $MT_STATE/memtriaged.log | grep '"action":"kill"')
done_line=$(grep '"event":"kill-done"' $MT_STATE/memtriaged.log)
id=$(echo "$done_line" | sed 's/.*"decision":\([0-9]*\).*/\1/')
trigger=$(echo "$dec" | sed 's/.*"trigger":"\([^"]*\)".*/\1/')
pred=$(echo "$dec" | sed 's/.*"predicted":{"ram":\([0-9]*\),"swap":0}.*/\1/')
meas=$(echo "$done_line" | sed 's/.*"measured_group_bytes":\([0-9]*\).*/\1/')
memtriage history -o json > $MT_STATE/history.json
mt_check_eq "memtriage history exit status" $? 0
memtriage history | sed 's/^/history| /'
h=$(tr -d ' \n' < $MT_STATE/history.json)
mt_check_eq "history: actions" "$(echo "$h" | grep -o '"action":' | wc -l)" 1
mt_check_str "history: the kill" "$(echo "$h" | grep -o '"id":"[0-9]*","time_unix_ms":[0-9]*,"trigger":"[^"]*","action":"kill","dry_run":false,"victims":\[{"path":"work/low","k8s":null}\]' | sed 's/"time_unix_ms":[0-9]*,//')" \
	"\"id\":\"$id\",\"trigger\":\"$trigger\",\"action\":\"kill\",\"dry_run\":false,\"victims\":[{\"path\":\"work/low\",\"k8s\":null}]"
mt_check_str "history: predicted = the decision's" "$(echo "$h" | grep -o '"predicted":{[^}]*}')" "\"predicted\":{\"ram\":$pred,\"swap\":0}"
mt_check_str "history: measured = kill-done's" "$(echo "$h" | grep -o '"measured":{[^}]*}')" "\"measured\":{\"ram\":$meas,\"swap\":0}"
mt_check_str "history: outcome" "$(echo "$h" | grep -o '"outcome":"[a-z-]*"')" '"outcome":"exited"'
echo "predicted_ram=$pred measured_ram=$meas (bytes) trigger=$trigger decision=$id"
# what a kill frees is what the group held: within 10 % either way
mt_check_le "measured within 10% of predicted (|m-p|*10)" $(( (meas > pred ? meas - pred : pred - meas) * 10 )) $pred
memtriage explain $id -o json > $MT_STATE/explain.json
mt_check_eq "memtriage explain $id exit status" $? 0
memtriage explain $id | sed 's/^/explain| /'
x=$(tr -d ' \n' < $MT_STATE/explain.json)
mt_check_str "explain: id and trigger" "$(echo "$x" | grep -o '^{"time":"[^"]*","mono_ms":[0-9]*,"trigger":"[^"]*"' | sed 's/.*"trigger"/"trigger"/')" "\"trigger\":\"$trigger\""
mt_check "explain: id $id" sh -c "echo '$x' | grep -q '\"id\":$id[,}]'"
mt_check "explain: targets" sh -c "echo '$x' | grep -q '\"targets\":\[\"work/low\"\]'"
mt_check "explain: the replay chose work/low" sh -c "echo '$x' | grep -q '\"chosen\":\[\"work/low\"\]'"
mt_check "explain: predicted" sh -c "echo '$x' | grep -q '\"predicted\":{\"ram\":$pred,\"swap\":0}'"
mt_check "explain: measured_group_bytes" sh -c "echo '$x' | grep -q '\"measured_group_bytes\":$meas'"
mt_check "candidates after the kill: work/keep listed" sh -c "memtriage candidates -o json | grep -q '\"path\": \"work/keep\"'"
mt_check "work/keep alive" mt_alive $keep
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $keep
mt_done
