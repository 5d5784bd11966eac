#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=240
# One run of the peers comparison (test/bench/peers/run.sh boots this once per
# scenario x supervisor x swap x rate; the '# vm:' line above is rewritten
# per run for zram). Parameters from the kernel command line:
#   mt.scn=leak|multi|grow|k8s|idle  mt.sup=SUPERVISOR  mt.swap=none|zram|disk
#   mt.rate=MIBPS|fill  mt.quick=0|1 (shorter windows, for the smoke test)
#   mt.driver=systemd|cgroupfs (k8s: the kubelet's cgroup driver)
#   mt.extra=N (N empty cgroups more under the supervised root, made before
#   the supervisor starts)  mt.pages=random|half (the leaker's pages)
#   mt.probe=0|1 (one more container, work/probe, whose heartbeat thread is
#   SCHED_FIFO: memhog --beat-fifo)
# Prints one "PEERS-ROW key=value..." line; the host turns rows into tables.
# Nothing here judges who won: a run fails only if it could not measure.
. /lib/mt/lib.sh

scn=$(mt_param scn leak) sup=$(mt_param sup kernel) swap=$(mt_param swap none)
rate=$(mt_param rate 50) quick=$(mt_param quick 0)
driver=$(mt_param driver systemd) extra=$(mt_param extra 0) pages=$(mt_param pages random)
probe=$(mt_param probe 0)
case $pages in random) leakfill=--random ;; half) leakfill=--half-random ;; *) mt_fail "mt.pages=$pages"; exit 1 ;; esac
P=/peers
S=$MT_STATE
if [ "$quick" = 1 ]; then baseline=2 settle=2 episode=15; else baseline=5 settle=5 episode=90; fi

if [ "$swap" = disk ]; then
	for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk; do
		insmod /lib/modules/mt/$m.ko || { mt_fail "insmod $m"; exit 1; }
	done
	mt_wait_for "/dev/vda appeared" 20 test -b /dev/vda || exit 1
	mkswap /dev/vda >/dev/null && swapon /dev/vda || { mt_fail "swapon /dev/vda"; exit 1; }
fi
mt_log "swap=$swap SwapTotal=$(mt_meminfo SwapTotal)k MemTotal=$(mt_meminfo MemTotal)k MemAvailable=$(mt_meminfo MemAvailable)k"

# --- containers: work/NAME, one memhog per process, each with a heartbeat.
# Process names are what earlyoom matches: "valuable" or "cheap" (the leaker
# is a cheap container like the others: no supervisor is told who leaks).
# kernel-kubelet: oom_score_adj as the kubelet gives a Guaranteed (valuable)
# and a BestEffort (cheap) pod, and memory.oom.group=1 as it sets on every
# container on cgroup v2.
names=""        # NAME=PID for peerwatch, every process
bystanders=""   # whose death is a wrong kill: outside the leaker's container
                # (grow: the valuable container, which must be made room for)
cgargs=""       # --cgroup NAME=DIR for peerwatch: every container's cgroup
adj_of() { case $1 in valuable*) echo -997 ;; *) echo 1000 ;; esac; }
# register PNAME PID ADJ|"" CGPATH [CGNAME]: a started process, for
# peerwatch; its container's cgroup (CGPATH, named CGNAME, default its last
# component) sampled once.
register() {
	eval "pid_$1=$2"
	[ -n "$3" ] && echo "$3" > /proc/$2/oom_score_adj
	names="$names $1=$2"
	case " $cgargs " in *"=$CG/$4 "*) ;; *) cgargs="$cgargs --cgroup ${5:-${4##*/}}=$CG/$4" ;; esac
}
container() { # CGNAME
	mt_cg_make work/$1 memory.oom.group=$([ "$sup" = kernel-kubelet ] && echo 1 || echo 0)
}
fill=--random   # every process's pages; the leaker's are mt.pages
proc() { # PNAME CGNAME COMM MEMHOG-ARGS...
	pn=$1 cg=$2 comm=$3; shift 3
	mt_cg_run work/$cg memhog --name "$comm" $fill --every 1 --heartbeat $S/hb.$pn "$@" > $S/out.$pn
	register $pn $MT_PID "$([ "$sup" = kernel-kubelet ] && adj_of $comm)" work/$cg
}
holding() { for pn in "$@"; do grep -q state=holding $S/out.$pn || return 1; done; }
last_mib() { tail -n 1 $S/out.$1 2>/dev/null | sed -n 's/.*anon_mib=\([0-9]*\).*/\1/p'; }

