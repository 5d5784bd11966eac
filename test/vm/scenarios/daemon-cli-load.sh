#!/bin/sh
# vm: mem=512M cpus=2 zram=64M timeout=150
# Notification-to-action latency while clients hammer the status socket
# (issue 7): a process crosses its cgroup's memory.max (evlat: t0 just
# before), the policy escalates one "max" event to a group kill, latency =
# memtriaged's cgroup.kill write (acted_us) - t0. SAMPLES without clients,
# then SAMPLES while memtriage-load runs 4 clients asking `status` and 2
# asking `candidates` as fast as they can. Under TCG only the ratio means
# something: the medians must stay within RATIO x + 20 ms of each other.
# Swap is on so that crossing memory.max ends in reclaim into zram, not in
# the kernel's OOM killer: without swap the kernel and memtriaged race for
# the same group (a kernel win empties it first, memtriaged rightly leaves an
# empty group alone, and the sample is lost -- seen once in CI).
. /lib/mt/lib.sh
SAMPLES=$(mt_param samples 4) RATIO=10
mt_daemon_require
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "bench/*"}, "priority": 100, "response": "kill",
  "escalate": {"counter": "max", "count": 1, "window_s": 60}}' > $pol/bench.json
mt_cg_make bench
echo "$MT_CONTROLLERS" > $CG/bench/cgroup.subtree_control
sock=/run/memtriage.sock
export MEMTRIAGE_SOCKET=$sock
mt_daemon_start --policy-dir $pol --socket $sock
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'

# sample NAME: one crossing in bench/NAME; appends its latency (us) to $MT_STATE/lat.TAG
sample() {
	cg=bench/$1
	mkdir $CG/$cg
	added() { grep -q "\"event\":\"cgroup-added\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log; }
	mt_wait_for "$cg supervised" 10 added || return 1
	# While clients ask `candidates` in a loop the daemon answers from its
	# cached reply: a change must show in the very next answer.
	if [ "$2" = loaded ]; then
		mt_check "$cg listed by the candidates asked right after it was added" \
			sh -c "memtriage candidates -o json | grep -q '\"path\": \"$cg\"'"
	fi
	evlat $CG/$cg 4 4 > $MT_STATE/evlat.out &
	ev=$!
	killed() { grep -q "\"event\":\"kill\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log; }
	mt_wait_for "$cg killed" 15 killed
	wait $ev 2>/dev/null
	t0=$(sed -n 's/^evlat t0_us=//p' $MT_STATE/evlat.out)
	t1=$(grep "\"event\":\"kill\",\"cgroup\":\"$cg\"" $MT_STATE/memtriaged.log | head -n 1 | sed 's/.*"acted_us":\([0-9]*\).*/\1/')
	if mt_is_int "$t0" && mt_is_int "$t1"; then
		echo $((t1 - t0)) >> $MT_STATE/lat.$2
		mt_log "$cg: notification to action $((t1 - t0)) us"
	else
		mt_fail "$cg: unusable sample: t0='$t0' t1='$t1'"
	fi
}
median() { sort -n $1 | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

start=$(mt_now_ms)
k=1; while [ $k -le $SAMPLES ]; do sample quiet-$k quiet; k=$((k + 1)); done
quiet_ms=$(( $(mt_now_ms) - start ))

# The load runs for three times the quiet phase plus 4 s: long enough for
# the loaded samples (each checked to end while the clients still run; each
# also asks `candidates` once, and twice the quiet phase plus 2 s was seen
# to run out), short enough to keep the scenario lean; memtriage-load
# reports only at its end.
secs=$(( quiet_ms * 3 / 1000 + 4 ))
memtriage-load --socket $sock --clients 4 --seconds $secs --cmd status > $MT_STATE/load.status &
ls=$!
memtriage-load --socket $sock --clients 2 --seconds $secs --cmd candidates > $MT_STATE/load.cand &
lc=$!
sleep 1
k=1; while [ $k -le $SAMPLES ] && kill -0 $ls 2>/dev/null; do
	sample loaded-$k loaded
	mt_check "load clients still running after loaded-$k" sh -c "kill -0 $ls && kill -0 $lc"
	k=$((k + 1))
done
wait $ls $lc
cat $MT_STATE/load.status $MT_STATE/load.cand | sed 's/^/load| /'

q=$(median $MT_STATE/lat.quiet) l=$(median $MT_STATE/lat.loaded)
echo "BENCH: notification-to-action median_us quiet=$q loaded=$l samples=$SAMPLES+$SAMPLES load_s=$secs" \
	"quiet_all=$(tr '\n' ' ' < $MT_STATE/lat.quiet) loaded_all=$(tr '\n' ' ' < $MT_STATE/lat.loaded)"
mt_check_eq "quiet samples" "$(wc -l < $MT_STATE/lat.quiet)" $SAMPLES
mt_check_eq "loaded samples" "$(wc -l < $MT_STATE/lat.loaded)" $SAMPLES
mt_check_le "loaded median within ${RATIO}x quiet + 20 ms" "$l" $((q * RATIO + 20000))
mt_check_eq "load clients' errors" "$(cat $MT_STATE/load.status $MT_STATE/load.cand | sed -n 's/.* errors=\([0-9]*\) .*/\1/p' | awk '{ s += $1 } END { print s + 0 }')" 0
mt_check_gt "load: status replies" "$(sed -n 's/.* replies=\([0-9]*\) .*/\1/p' $MT_STATE/load.status)" 100
mt_check_gt "load: candidates replies" "$(sed -n 's/.* replies=\([0-9]*\) .*/\1/p' $MT_STATE/load.cand)" 100
mt_check "the daemon still answers" sh -c "memtriage status > /dev/null"
mt_check_eq "kill reports naming own-limit as the reason" "$(mt_daemon_log_count '"event":"kill-report",.*"reason":"own-limit"')" $((SAMPLES * 2))
mt_check_eq "kills: one per sample (an emptied group is not killed again)" "$(mt_daemon_log_count '"event":"kill",')" $((SAMPLES * 2))
mt_check_eq "kernel OOM kills in bench/* (swap absorbs each crossing)" \
	"$(mt_cg_key bench memory.events oom_kill)" 0
mt_daemon_stop > $MT_STATE/stop.out
grep -v '"event":"cgroup-added"' $MT_STATE/stop.out | cut -c1-400
mt_done
