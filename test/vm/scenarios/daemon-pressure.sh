#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=120
# Pressure tolerance ends throttle-then-kill: a leaker (two processes) whose
# policy is throttle-then-kill with "pressure": some 20 % or full 15 % of
# 1 s windows for 5 s (both triggers armed) is held (memory.high; its
# reclaim into zram is its own stall), stalls on the hold, and once the stall has lasted
# sustain_s it is killed as a group. The bystander is untouched; the
# kernel's OOM killer never runs.
. /lib/mt/lib.sh
mt_daemon_require
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/steady"}, "priority": 900, "response": "kill"}' > $pol/steady.json
echo '{"precedence": 100, "match": {"cgroup": "work/leak"}, "priority": 100, "response": "throttle-then-kill",
  "throttle": {"floor": "80%", "step": "5%", "interval_ms": 1000},
  "pressure": {"some": 20, "full": 15, "window_ms": 1000, "sustain_s": 5}}' > $pol/leak.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_cg_make work/steady
mt_cg_make work/leak
mt_cg_run work/steady memhog --anon 96M > $MT_STATE/steady; steady=$MT_PID
mt_wait_for "steady holding" 60 grep -q state=holding $MT_STATE/steady
mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket ""
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_cg_run work/leak memhog --procs 2 --anon inf --rate 8 --every 32 > $MT_STATE/leak; leak=$MT_PID
mt_daemon_wait_log "work/leak throttled" 40 '"event":"throttle","cgroup":"work/leak"'
mt_check_eq "PSI triggers memtriaged holds on work/leak (some and full)" \
	"$(ls -l /proc/$MT_DAEMON_PID/fd | grep -c 'work/leak/memory.pressure$')" 2
mt_daemon_wait_log "work/leak killed on its pressure tolerance" 40 '"event":"kill","cgroup":"work/leak"'
mt_daemon_wait_log "the kill completed (populated 0)" 20 '"event":"kill-done","cgroup":"work/leak"'
wait $leak; mt_check_eq "leaker exit status (SIGKILL)" $? 137
mt_check_eq "work/leak populated" "$(mt_cg_key work/leak cgroup.events populated)" 0
rec=$(grep -m1 '"trigger":"pressure"' $MT_STATE/memtriaged.log)
mt_check "a pressure decision names work/leak" sh -c "echo '$rec' | grep -q '\"targets\":\[\"work/leak\"\]'"
stalled=$(echo "$rec" | sed -n 's/.*"stalled_ms":\([0-9]*\).*/\1/p')
mt_check "killed after the stall lasted sustain_s (stalled_ms $stalled >= 5000)" [ "${stalled:-0}" -ge 5000 ]
mt_check "the record names the arm that signalled" sh -c "echo '$rec' | grep -Eq '\"kind\":\"(some\",\"percent\":20|full\",\"percent\":15)'"
mt_check "it was held when killed" sh -c "echo '$rec' | grep -q '\"throttled\":true'"
mt_check_eq "kills of anything but work/leak" "$(grep '"event":"kill"' $MT_STATE/memtriaged.log | grep -vc '"cgroup":"work/leak"')" 0
mt_check "steady alive" mt_alive $steady
mt_check "steady never throttled" [ "$(mt_cg_get work/steady memory.high)" = max ]
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $steady 2>/dev/null
mt_done
