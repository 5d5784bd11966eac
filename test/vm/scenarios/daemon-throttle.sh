#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=180
# Throttle: a slow leaker whose policy says "throttle" is held by memory.high
# once commit is near the bound (a protected ballast leaves ~150 MiB of
# MemAvailable; the leak crosses 2 x the 64 MiB reserve); the node stays
# under its bound and nothing dies (a "throttle" policy is never killed,
# however long it pushes). When the leak stops (memhog's --for) it stops
# pushing, and once calm the hold is released (memory.high back to "max"),
# though the node is still near the bound.
. /lib/mt/lib.sh
mt_daemon_require
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/steady"}, "priority": 900, "response": "kill"}' > $pol/steady.json
echo '{"precedence": 100, "match": {"cgroup": "work/slow"}, "priority": 100, "response": "throttle",
  "throttle": {"floor": "80%", "step": "5%", "interval_ms": 1000, "release_after_s": 3, "release_psi_some": 10}}' > $pol/slow.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_cg_make work/steady
mt_cg_make work/slow
mt_cg_run work/steady memhog --anon 96M > $MT_STATE/steady; steady=$MT_PID
mt_wait_for "steady holding" 60 grep -q state=holding $MT_STATE/steady
mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket ""
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_fill_to 150 ballast
# unheld, 6 s at 6 MiB/s would leave ~112 MiB: it crosses 128 MiB after ~4 s
mt_cg_run work/slow memhog --anon 400M --rate 6 --for 6 > $MT_STATE/slow; slow=$MT_PID
mt_daemon_wait_log "work/slow throttled" 60 '"event":"throttle","cgroup":"work/slow"'
held=$(mt_cg_get work/slow memory.high)
mt_check "work/slow memory.high is a number while held ($held)" mt_is_int "$held"
mt_wait_for "the leak stopped (memhog holding)" 90 grep -q state=holding $MT_STATE/slow
# A calm spell during the leak may release it and a later step hold it
# again (seen on a loaded host): the release that counts is the last
# throttle/release event, once the leak has stopped.
released() {
	[ "$(grep -E '"event":"(throttle|release)","cgroup":"work/slow"' $MT_STATE/memtriaged.log | tail -n 1 |
		sed -n 's/.*"event":"\([a-z]*\)".*/\1/p')" = release ]
}
mt_wait_for "work/slow released (its last throttle/release event)" 90 released
mt_check "work/slow memory.high back to max" [ "$(mt_cg_get work/slow memory.high)" = max ]
avail=$(( $(mt_meminfo MemAvailable) / 1024 ))
mt_check "released with the node still near the bound ($avail MiB <= 128)" [ "$avail" -le 128 ]
mt_check_eq "kills" "$(mt_daemon_log_count '"event":"(kill|terminate)"')" 0
mt_check "slow alive" mt_alive $slow
mt_check "steady alive" mt_alive $steady
mt_check "steady never throttled" [ "$(mt_cg_get work/steady memory.high)" = max ]
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $slow $steady $MT_FILL_PID 2>/dev/null
mt_done
