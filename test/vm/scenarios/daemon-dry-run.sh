#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=150
# Dry run: the node-leak scenario with --dry-run. memtriaged records the kill
# it would have made (work/low) and changes nothing; the kernel's OOM killer
# then acts. work/low may be throttled: each dry-run throttle value is logged
# once, not every tick. Each dry-run kill is visible where operators look
# (issue 14): a "memtriage: dry-run-kill" line on /dev/kmsg with the
# predicted frees, a log event, and memtriage_dry_run_kills_total -- one of
# each per dry-run kill, the same decisions -- and no "killed" line.
. /lib/mt/lib.sh
mt_daemon_require

pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
for p in high:900 med:500; do
	echo "{\"precedence\": 100, \"match\": {\"cgroup\": \"work/${p%%:*}\"}, \"priority\": ${p#*:}, \"response\": \"kill\"}" > $pol/${p%%:*}.json
done
echo '{"precedence": 100, "match": {"cgroup": "work/low"}, "priority": 100, "response": "throttle-then-kill"}' > $pol/low.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json
for c in high med low; do mt_cg_make work/$c; done
mt_cg_run work/high memhog --anon 96M > $MT_STATE/high; high=$MT_PID
mt_cg_run work/med memhog --anon 64M > $MT_STATE/med; med=$MT_PID
mt_wait_for "high and med holding" 60 sh -c "grep -q state=holding $MT_STATE/high && grep -q state=holding $MT_STATE/med"

metrics=/run/memtriage/metrics
mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket "" --dry-run --metrics-dir $metrics
mt_daemon_wait_log "memtriaged ready (dry run)" 20 '"event":"ready".*"dry_run":true'
mt_cg_run work/low memhog --anon inf --rate 40 > $MT_STATE/low; low=$MT_PID
mt_daemon_wait_log "a dry-run kill decision for work/low was recorded" 60 \
	'"event":"decision".*"dry_run":true.*"action":"kill".*"targets":\["work/low"\].*"outcome":"dry-run"'
oom() { [ "$(mt_kernel_oom_kills)" -ge 1 ]; }
mt_wait_for "the kernel's OOM killer acted" 60 oom
wait $low; mt_check_eq "low leaker exit status (SIGKILL by the kernel)" $? 137
mt_check_eq "kills by memtriaged" "$(mt_daemon_log_count '"event":"(kill|terminate)"')" 0
mt_check_eq "memory.high writes by memtriaged" "$(mt_daemon_log_count '"event":"throttle".*"dry_run":false')" 0
mt_check_eq "kernel OOM kills of work/low" "$(dmesg | grep 'oom-kill:' | grep -c 'task_memcg=/work/low')" 1
# A dry-run throttle is logged once per value, not once per tick.
grep '"event":"throttle","cgroup":"work/low".*"dry_run":true' $MT_STATE/memtriaged.log |
	sed 's/.*"memory_high":\([0-9]*\).*/\1/' > /tmp/dry-throttles
mt_check "dry-run throttles of work/low logged ($(wc -l < /tmp/dry-throttles))" [ -s /tmp/dry-throttles ]
mt_check_eq "dry-run throttle lines repeating the previous value" "$(uniq -d /tmp/dry-throttles | wc -l)" 0
mt_check "high alive" mt_alive $high
mt_check "med alive" mt_alive $med
mt_daemon_stop # the metrics file is rewritten at stop with the last counts
grep '"event":"dry-run-kill-report"' $MT_STATE/memtriaged.log > /tmp/dry-reports
n=$(wc -l < /tmp/dry-reports)
mt_check_ge "dry-run kill reports logged" "$n" 1
mt_check_eq "... all of work/low, predicted frees, kmsg written" "$(grep -Ec \
	'"event":"dry-run-kill-report","cgroup":"work/low","k8s":null,"reason":"[a-z-]+","predicted_ram":[0-9]{6,},"predicted_swap":0,"decision":[0-9]+,"kmsg":true' \
	/tmp/dry-reports)" "$n"
kmsg='] memtriage: dry-run-kill cgroup=work/low namespace=- pod=- container=- reason=[a-z-]+ freed_ram=[0-9]{6,} freed_swap=0 decision=[0-9]+$'
dmesg | grep 'memtriage:' | sed 's/^/dmesg| /'
mt_check_eq "dry-run-kill lines in the kernel log" "$(dmesg | grep -Ec "$kmsg")" "$n"
mt_check_str "... for the logged decisions" "$(dmesg | grep -E "$kmsg" | sed 's/.* decision=//' | sort | tr '\n' ' ')" \
	"$(sed 's/.*"decision":\([0-9]*\).*/\1/' /tmp/dry-reports | sort | tr '\n' ' ')"
mt_check_eq "'memtriage: killed' lines in the kernel log" "$(dmesg | grep -c 'memtriage: killed')" 0
sed 's/^/metrics-file| /' $metrics/memtriage.prom
mt_check "metrics: dry_run 1" grep -qx 'memtriage_dry_run 1' $metrics/memtriage.prom
mt_check_eq "metrics: dry_run_kills_total of work/low" "$(sed -n \
	's/^memtriage_dry_run_kills_total{namespace="",pod="",container="low",reason="[a-z-]*"} \([0-9]*\)$/\1/p' \
	$metrics/memtriage.prom | awk '{ s += $1 } END { print s + 0 }')" "$n"
mt_check_eq "metrics: kills carried out" "$(grep -c '^memtriage_kills_total{.*} [1-9]' $metrics/memtriage.prom)" 0
mt_check "metrics: actions_total{action=kill} 0" grep -qx 'memtriage_actions_total{action="kill"} 0' $metrics/memtriage.prom
kill -9 $high $med 2>/dev/null
mt_done
