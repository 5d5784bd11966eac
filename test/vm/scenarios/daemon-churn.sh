#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=240
# Churn: containers created and removed throughout a run are picked up
# within a second and dropped; the daemon's fd count returns exactly to its
# baseline and its resident memory stops growing after the first round.
# Nested churn: sub-cgroups made and removed inside a candidate turn it off
# and on again, at times twice within one loop pass (before per-start poll
# handles, libuv aborted on re-initialising a closing handle: seen after 63
# mkdir/rmdir pairs).
. /lib/mt/lib.sh
mt_daemon_require
ROUNDS=3 N=100
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "churn/*"}, "priority": 100, "response": "kill"}' > $pol/churn.json
echo '{"precedence": 100, "match": {"cgroup": "nest/**"}, "priority": 100, "response": "kill"}' > $pol/nest.json
mt_cg_make nest/p
mt_cg_make churn/steady
mt_cg_run churn/steady sleep 100000; steady=$MT_PID
mt_daemon_start --policy-dir $pol --socket ""
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
pid=$MT_DAEMON_PID
fds() { ls /proc/$pid/fd | wc -l; }
rss() { awk '$1 == "VmRSS:" { print $2 }' /proc/$pid/status; }

# Picked up within a second.
t0=$(mt_now_ms)
mkdir $CG/churn/probe
mt_daemon_wait_log "churn/probe supervised" 2 '"event":"cgroup-added","cgroup":"churn/probe"'
t1=$(grep '"event":"cgroup-added","cgroup":"churn/probe"' $MT_STATE/memtriaged.log | sed 's/.*"mono_us":\([0-9]*\).*/\1/')
mt_check_le "mkdir to supervised (ms, 10 ms grain)" $(( t1 / 1000 - t0 )) 1000
rmdir $CG/churn/probe
mt_daemon_wait_log "churn/probe dropped" 2 '"event":"cgroup-removed","cgroup":"churn/probe"'
sleep 1
fd0=$(fds); rss0=$(rss)
mt_log "baseline: fds=$fd0 rss_kb=$rss0"

round=1
while [ $round -le $ROUNDS ]; do
	i=1; pids=""
	while [ $i -le $N ]; do
		mkdir $CG/churn/c$i
		mt_cg_run churn/c$i sleep 100000; pids="$pids $MT_PID"
		i=$((i + 1))
	done
	want=$((round * N))
	added() { [ "$(mt_daemon_log_count '"event":"cgroup-added","cgroup":"churn/c')" -ge $want ]; }
	mt_wait_for "round $round: $N containers supervised" 30 added
	fdmid=$(fds)
	kill -9 $pids; wait $pids 2>/dev/null
	i=1
	while [ $i -le $N ]; do
		n=0; while ! rmdir $CG/churn/c$i 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
		i=$((i + 1))
	done
	removed() { [ "$(mt_daemon_log_count '"event":"cgroup-removed","cgroup":"churn/c')" -ge $((round * N)) ]; }
	mt_wait_for "round $round: $N containers dropped" 30 removed
	sleep 0.5
	mt_log "round $round: fds with $N more containers=$fdmid, after=$(fds) rss_kb=$(rss)"
	mt_check_eq "round $round: fds back to baseline" "$(fds)" $fd0
	[ $round -eq 1 ] && rss1=$(rss)
	round=$((round + 1))
done
mt_check_le "RSS after round $ROUNDS (kB) vs after round 1 (no growth)" "$(rss)" $rss1
mt_log "RSS baseline=$rss0 kB, after round 1=$rss1 kB, after round $ROUNDS=$(rss) kB"

PAIRS=200
i=0
while [ $i -lt $PAIRS ] && mt_alive $pid; do mkdir $CG/nest/p/s; rmdir $CG/nest/p/s; i=$((i + 1)); done
mt_check_eq "nested churn: mkdir/rmdir pairs inside candidate nest/p" $i $PAIRS
sleep 0.5
mt_check "nested churn: daemon alive" mt_alive $pid
mt_check_ge "nested churn: nest/p/s seen as a candidate (times)" \
	"$(mt_daemon_log_count '"event":"cgroup-added","cgroup":"nest/p/s"')" 1
mt_check_eq "nested churn: nest/p a candidate again (its memory.events held)" \
	"$(ls -l /proc/$pid/fd | grep -c 'nest/p/memory.events$')" 1
mt_check_eq "nested churn: fds back to baseline" "$(fds)" $fd0
mt_check "steady container untouched" mt_alive $steady
mt_daemon_stop
kill -9 $steady
mt_done
