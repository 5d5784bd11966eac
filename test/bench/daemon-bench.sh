#!/bin/sh
# vm: mem=1G cpus=2 zram=256M timeout=900
# memtriaged benchmarks with 1,000 watched cgroups (run by hand):
#   ./test/vm/run.sh test/bench/daemon-bench.sh build --console
# 1. notification to action: a process crosses its cgroup's memory.max (evlat
#    sets it 64 KiB above its usage, then touches on; the kernel counts a
#    "max" event at once); the cgroup's policy escalates one "max" to
#    a group kill; latency = memtriaged's cgroup.kill write (acted_us) - the
#    moment before the crossing (evlat t0_us), both CLOCK_MONOTONIC. Measured
#    with memory.events watched through POLLPRI (uv_poll, UV_PRIORITIZED) and
#    through inotify (IN_MODIFY on the cgroup's directory).
# 2. idle CPU over 60 s and resident memory, no pressure.
. /lib/mt/lib.sh
# MT_VM_APPEND="mt.bench_n=20 mt.bench_samples=3 mt.bench_idle_s=5" for a quick try.
N=$(mt_param bench_n 1000) SAMPLES=$(mt_param bench_samples 15) IDLE_S=$(mt_param bench_idle_s 60)
mt_daemon_require
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "bench/*"}, "priority": 100, "response": "kill",
  "escalate": {"counter": "max", "count": 1, "window_s": 60}}' > $pol/bench.json
mt_cg_make bench
echo "$MT_CONTROLLERS" > $CG/bench/cgroup.subtree_control
i=1; while [ $i -le $N ]; do mkdir $CG/bench/c$i; i=$((i + 1)); done
mt_log "created $N cgroups"

stats() { # name file-of-numbers (us)
	n=$(wc -l < $2)
	med=$(sort -n $2 | awk -v n=$n 'NR == int((n + 1) / 2) { print }')
	worst=$(sort -n $2 | tail -n 1)
	best=$(sort -n $2 | head -n 1)
	echo "BENCH: $1 samples=$n median_us=$med worst_us=$worst best_us=$best"
}

for mode in pollpri inotify; do
	: > $MT_STATE/lat-$mode; : > $MT_STATE/wake-$mode; : > $MT_STATE/act-$mode
	mt_daemon_start --policy-dir $pol --socket "" --watch $mode
	mt_daemon_wait_log "memtriaged ready ($mode)" 120 '"event":"ready"'
	grep '"event":"ready"' $MT_STATE/memtriaged.log | sed 's/^/MT: /'
	k=1
	while [ $k -le $SAMPLES ]; do
		cg=bench/s-$mode-$k
		mkdir $CG/$cg
		added() { grep -q "\"event\":\"cgroup-added\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log; }
		mt_wait_for "$cg supervised" 5 added
		evlat $CG/$cg 4 4 > $MT_STATE/evlat.out &
		ev=$!
		killed() { grep -q "\"event\":\"kill\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log; }
		if mt_wait_for "$cg killed" 10 killed; then
			t0=$(sed -n 's/^evlat t0_us=//p' $MT_STATE/evlat.out)
			line=$(grep "\"event\":\"kill\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log)
			t1=$(echo "$line" | sed 's/.*"acted_us":\([0-9]*\).*/\1/')
			tn=$(echo "$line" | sed 's/.*"notified_us":\([0-9]*\).*/\1/')
			if mt_is_int "$t0" && mt_is_int "$t1" && mt_is_int "$tn"; then
				echo $((t1 - t0)) >> $MT_STATE/lat-$mode
				echo $((tn - t0)) >> $MT_STATE/wake-$mode
				echo $((t1 - tn)) >> $MT_STATE/act-$mode
			else
				mt_log "$cg: unusable sample: t0='$t0' kill line: $line"
			fi
		else
			mt_log "$cg: not killed; daemon alive: $(mt_alive $MT_DAEMON_PID && echo yes || echo no);" \
				"evlat: $(cat $MT_STATE/evlat.out); memory.events: $(tr '\n' ' ' < $CG/$cg/memory.events)"
			tail -n 5 $MT_STATE/memtriaged.log | cut -c1-300
		fi
		kill -9 $ev 2>/dev/null
		wait $ev 2>/dev/null
		k=$((k + 1))
	done
	stats "notification-to-action watch=$mode cgroups=$((N + SAMPLES))" $MT_STATE/lat-$mode
	stats "  of which crossing-to-wakeup watch=$mode" $MT_STATE/wake-$mode
	stats "  of which wakeup-to-cgroup.kill watch=$mode" $MT_STATE/act-$mode
	mt_check_eq "$mode: samples measured" "$(wc -l < $MT_STATE/lat-$mode)" $SAMPLES
	mt_daemon_stop > $MT_STATE/stop-$mode.out
	grep -E "MT-CHECK|event\":\"(kill|decision)\"" $MT_STATE/stop-$mode.out | head -n 3 | cut -c1-500
done

mt_daemon_start --policy-dir $pol --socket ""
mt_daemon_wait_log "memtriaged ready (idle)" 120 '"event":"ready"'
pid=$MT_DAEMON_PID
sleep 5
ticks() { awk '{ print $14 + $15 }' /proc/$pid/stat; }
c0=$(ticks); t0=$(mt_now_ms)
sleep $IDLE_S
c1=$(ticks); t1=$(mt_now_ms)
hz=100
echo "BENCH: idle cgroups=$(ls -d $CG/bench/*/ | wc -l) wall_ms=$((t1 - t0)) cpu_ms=$(( (c1 - c0) * 1000 / hz )) cpu_permille=$(( (c1 - c0) * 1000 * 1000 / hz / (t1 - t0) ))"
echo "BENCH: rss_kb=$(awk '$1 == "VmRSS:" { print $2 }' /proc/$pid/status) fds=$(ls /proc/$pid/fd | wc -l)"
mt_daemon_stop >/dev/null
mt_done
