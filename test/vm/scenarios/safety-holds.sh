#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=240
# Every throttle undone (issue 13, 3). A slow leaker is held by memory.high
# (its policy never releases it within the test: release_after_s 600).
#  1. SIGKILL the daemon mid-hold: the lowered limit stays; the hold file
#     lists it. The restarted daemon restores it (before: it reported 0
#     throttled and the lowered value became the next saved_high).
#  2. Held again, the group gains a child cgroup (protected by the
#     catch-all): no longer a candidate, it is released at once (before:
#     held forever, even after SIGTERM).
#  3. Held again, a reload protects it: released at once.
. /lib/mt/lib.sh
mt_daemon_require
pol=/tmp/policies run=/tmp/mtrun
mkdir -p $pol $run
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/steady"}, "priority": 900, "response": "kill"}' > $pol/steady.json
slow_policy() {
	echo '{"precedence": 100, "match": {"cgroup": "work/slow"}, "priority": 100, "response": "throttle",
  "throttle": {"floor": "50%", "step": "5%", "interval_ms": 1000, "release_after_s": 600, "release_psi_some": 10}}' > $pol/slow.json
}
slow_policy
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_cg_make work/steady
mt_cg_make work/slow
mt_cg_run work/steady memhog --anon 96M > $MT_STATE/steady; steady=$MT_PID
mt_wait_for "steady holding" 60 grep -q state=holding $MT_STATE/steady
start() { mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket "" --hold-file $run/holds.json; }
held() { mt_is_int "$(mt_cg_get work/slow memory.high)"; }
listed() { grep -q '"path": "work/slow"' $run/holds.json; }

start
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
# the node near its bound first (holds begin at MemAvailable <= 2 x the 64 MiB reserve)
mt_fill_to 150 ballast
mt_cg_run work/slow memhog --anon 300M --rate 3 > $MT_STATE/slow; slow=$MT_PID
mt_wait_for "work/slow held (memory.high a number)" 90 held
mt_check "the hold file lists work/slow" listed
mt_check "the hold file saved memory.high max" grep -q '"saved_high": "max"' $run/holds.json
# 1. SIGKILL mid-hold; the leaker paused so that nothing re-throttles it
kill -STOP $slow
kill -KILL $MT_DAEMON_PID; wait $MT_DAEMON_PID
sed 's/^/memtriaged(1)| /' $MT_STATE/memtriaged.log
mt_check "after SIGKILL work/slow is still held" held
start
mt_daemon_wait_log "restarted daemon ready" 20 '"event":"ready"'
mt_check "the restart restored work/slow" grep -q '"event":"hold-restored","cgroup":"work/slow","memory_high":"restored"' $MT_STATE/memtriaged.log
mt_check_str "work/slow memory.high after the restart" "$(mt_cg_get work/slow memory.high)" max
mt_check "the hold file no longer lists work/slow" sh -c "! grep -q work/slow $run/holds.json"
# 2. held again, then a child cgroup appears below it
kill -CONT $slow
mt_wait_for "work/slow held again" 90 held
mt_wait_for "listed again" 10 listed
mkdir $CG/work/slow/child
mt_daemon_wait_log "released: no longer a candidate" 20 '"event":"release","cgroup":"work/slow".*"why":"not-a-candidate"'
mt_check_str "work/slow memory.high with a child" "$(mt_cg_get work/slow memory.high)" max
mt_check "the hold file no longer lists work/slow (child)" sh -c "! grep -q work/slow $run/holds.json"
rmdir $CG/work/slow/child
# 3. held again, then a reload protects it
mt_wait_for "work/slow held a third time" 90 held
echo '{"precedence": 100, "match": {"cgroup": "work/slow"}, "protected": true}' > $pol/slow.json
kill -HUP $MT_DAEMON_PID
mt_daemon_wait_log "released: protected by the reload" 20 '"event":"release","cgroup":"work/slow".*"why":"protected"'
mt_check_str "work/slow memory.high after the reload" "$(mt_cg_get work/slow memory.high)" max
mt_check "the hold file no longer lists work/slow (reload)" sh -c "! grep -q work/slow $run/holds.json"
mt_check_eq "kills" "$(mt_daemon_log_count '"event":"(kill|terminate)"')" 0
mt_check "slow alive" mt_alive $slow
mt_daemon_stop
mt_check_str "work/steady memory.high untouched" "$(mt_cg_get work/steady memory.high)" max
kill -9 $slow $steady $MT_FILL_PID 2>/dev/null
mt_done
