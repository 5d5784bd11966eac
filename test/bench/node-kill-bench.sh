#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=900
# The node decision path at scale (issue 16), run by hand, one boot:
#   nice -n 10 ./test/vm/run.sh test/bench/node-kill-bench.sh build
#   MT_VM_APPEND="mt.extra=0" ...              # without the 1,000 empty cgroups
#   MT_VM_APPEND="mt.reps=1 mt.idle_s=5" ...   # a quick try
# A valuable container (160M, priority 900), three cheap ones (32M, priority
# 100), all policy kill, plus mt.extra empty cgroups under extra/ that are
# candidates too (priority 100, kill; nothing in them). Then:
# 1. idle: memtriaged's CPU over mt.idle_s seconds and its RSS and fds,
#    nothing growing, reserve 16Mi (the look cadence at the node's ~100 MiB
#    headroom, the sampler, 1,000 watched cgroups, no decisions);
# 2. per rate in mt.rates (MiB/s, "fill" = as fast as it can), mt.reps
#    episodes: a fresh cheap container work/leak-R-K leaks until killed;
#    wakeup -> cgroup.kill = acted_us - notified_us of its kill line (the
#    look that started the decision -> the write), plus the decision's
#    trigger, who died and the kernel's OOM kills.
# BENCH: lines are the results; nothing here is asserted beyond "measured".
. /lib/mt/lib.sh
EXTRA=$(mt_param extra 1000) RATES=$(mt_param rates 10,150) REPS=$(mt_param reps 3) IDLE_S=$(mt_param idle_s 30)
mt_daemon_require
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 200, "match": {"cgroup": "work/valuable"}, "priority": 900, "response": "kill"}' > $pol/valuable.json
echo '{"precedence": 100, "match": {"cgroup": "work/*"}, "priority": 100, "response": "kill"}' > $pol/cheap.json
echo '{"precedence": 100, "match": {"cgroup": "extra/*"}, "priority": 100, "response": "kill"}' > $pol/extra.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json

mt_cg_make extra
echo "$MT_CONTROLLERS" > $CG/extra/cgroup.subtree_control
i=1; while [ $i -le $EXTRA ]; do mkdir $CG/extra/e$i; i=$((i + 1)); done
mt_log "created $EXTRA empty cgroups under extra/"
for g in valuable cheap1 cheap2 cheap3; do mt_cg_make work/$g; done
mt_cg_run work/valuable memhog --anon 160M > $MT_STATE/valuable; valuable=$MT_PID
by="valuable=$valuable"
for i in 1 2 3; do mt_cg_run work/cheap$i memhog --anon 32M > $MT_STATE/cheap$i; by="$by cheap$i=$MT_PID"; done
held() { for f in valuable cheap1 cheap2 cheap3; do grep -q state=holding $MT_STATE/$f || return 1; done; }
mt_wait_for "valuable and cheap1-3 holding" 90 held

# 1. idle: a node near its bound (the guest's headroom is ~100 MiB, ~50 ms
# at 2 GiB/s) but above its reserve (16 MiB here: no decision is due), so
# what is measured is the looks, the TICKs and the sampler, not decisions.
echo '{"reserve": "16Mi"}' > /tmp/mt-idle.json
mt_daemon_start --config /tmp/mt-idle.json --policy-dir $pol --socket ""
if ! mt_daemon_wait_log "memtriaged ready (idle)" 180 '"event":"ready"'; then
	mt_log "memtriaged alive: $(mt_alive $MT_DAEMON_PID && echo yes || echo no); its log's tail:"
	tail -c 2000 $MT_STATE/memtriaged.log
	mt_done; exit 0