[ $scn = k8s ] || { container valuable; container cheap1; container cheap2; }
case $scn in
idle)
	# The null episode: leak's bystanders, nothing growing, the meter and the
	# supervisor running; its gap ratio is the gap metric's own floor.
	proc valuable valuable valuable --anon 160M
	container cheap3
	for i in 1 2 3; do proc cheap$i cheap$i cheap --anon 32M; done
	bystanders="valuable cheap1 cheap2 cheap3"
	mt_wait_for "bystanders holding" 90 holding $bystanders ;;
k8s)
	. /lib/mt/k8s.sh
	# shellcheck disable=SC2034 # read by the k8s.sh files
	MT_K8S_DRIVER=$driver
	. $P/k8s.sh
	k8s_node
	bystanders="dns db web scratch report"
	mt_wait_for "pods holding" 90 holding $bystanders leakside ;;
leak)
	proc valuable valuable valuable --anon 160M
	container cheap3
	for i in 1 2 3; do proc cheap$i cheap$i cheap --anon 32M; done
	bystanders="valuable cheap1 cheap2 cheap3"
	mt_wait_for "bystanders holding" 90 holding $bystanders ;;
multi)
	proc valuable valuable valuable --anon 160M
	for i in 1 2; do proc cheap$i cheap$i cheap --anon 32M; done
	container multi
	for i in 1 2; do proc multi$i multi cheap --anon 24M; done
	bystanders="valuable cheap1 cheap2"
	mt_wait_for "bystanders holding" 90 holding $bystanders multi1 multi2 ;;
grow)
	proc valuable valuable valuable --anon 128M
	container cheap3; container cheap4
	for i in 1 2 3 4; do proc cheap$i cheap$i cheap --anon 40M; done
	bystanders="valuable"
	mt_wait_for "containers holding" 90 holding valuable cheap1 cheap2 cheap3 cheap4 ;;
*) mt_fail "unknown mt.scn=$scn"; exit 1 ;;
esac

if [ "$probe" = 1 ]; then
	container probe
	mt_cg_run work/probe memhog --name probe --anon 1M --every 1 --beat-fifo --heartbeat $S/hb.probe > $S/out.probe
	register probe $MT_PID "" work/probe
	mt_wait_for "the probe holding" 30 holding probe
fi

# --- the extra cgroups: empty, under the supervised root beside the
# containers (work/idleN; k8s: container cgroups of one unnamed BestEffort
# pod), made before the supervisor starts and removed at the end.
if [ "$extra" -gt 0 ]; then
	if [ $scn = k8s ]; then k8s_extra; else EXTRA_PARENT=work EXTRA_FMT='idle%d'; fi
	awk -v n="$extra" -v d="$CG/$EXTRA_PARENT" -v f="$EXTRA_FMT" 'BEGIN { for (i = 1; i <= n; i++) printf "%s/" f "\n", d, i }' > $S/extra.list
	t=$(mt_now_ms); xargs mkdir < $S/extra.list
	mt_log "extra cgroups: $(wc -l < $S/extra.list) under $EXTRA_PARENT in $(( $(mt_now_ms) - t )) ms"
fi

