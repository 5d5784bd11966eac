#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=200
# A growing deficit gets one decision (issue 16 point 5; the shape of
# test/bench/peers' `grow`): a valuable container of 128M, then a second
# process in it grows by the room above the reserve plus 60M at 52 MiB/s;
# four cheap 40M containers, two of which must make room. The deficit is
# projected over the kill's horizon (lib/select.h: its completion, at least
# MT_KILL_HORIZON_MIN_MS = 1 s), over which the valuable adds ~52 MiB: more
# than one cheap container frees, less than two. Both needed cheap
# containers die in ONE decision, no more than the decision's own projected
# target needs (below); the deficit of the instant
# alone needed one (checked on the record: target - allowance); the
# valuable lives, and the kernel kills nothing. (Before the projection, on
# 0bf3a95: two decisions 0.8 s apart, one cheap container each, sized for
# deficits of 1.2 and 7.1 MB.)
# Why 52 MiB/s: the target is the deficit when the decision runs (0.1-16
# MB seen, the look's lag) plus the daemon's growth estimate over 1 s (0.8-
# 1.21 x the true rate in six runs at 50 and 60 MiB/s); two cheap
# containers are the answer while that stays within 1-2 x 42.2 MB, which
# holds for 50.3-54.2 MiB/s. At 60 one run took three (estimate 1.21 x,
# 15.7 MB late); at 50 one took two by 181 KB (estimate 0.8 x).
# mt.grow_rate=MiB/s on the kernel command line (MT_VM_APPEND) overrides
# the rate (0: as fast as memhog can).
. /lib/mt/lib.sh
mt_daemon_require

rate=$(sed -n "s/.*mt\.grow_rate=\([0-9]*\).*/\1/p" /proc/cmdline); rate=${rate:-52}
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/valuable"}, "priority": 900, "response": "kill"}' > $pol/valuable.json
echo '{"precedence": 100, "match": {"cgroup": "work/cheap*"}, "priority": 100, "response": "kill"}' > $pol/cheap.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json

for c in valuable cheap1 cheap2 cheap3 cheap4; do mt_cg_make work/$c; done
mt_cg_run work/valuable memhog --anon 128M > $MT_STATE/valuable; valuable=$MT_PID
pids=""
for c in cheap1 cheap2 cheap3 cheap4; do
	mt_cg_run work/$c memhog --anon 40M > $MT_STATE/$c; pids="$pids $MT_PID"
done
mt_wait_for "valuable and four cheap holding" 120 sh -c \
	"for f in valuable cheap1 cheap2 cheap3 cheap4; do grep -q state=holding $MT_STATE/\$f || exit 1; done"

mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket ""
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
sleep 2
room_kib=$(( $(mt_meminfo MemAvailable) - 64 * 1024 ))
grow_mib=$(( room_kib / 1024 + 60 ))
mt_log "MemAvailable $(mt_meminfo MemAvailable) KiB, room above the reserve $room_kib KiB: growing by $grow_mib MiB at rate $rate"
r=""; [ "$rate" -gt 0 ] && r="--rate $rate"
mt_cg_run work/valuable memhog --anon ${grow_mib}M $r > $MT_STATE/grower; grower=$MT_PID
mt_wait_for "the grower holding or gone" 90 sh -c "grep -q state=holding $MT_STATE/grower || ! kill -0 $grower 2>/dev/null"
sleep 3
tail -1 $MT_STATE/grower

kills=$(grep '"event":"kill"' $MT_STATE/memtriaged.log)
echo "$kills" | sed 's/^/MT: kill: /'
grep '"event":"decision".*"action":"kill"' $MT_STATE/memtriaged.log | sed 's/^/MT: decision: /'
mt_check_eq "kills of anything but work/cheap*" "$(echo "$kills" | grep -v '^$' | grep -vc '"cgroup":"work/cheap')" 0
mt_check_eq "decisions the kills came from" \
	"$(echo "$kills" | sed -n 's/.*"decision":\([0-9]*\).*/\1/p' | sort -u | wc -l)" 1
mt_check_eq "kill decisions recorded" "$(mt_daemon_log_count '"event":"decision".*"action":"kill"')" 1
dec=$(grep -m1 '"event":"decision".*"action":"kill"' $MT_STATE/memtriaged.log)
num() { echo "$dec" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
allow=$(num growth_allowance) target=$(num target_total)
cheap=$(echo "$dec" | sed -n 's/.*"cgroup":"work\/cheap[0-9]"[^}]*"frees_ram":\([0-9]*\).*/\1/p')
mt_log "decision: target $target bytes, of which growth allowance $allow over $(num ms) ms; a cheap container frees $cheap"
mt_check "the decision projected growth" test ${allow:-0} -gt 0
mt_check "the projection is what needs the second: target - allowance < one cheap container" \
	test $(( ${target:-0} - ${allow:-0} )) -lt ${cheap:-0}
mt_check "one cheap container would not cover the projected target" test ${target:-0} -gt ${cheap:-0}
# Exactly as many cheap containers as cover the decision's own projected
# target, no more: two at the true rate; three when a host stall made the
# grower catch up in a burst and the estimate ran high (1.59 x, 87.1 MB
# against two containers' 84.4, seen once in CI on 2026-12-04). The
# estimate itself must stay within 0.5-2 x the true rate.
need=$(( (${target:-0} + ${cheap:-1} - 1) / ${cheap:-1} ))
mt_check_eq "kills of work/cheap* (as many as cover the projected target)" \
	"$(echo "$kills" | grep -c '"cgroup":"work/cheap')" $need
mt_check "that is two or three" test $need -ge 2 -a $need -le 3
if [ "$rate" -gt 0 ]; then
	est=$(echo "$dec" | sed -n 's/.*"projection":{[^}]*"growth_rate":\([0-9]*\).*/\1/p')
	true_bps=$(( rate * 1048576 ))
	mt_log "growth estimate $est B/s against the true $true_bps"
	mt_check "the growth estimate within 0.5-2 x the true rate" \
		test $(( ${est:-0} * 2 )) -ge $true_bps -a ${est:-0} -le $(( true_bps * 2 ))
fi
mt_check "the valuable container lives" mt_alive $valuable
mt_check "its grower lives" mt_alive $grower
mt_check_eq "work/valuable populated" "$(mt_cg_key work/valuable cgroup.events populated)" 1
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $valuable $grower $pids 2>/dev/null
mt_done