fi
pid=$MT_DAEMON_PID
sleep 5
ticks() { awk '{ print $14 + $15 }' /proc/$pid/stat; }
c0=$(ticks); t0=$(mt_now_ms)
sleep $IDLE_S
c1=$(ticks); t1=$(mt_now_ms)
hz=100
echo "BENCH: idle extra=$EXTRA candidates=$(grep '"event":"ready"' $MT_STATE/memtriaged.log | sed 's/.*"candidates":\([0-9]*\).*/\1/')" \
	"wall_ms=$((t1 - t0)) cpu_ms=$(( (c1 - c0) * 1000 / hz )) cpu_permille=$(( (c1 - c0) * 1000 * 1000 / hz / (t1 - t0) ))" \
	"rss_kb=$(awk '$1 == "VmRSS:" { print $2 }' /proc/$pid/status) fds=$(ls /proc/$pid/fd | wc -l)" \
	"MemAvailable_kb=$(mt_meminfo MemAvailable) decisions=$(mt_daemon_log_count '"event":"decision"')"
mt_daemon_stop > /dev/null

mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket ""
mt_daemon_wait_log "memtriaged ready" 180 '"event":"ready"' || { mt_done; exit 0; }
grep '"event":"ready"' $MT_STATE/memtriaged.log | sed 's/^/MT: /'

# 2. episodes
stats() { # name file-of-numbers (us)
	n=$(wc -l < $2)
	[ "$n" -gt 0 ] || { echo "BENCH: $1 samples=0"; return; }
	med=$(sort -n $2 | awk -v n=$n 'NR == int((n + 1) / 2) { print }')
	echo "BENCH: $1 samples=$n median_us=$med worst_us=$(sort -n $2 | tail -n 1) best_us=$(sort -n $2 | head -n 1) all_us=$(sort -n $2 | tr '\n' ',')"
}
field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"; }
kmsg0=$(dmesg | grep -c 'oom-kill:')
for rate in $(echo $RATES | tr ',' ' '); do
	: > $MT_STATE/lat-$rate
	k=1 wrong=0 missed=0
	while [ $k -le $REPS ]; do
		cg=work/leak-$rate-$k
		mt_cg_make $cg
		added() { grep -q "\"event\":\"cgroup-added\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log; }
		mt_wait_for "$cg supervised" 10 added
		r=""; [ "$rate" != fill ] && r="--rate $rate"
		mt_cg_run $cg memhog --anon inf $r > $MT_STATE/leak.out; leak=$MT_PID
		killed() { grep -q "\"event\":\"kill\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log; }
		if mt_wait_for "$cg killed" 120 killed; then
			line=$(grep "\"event\":\"kill\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log | head -n 1)
			tn=$(echo "$line" | field notified_us) ta=$(echo "$line" | field acted_us) id=$(echo "$line" | field decision)
			trig=$(grep '"event":"decision"' $MT_STATE/memtriaged.log | grep "\"id\":$id}" | field trigger)
			if mt_is_int "$tn" && mt_is_int "$ta"; then
				echo $((ta - tn)) >> $MT_STATE/lat-$rate
				mt_log "$cg: wakeup->cgroup.kill $((ta - tn)) us, trigger $trig, leaked $(tail -n 1 $MT_STATE/leak.out | cut -c1-80)"
			fi
		else
			missed=$((missed + 1))
			kill -9 $leak 2>/dev/null
		fi
		wait $leak 2>/dev/null
		for b in $by; do mt_alive ${b#*=} || { wrong=$((wrong + 1)); mt_log "bystander ${b%%=*} died"; }; done
		mt_wait_for "$cg empty" 20 sh -c "[ \"\$(awk '\$1 == \"populated\" { print \$2 }' $CG/$cg/cgroup.events)\" = 0 ]"
		rmdir $CG/$cg
		sleep 2
		k=$((k + 1))
	done
	stats "node-kill wakeup-to-cgroup.kill extra=$EXTRA rate=$rate" $MT_STATE/lat-$rate
	echo "BENCH: node-kill outcome extra=$EXTRA rate=$rate episodes=$REPS not_killed=$missed bystanders_dead=$wrong" \
		"kernel_oom_kills_so_far=$(( $(dmesg | grep -c 'oom-kill:') - kmsg0 ))"
	[ $wrong -eq 0 ] || break
done
mt_check "measured" true
mt_daemon_stop > $MT_STATE/stop.out
grep -E '"event":"(kill|kernel-oom-kill)"' $MT_STATE/stop.out | cut -c1-400
kill -9 $valuable 2>/dev/null
mt_done
