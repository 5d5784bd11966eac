#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=400
# memtriaged idle: CPU and resident memory with N watched, empty cgroups and
# no pressure (issue 16: "must not regress past today's"). Run by
# test/bench/idle.sh (one boot). Parameters: mt.idle_n=N (default 1000),
# mt.idle_s=S (the window, default 60), mt.idle_policy=default|bench
# (default: the embedded defaults, nothing else -- every bench/cN is a
# candidate of the catch-all; bench: daemon-bench.sh's policy set, rest
# protected and bench/* kill, the set doc/daemon.md's idle figure is from).
# Prints "IDLE-BENCH key=value..." lines.
. /lib/mt/lib.sh
N=$(mt_param idle_n 1000) IDLE_S=$(mt_param idle_s 60) POLICY=$(mt_param idle_policy default)
mt_daemon_can_run || { mt_fail "memtriaged --check-host: $(cat $MT_STATE/check-host.log)"; mt_done; exit 0; }
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
hz=100 # USER_HZ: /proc/PID/stat counts in 1/100 s on Linux
c0=$(ticks); t0=$(mt_now_ms)
sleep $IDLE_S
c1=$(ticks); t1=$(mt_now_ms)
mt_check "memtriaged alive through the window" mt_alive $pid
cpu_ms=$(( (c1 - c0) * 1000 / hz ))
echo "IDLE-BENCH policy=$POLICY cgroups=$(ls -d $CG/bench/*/ | wc -l) candidates=${cands:--} ready_ms=$ready_ms" \
	"wall_ms=$((t1 - t0)) cpu_ms=$cpu_ms cpu_permille=$(( cpu_ms * 1000 / (t1 - t0) ))" \
	"rss_kb=$(st VmRSS) hwm_kb=$(st VmHWM) lck_kb=$(st VmLck) fds=$(ls /proc/$pid/fd | wc -l) threads=$(st Threads)" \
	"log_lines=$(wc -l < $MT_STATE/memtriaged.log)"
mt_daemon_stop > $MT_STATE/stop.out
grep -E 'MT-CHECK' $MT_STATE/stop.out
mt_done