# --- the supervisor, configured as test/bench/peers/README.md says.
reserve_kib=$(( ($(mt_meminfo MemTotal) + $(mt_meminfo SwapTotal)) * 5 / 100 ))
sup_pid=""
case $sup in
memtriaged-policy)
	pol=$P/memtriaged/policies
	if [ $scn = k8s ]; then
		# the embedded default set, BestEffort pods killed at once (README)
		pol=/tmp/k8s-policies; mkdir -p $pol
		cp /policies/default/*.json $pol/ && cp $P/memtriaged/k8s/*.json $pol/
	fi
	memtriaged --config $P/memtriaged/config.json --policy-dir $pol --socket "" > $S/sup.log 2>&1 & sup_pid=$! ;;
memtriaged-default) memtriaged --socket "" > $S/sup.log 2>&1 & sup_pid=$! ;;
earlyoom)
	. $P/earlyoom.conf
	eval "set -- $EARLYOOM_ARGS"
	earlyoom "$@" > $S/sup.log 2>&1 & sup_pid=$! ;;
oomd)
	# memory_above on work at the same reserve the others keep: what work
	# holds now plus what is still available, less 5 % of RAM (oomd reads
	# memory.current, RAM only; swap is its swap_free ruleset's business).
	# k8s: the same on kubepods, killing pods of the BestEffort and
	# Burstable slices; kube-system's pod avoided.
	if [ $scn = k8s ]; then ow=$K8S_KUBEPODS ov=$K8S_VICTIMS oa=$K8S_DNS_POD; else ow=work ov='work/*' oa=work/valuable; fi
	above=$(( $(cat $CG/$ow/memory.current) / 1024 + $(mt_meminfo MemAvailable) - $(mt_meminfo MemTotal) * 5 / 100 ))
	sed -e "s/@MEMORY_ABOVE@/${above}K/" -e "s|@WORK@|$ow|g" -e "s|@VICTIMS@|$ov|g" $P/oomd.json > /tmp/oomd.json
	mt_log "oomd memory_above $ow threshold ${above}K, victims $ov"
	peerwatch --setxattr $CG/$oa trusted.oomd_avoid 1 || { mt_fail "trusted.oomd_avoid on $oa"; exit 1; }
	. $P/oomd.conf
	eval "set -- $OOMD_ARGS"
	oomd "$@" > $S/sup.log 2>&1 & sup_pid=$! ;;
kernel|kernel-kubelet) ;;
*) mt_fail "unknown mt.sup=$sup"; exit 1 ;;
esac
if [ -n "$sup_pid" ]; then
	case $sup in
	memtriaged-*) mt_wait_for "memtriaged ready" $((60 + extra / 10)) grep -q '"event":"ready"' $S/sup.log ;;
	earlyoom) mt_wait_for "earlyoom running" 30 grep -q 'mem total' $S/sup.log ;;
	oomd) mt_wait_for "oomd running" 30 grep -qi 'running oomd' $S/sup.log ;;
	esac
	mt_check "$sup alive after start" mt_alive $sup_pid || { cat $S/sup.log; exit 1; }
fi

# --- the idle baseline: same boot, supervisor running, nothing growing.
reset_beats() { for pn in $(echo "$names" | sed 's/=[0-9]*//g'); do kill -USR1 $(eval echo \$pid_$pn) 2>/dev/null; done; }
gap_of() { sed -n 's/^max_gap_ms=\([0-9]*\).*/\1/p' $S/hb.$1; }
at_of() { sed -n 's/.* at_ms=\([0-9]*\).*/\1/p' $S/hb.$1; }
# at_rel PNAME: when PNAME's worst gap ended, in ms from t0_ms; - when unknown
at_rel() { at=$(at_of $1); [ -n "$at" ] && echo $((at - t0_ms)) || echo -; }
# rundelay PNAME: the ms its threads have waited on a runqueue so far
# (/proc/PID/task/*/schedstat, second field: ns runnable but not running).
rundelay() { cat /proc/$(eval echo \$pid_$1)/task/*/schedstat 2>/dev/null | awk '{ s += $2 } END { if (NR) printf "%d", s / 1e6 }'; }
case $scn in grow) watched="valuable cheap1 cheap2 cheap3 cheap4" ;; *) watched=$bystanders ;; esac
reset_beats
base_from=$(mt_now_ms)
for pn in $watched; do eval "rdb_$pn=$(rundelay $pn)"; done
sleep $baseline
base_to=$(mt_now_ms)
for pn in $watched; do eval "base_$pn=$(gap_of $pn)"; eval "rd0_$pn=$(rundelay $pn)"; done
[ "$probe" = 1 ] && base_probe=$(gap_of probe)
reset_beats

# --- the episode.
kmsg0=$(dmesg | grep -c 'oom-kill:')
# Who reclaimed and who faulted during the episode: the node's reclaim by
# kswapd and by direct reclaim (on 6.1 a cgroup's own reclaim, memory.high's,
# is not counted in pgscan_*/pgsteal_*), its swap-ins and refaults, and the watched processes'
# major faults (also on pages charged elsewhere, such as the shared text of
# the initramfs, which is tmpfs and so swaps).
VMKEYS="pgscan_kswapd pgscan_direct pgsteal_kswapd pgsteal_direct pswpin pswpout workingset_refault_anon workingset_refault_file pgmajfault compact_daemon_wake compact_migrate_scanned compact_isolated compact_stall pgmigrate_success thp_fault_alloc thp_collapse_alloc"
vm_now() { for k in $VMKEYS; do sed -n "s/^$k //p" /proc/vmstat; done | tr '\n' ' '; }
majflt() { awk '{ sub(/^.*\) /, ""); print $10 }' /proc/$(eval echo \$pid_$1)/stat 2>/dev/null; }
vm0=$(vm_now)
for pn in $watched; do eval "majf0_$pn=$(majflt $pn)"; done
head0=$(( $(mt_meminfo MemAvailable) + $(mt_meminfo SwapFree) ))
# The swap room as this run sees it: the swap free now, less the reserve's
# swap part (the reserve is 5 % of RAM + swap, so 5 % of SwapTotal).
swap_room=$(( $(mt_meminfo SwapFree) - $(mt_meminfo SwapTotal) * 5 / 100 ))
zarg=""; [ "$swap" = zram ] && zarg="--zram /sys/block/zram0/mm_stat"
r=""; [ "$rate" != fill ] && r="--rate $rate"
case $scn in
idle)
	# As long as leak's episodes at 150 MiB/s with swap last before their
	# settle (end_ms 5.2-6.5 s in doc/comparison.md's session 10 and 11).
	end=none episode=6 leak_cg=work/none ;;
