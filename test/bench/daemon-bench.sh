#!/bin/sh
# vm: mem=1G cpus=2 zram=256M timeout=900
# memtriaged benchmarks with 1,000 watched cgroups (run by hand):
#   ./test/vm/run.sh test/bench/daemon-bench.sh build --console
# 1. notification to action: a process crosses its cgroup's memory.max (the
#    kernel counts a "max" event); the cgroup's policy escalates one "max" to
#    a group kill; latency = memtriaged's cgroup.kill write (acted_us) - the
#    moment before the crossing (evlat t0_us), both CLOCK_MONOTONIC. Measured
#    with memory.events watched through POLLPRI (uv_poll, UV_PRIORITIZED) and
#    through inotify (IN_MODIFY on the cgroup's directory).
# 2. idle CPU over 60 s and resident memory, no pressure.
. /lib/mt/lib.sh
N=${MT_BENCH_N:-1000} SAMPLES=${MT_BENCH_SAMPLES:-15} IDLE_S=60
mt_daemon_can_run || { mt_fail "memtriaged --check-host: $(cat $MT_STATE/check-host.log)"; mt_done; exit 0; }
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
	: > $MT_STATE/lat-$mode
	mt_daemon_start --policy-dir $pol --socket "" --watch $mode
	mt_daemon_wait_log "memtriaged ready ($mode)" 120 '"event":"ready"'
	grep '"event":"ready"' $MT_STATE/memtriaged.log | sed 's/^/MT: /'
	s=1
	while [ $s -le $SAMPLES ]; do
		cg=bench/s-$mode-$s
		mkdir $CG/$cg; echo 8M > $CG/$cg/memory.max
		added() { grep -q "\"event\":\"cgroup-added\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log; }
		mt_wait_for "$cg supervised" 5 added >/dev/null
		evlat $CG/$cg 6 4 > $MT_STATE/evlat.out &
		ev=$!
		killed() { grep -q "\"event\":\"kill\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log; }
		if mt_wait_for "$cg killed" 10 killed >/dev/null; then
			t0=$(sed -n 's/^evlat t0_us=//p' $MT_STATE/evlat.out)
			t1=$(grep "\"event\":\"kill\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log | sed 's/.*"acted_us":\([0-9]*\).*/\1/')
			echo $((t1 - t0)) >> $MT_STATE/lat-$mode
		fi
		wait $ev 2>/dev/null
		s=$((s + 1))
	done
	stats "notification-to-action watch=$mode cgroups=$((N + SAMPLES))" $MT_STATE/lat-$mode
	mt_check_eq "$mode: samples measured" "$(wc -l < $MT_STATE/lat-$mode)" $SAMPLES
	mt_daemon_stop >/dev/null
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
