#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=120
# A reload that protects a held group releases it (issue 11): memtriaged
# holds a grower with memory.high (memory.swap.high is never written); the
# policy set is then changed so the group is protected (no longer a
# candidate). The hold must not outlive its candidacy: both limits are what
# they were ("max"),
# logged as a release with why "protected", and nothing is killed.
. /lib/mt/lib.sh
mt_daemon_require
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/slow"}, "priority": 100, "response": "throttle",
  "throttle": {"floor": "80%", "step": "5%", "interval_ms": 1000, "release_after_s": 600, "release_psi_some": 1}}' > $pol/slow.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_cg_make work/slow
mt_daemon_start --config /tmp/mt.json --policy-dir $pol
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
# the node near its bound first (RAM reserve ~41 MiB of the 64 MiB with 256 MiB zram: near at MemAvailable <= ~82 MiB)
mt_fill_to 110 ballast
mt_cg_run work/slow memhog --anon 400M --rate 8 --for 22 --every 8 > $MT_STATE/slow; slow=$MT_PID
mt_daemon_wait_log "work/slow throttled" 40 '"event":"throttle","cgroup":"work/slow"'
mt_check "memory.high is a number while held ($(mt_cg_get work/slow memory.high))" mt_is_int "$(mt_cg_get work/slow memory.high)"
# protected from now on (the directory watch may reload first: either will do)
echo '{"precedence": 100, "match": {"cgroup": "work/slow"}, "protected": true}' > $pol/slow.json
mt_check "memtriage reload" memtriage reload
mt_daemon_wait_log "the hold released" 20 '"event":"release","cgroup":"work/slow".*"why":"protected"'
mt_check "work/slow memory.high back to max" [ "$(mt_cg_get work/slow memory.high)" = max ]
mt_check "work/slow memory.swap.high back to max" [ "$(mt_cg_get work/slow memory.swap.high)" = max ]
mt_check_eq "kills" "$(mt_daemon_log_count '"event":"(kill|terminate)"')" 0
mt_check "slow alive" mt_alive $slow
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $slow $MT_FILL_PID 2>/dev/null
mt_done