leak|multi)
	end=leaker
	fill=$leakfill
	if [ $scn = leak ]; then container leaky; proc leaker leaky cheap --anon inf $r; leak_cg=work/leaky
	else proc leaker multi cheap --anon inf $r; leak_cg=work/multi; fi ;;
k8s)
	end=leaker leak_cg=$K8S_LEAK_POD
	mt_cg_run $K8S_LEAK_RUN memhog --name cheap $leakfill --every 1 --heartbeat $S/hb.leaker --anon inf $r > $S/out.leaker
	register leaker $MT_PID 1000 $K8S_LEAK_RUN ;;
grow)
	# Grow past the room above the reserve by 1.5 cheap containers: two
	# kills of 40M are the least that makes room. zram holding incompressible
	# pages saves nothing, so only disk swap counts as room.
	room=$(( $(mt_meminfo MemAvailable) - reserve_kib ))
	[ "$swap" = disk ] && room=$(( room + $(mt_meminfo SwapFree) ))
	grow_mib=$(( room / 1024 + 60 ))
	need=2
	end=valuable
	# The grower is the running valuable process: a second process in its
	# container does the growing (its heartbeat is the valuable one's).
	proc grower valuable valuable --anon ${grow_mib}M $r ;;
esac
# A host-side meter can place guest times against its own clock: this
# line reaches the serial console at about this uptime.
echo "MT-SYNC uptime_ms=$(mt_now_ms)"
if [ $scn = grow ]; then
	peerwatch --reserve-kib $reserve_kib ${sup_pid:+--supervisor $sup_pid} --end grower --settle $settle \
		--timeout $episode $zarg $cgargs $names > $S/watch.out &
	pw=$!
	( while ! holding grower; do sleep 0.2; mt_alive $pw || exit 0; done; kill -USR1 $pw ) &
