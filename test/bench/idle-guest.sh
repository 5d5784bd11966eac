#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=400
# memtriaged idle: CPU and resident memory with N watched, empty cgroups and
# no pressure (issue 16: "must not regress past today's"). Run by
# test/bench/idle.sh (one boot). Parameters: mt.idle_n=N (default 1000),
# mt.idle_s=S (the window, default 60), mt.idle_policy=default|bench
# (default: the embedded defaults, nothing else -- every bench/cN is a
# candidate of the catch-all; bench: daemon-bench.sh's policy set, rest
# protected and bench/* kill, the set doc/daemon.md's idle figure is from).
# Prints "IDLE-BENCH key=value..." lines: cpu_permille from utime + stime
# (sampled at ticks, the figure quoted since issue 6), run_permille from
# /proc/PID/schedstat (the scheduler's own sum), floor_permille the same for
# a process doing only 4 wakeups a second with a /proc/meminfo pread.
. /lib/mt/lib.sh
N=$(mt_param idle_n 1000) IDLE_S=$(mt_param idle_s 60) POLICY=$(mt_param idle_policy default)
mt_daemon_require
mt_cg_make bench
echo "$MT_CONTROLLERS" > $CG/bench/cgroup.subtree_control
awk -v n="$N" -v d="$CG/bench" 'BEGIN { for (i = 1; i <= n; i++) printf "%s/c%d\n", d, i }' | xargs mkdir
mt_log "created $N cgroups"
case $POLICY in
default) mt_daemon_start --socket "" ;;
bench)
	pol=/tmp/policies; mkdir -p $pol
	echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
	echo '{"precedence": 100, "match": {"cgroup": "bench/*"}, "priority": 100, "response": "kill"}' > $pol/bench.json
	mt_daemon_start --policy-dir $pol --socket "" ;;
*) mt_fail "mt.idle_policy=$POLICY"; mt_done; exit 0 ;;
esac
t_start=$(mt_now_ms)
mt_daemon_wait_log "memtriaged ready" 300 '"event":"ready"' || { mt_done; exit 0; }
ready_ms=$(( $(mt_now_ms) - t_start ))
cands=$(grep '"event":"ready"' $MT_STATE/memtriaged.log | sed -n 's/.*"candidates":\([0-9]*\).*/\1/p')
pid=$MT_DAEMON_PID
# Settle: start-up work (the first walk, the first snapshot) is not idle.
sleep 5
ticks() { awk '{ print $14 + $15 }' /proc/$pid/stat; }
st() { awk -v k="$1:" '$1 == k { print $2 }' /proc/$pid/status; }
# The time it ran, in ns (the scheduler's own sum, not sampled at ticks).
run_ns() { awk '{ print $1 }' /proc/$pid/schedstat; }
hz=100 # USER_HZ: /proc/PID/stat counts in 1/100 s on Linux
# The floor, beside it through the same window: what a process that only
# wakes every 250 ms (the idle floor of the look cadence, lib/cadence.h) and
# preads /proc/meminfo costs here (test/bench/idlewake.c). Under TCG one
# wakeup is hundreds of microseconds of guest time whatever the process does.
idlewake --wakes $((IDLE_S * 4 - 4)) --every-ms 250 --meminfo > $MT_STATE/floor.out &
floor_pid=$!
c0=$(ticks); r0=$(run_ns); t0=$(mt_now_ms)
sleep $IDLE_S
c1=$(ticks); r1=$(run_ns); t1=$(mt_now_ms)
wait $floor_pid
floor=$(sed -n 's/.*per_wake_us=\([0-9]*\).*/\1/p' $MT_STATE/floor.out)
mt_check "memtriaged alive through the window" mt_alive $pid
cpu_ms=$(( (c1 - c0) * 1000 / hz ))
echo "IDLE-BENCH policy=$POLICY cgroups=$(ls -d $CG/bench/*/ | wc -l) candidates=${cands:--} ready_ms=$ready_ms" \
	"wall_ms=$((t1 - t0)) cpu_ms=$cpu_ms cpu_permille=$(( cpu_ms * 1000 / (t1 - t0) ))" \
	"run_us=$(( (r1 - r0) / 1000 )) run_permille=$(( (r1 - r0) / 1000 / (t1 - t0) )).$(( (r1 - r0) / 100 / (t1 - t0) % 10 ))" \
	"floor_wake_us=${floor:--} floor_permille=$(( ${floor:-0} * 4 / 1000 )).$(( ${floor:-0} * 4 / 100 % 10 ))" \
	"rss_kb=$(st VmRSS) hwm_kb=$(st VmHWM) lck_kb=$(st VmLck) fds=$(ls /proc/$pid/fd | wc -l) threads=$(st Threads)" \
	"log_lines=$(wc -l < $MT_STATE/memtriaged.log)" \
	"idle_floor_ms=$(grep '"event":"idle-floor"' $MT_STATE/memtriaged.log | tail -n 1 | sed -n 's/.*"ms":\([0-9]*\).*/\1/p')" \
	"look_cost_us=$(grep '"event":"idle-floor"' $MT_STATE/memtriaged.log | tail -n 1 | sed -n 's/.*"look_cost_us":\([0-9]*\).*/\1/p')"
mt_daemon_stop > $MT_STATE/stop.out
grep -E 'MT-CHECK' $MT_STATE/stop.out
mt_done