else
	peerwatch --reserve-kib $reserve_kib ${sup_pid:+--supervisor $sup_pid} --end $end --settle $settle \
		--timeout $episode $zarg $cgargs $names > $S/watch.out &
	pw=$!
fi
wait $pw
cat $S/watch.out
vm1=$(vm_now)
vmstat_delta=$(echo "$VMKEYS|$vm0|$vm1" | awk -F'|' '{ n = split($1, k, " "); split($2, a, " "); split($3, b, " ")
	for (i = 1; i <= n; i++) printf "%s%s:%d", (i > 1 ? "," : ""), k[i], b[i] - a[i] }')
majf=""
for pn in $watched; do
	m1=$(majflt $pn)
	majf="$majf,$pn:$([ -n "$m1" ] && echo $((m1 - $(eval echo \$majf0_$pn))) || echo -)"
done
majf=${majf#,}
# Each bystander's runqueue wait over the episode / over the idle baseline.
waits=""
for pn in $watched; do
	r1=$(rundelay $pn) r0=$(eval echo \$rd0_$pn) rb=$(eval echo \$rdb_$pn)
	if [ -n "$r1" ] && [ -n "$r0" ] && [ -n "$rb" ]; then waits="$waits,$pn:$((r1 - r0))/$((r0 - rb))"
	else waits="$waits,$pn:-"; fi
done
waits=${waits#,}
kmsg=$(( $(dmesg | grep -c 'oom-kill:') - kmsg0 ))

# --- the row.
died() { grep -q "^PEERWATCH-DEATH name=$1 " $S/watch.out; }
death_ms() { sed -n "s/^PEERWATCH-DEATH name=$1 .* ms=\([0-9]*\)$/\1/p" $S/watch.out; }
w() { sed -n "s/^PEERWATCH .*$1=\([^ ]*\).*/\1/p" $S/watch.out; }
bk=0 killed="" gaps=""
for pn in $bystanders; do died $pn && bk=$((bk + 1)); done
[ $scn = grow ] && died grower && bk=$((bk + 1))
for pn in $watched; do
	if died $pn; then killed="$killed,$pn"; gaps="$gaps,$pn:killed/$(eval echo \$base_$pn)"
	else gaps="$gaps,$pn:$(gap_of $pn)/$(eval echo \$base_$pn)"; fi
done
case $scn in
leak) died leaker && killed="$killed,leaker" ;;
multi)
	k=0; for pn in leaker multi1 multi2; do died $pn && k=$((k + 1)); done
	[ $k -gt 0 ] && killed="$killed,multi($k/3)" ;;
grow) died grower && killed="$killed,grower" ;;
k8s)
	k=0; for pn in leaker leakside; do died $pn && k=$((k + 1)); done
	[ $k -gt 0 ] && killed="$killed,leakpod($k/2)" ;;
idle) ;;
esac
killed=${killed#,}; gaps=${gaps#,}
# When each survivor's worst gap ended, in episode ms (peerwatch's clock, as
# PEERWATCH-DEATH's ms=): beside the leaker's death it tells a stall at the
# kill from one during the hold.
t0_ms=$(( $(w t0_us) / 1000 )) gap_at=""
for pn in $watched; do
	died $pn && continue
	gap_at="$gap_at,$pn:$(at_rel $pn)"
done
gap_at=${gap_at#,} end_ms=$(death_ms $end)
probe_row=""
if [ "$probe" = 1 ]; then
	if died probe; then probe_row=" probe_gap_ms=killed/$base_probe"
	else probe_row=" probe_gap_ms=$(gap_of probe)/$base_probe probe_at_ms=$(at_rel probe)"; fi
fi
# The leaker's container: whole = every one of its processes died.
case $scn in
leak) lcg=leaky; died leaker && whole=1/1 || whole=0/1 ;;
multi) lcg=multi whole=$k/3 ;;
k8s) lcg=leakpod whole=$k/2 ;;
grow) lcg=valuable whole=- ;;
idle) lcg=- whole=- ;;
esac
# Every container cgroup whose memory.high a supervisor changed (a hold).
cgv() { sed -n "s/^PEERWATCH-CG name=$1 .*$2=\([^ ]*\).*/\1/p" $S/watch.out; }
held=$(sed -n 's/^PEERWATCH-CG name=\([^ ]*\) high_changed_ms=[0-9].*/\1/p' $S/watch.out | tr '\n' , | sed 's/,$//')
# k8s: the Guaranteed, Burstable and kube-system pods killed or held.
valued=-
if [ $scn = k8s ]; then
	valued=""
	for pn in dns db web; do
		if died $pn; then valued="$valued,$pn:killed"
		elif mt_is_int "$(cgv $pn high_changed_ms)"; then valued="$valued,$pn:held"; fi
	done
	valued=${valued#,}; valued=${valued:-none}
fi
# The worst bystander gap against its own idle baseline (survivors only).
gap_ratio=$(echo "$gaps" | tr , '\n' | awk -F'[:/]' '$2 != "killed" { b = $3 > 0 ? $3 : 1; r = $2 / b; if (r > m) m = r; n++ }
	END { if (n) printf "%.1f", m; else print "-" }')
cross=$(w cross_ms)
if [ $scn = idle ]; then t_end=- leak_mib=-
elif [ $scn = grow ]; then t_end=$(w elapsed_ms); [ "$(w end)" = signal ] || t_end=-
	leak_mib=$(last_mib grower)
else t_end=$(death_ms leaker); leak_mib=$(last_mib leaker); fi
# "before": the kill came before the headroom ever fell below the reserve.
if [ -n "$t_end" ] && [ "$t_end" != - ]; then
	if [ "$cross" != - ]; then cross_to_kill=$((t_end - cross)); else cross_to_kill=before; fi
else cross_to_kill=-; fi
[ $scn = grow ] && cross_to_kill=-
# From the leaker's hold (its memory.high first changed) to its death.
hold_ms=$(cgv $lcg high_changed_ms) hold_to_death=-
[ $scn != grow ] && mt_is_int "$hold_ms" && mt_is_int "$t_end" && hold_to_death=$((t_end - hold_ms))
# The leaker's swap at its death against the swap room at the start: the
# largest 10 ms sample of its container's memory.swap.current (a leaker's
# swap only grows; the last sample before the pidfd fires can already be
# partly freed by the exit).
leak_swap=$(cgv $lcg swap_peak_kib) swap_pct=-
[ $scn != grow ] && mt_is_int "$leak_swap" && [ "$swap_room" -gt 0 ] && swap_pct=$((leak_swap * 100 / swap_room))
# memtriaged: its kill line for the leaker (grow: its first kill): wakeup
# (notified_us) -> cgroup.kill written (acted_us), and the reserve crossing
# -> that write, on peerwatch's clock (both CLOCK_MONOTONIC).
wake_to_kill=- cross_to_cgkill=- cgkill_pids=-
case $sup in
memtriaged-*)
	if [ $scn = grow ]; then kl=$(grep '"event":"kill",' $S/sup.log | head -n 1)
	else kl=$(grep "\"event\":\"kill\",\"cgroup\":\"$leak_cg" $S/sup.log | head -n 1); fi
	n_us=$(echo "$kl" | sed -n 's/.*"notified_us":\([0-9]*\).*/\1/p')
	a_us=$(echo "$kl" | sed -n 's/.*"acted_us":\([0-9]*\).*/\1/p')
	cgkill_pids=$(echo "$kl" | sed -n 's/.*"pids":\([0-9]*\).*/\1/p')
	if mt_is_int "$n_us" && mt_is_int "$a_us" && [ "$n_us" -gt 0 ]; then
		wake_to_kill=$((a_us - n_us))
		t0_us=$(w t0_us)
		if [ $scn != grow ]; then
			if [ "$cross" != - ]; then cross_to_cgkill=$((a_us / 1000 - t0_us / 1000 - cross)); else cross_to_cgkill=before; fi
		fi
	fi ;;
esac
# Throttles: memtriaged's memory.high steps (the only supervisor here that has any).
throttles=-
case $sup in
memtriaged-*) decisions=$(grep -c '"event":"kill"' $S/sup.log); throttles=$(grep -c '"event":"throttle"' $S/sup.log) ;;
earlyoom) decisions=$(grep -c 'sending SIG[A-Z]* to' $S/sup.log) ;;
# oomd prints each kill's line twice (seen in every run here): count distinct ones.
oomd) decisions=$(grep -E 'Killed [0-9]+:' $S/sup.log | sort -u | wc -l) ;;
*) decisions=$kmsg ;;
esac
echo "PEERS-ROW scn=$scn sup=$sup swap=$swap rate=$rate bystanders_killed=$bk killed=${killed:-none}" \
	"kernel_oom_kills=$kmsg leak_mib=${leak_mib:--} cross_to_kill_ms=$cross_to_kill end=$(w end)" \
	"gaps_ms=$gaps psi_full_ms=$(w psi_full_ms) episode_ms=$(w elapsed_ms) sup_cpu_ms=$(w supervisor_cpu_ms)" \
	"decisions=$decisions throttles=$throttles min_headroom_kib=$(w min_headroom_kib) head0_kib=$head0 reserve_kib=$reserve_kib${need:+ need=$need}" \
	"driver=$([ $scn = k8s ] && echo $driver || echo -) pages=$pages extra=$extra held=${held:-none} whole=$whole" \
	"valued_touched=$valued hold_to_death_ms=$hold_to_death cross_to_cgkill_ms=$cross_to_cgkill wake_to_kill_us=$wake_to_kill cgkill_pids=${cgkill_pids:--}" \
	"swap_room_kib=$swap_room leak_swap_kib=${leak_swap:--} leak_swap_pct=$swap_pct gap_ratio=$gap_ratio" \
	"gap_at_ms=${gap_at:--} end_ms=${end_ms:--} vmstat=$vmstat_delta majflt=$majf wait_ms=$waits$probe_row" \
	"zram_orig_kib=$(w zram_orig_kib) zram_compr_kib=$(w zram_compr_kib)" \
	"t0_ms=$t0_ms baseline_ms=$base_from-$base_to" \
	"kernel=$(uname -r) preempt=$(dmesg | sed -n 's/.*Dynamic Preempt: //p' | head -n 1 | grep . || echo -)"
echo "MT: supervisor actions"; grep -E '"event":"(kill|throttle|release)|sending SIG|[Kk]illed' $S/sup.log | head -n 40 | sed "s/^/act| /"
echo "MT: supervisor log (tail)"; grep -v ConfigTypes $S/sup.log 2>/dev/null | tail -n 30 | sed "s/^/sup| /"
dmesg | grep -E 'oom-kill:|Killed process' | sed 's/^/kmsg| /'
[ "$swap" = zram ] && echo "MT: zram mm_stat $(cat /sys/block/zram0/mm_stat)"
if [ -f $S/extra.list ]; then
	xargs rmdir < $S/extra.list 2>/dev/null
	mt_log "extra cgroups removed: $(xargs ls -d < $S/extra.list 2>/dev/null | wc -l) left"
fi
mt_done
