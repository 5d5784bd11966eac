#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=240
# One run of the peers comparison (test/bench/peers/run.sh boots this once per
# scenario x supervisor x swap x rate; the '# vm:' line above is rewritten
# per run for zram). Parameters from the kernel command line:
#   mt.scn=leak|multi|grow  mt.sup=SUPERVISOR  mt.swap=none|zram|disk
#   mt.rate=MIBPS|fill  mt.quick=0|1 (shorter windows, for the smoke test)
# Prints one "PEERS-ROW key=value..." line; the host turns rows into tables.
# Nothing here judges who won: a run fails only if it could not measure.
. /lib/mt/lib.sh

scn=$(mt_param scn leak) sup=$(mt_param sup kernel) swap=$(mt_param swap none)
rate=$(mt_param rate 50) quick=$(mt_param quick 0)
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
adj_of() { case $1 in valuable*) echo -997 ;; *) echo 1000 ;; esac; }
container() { # CGNAME
	mt_cg_make work/$1 memory.oom.group=$([ "$sup" = kernel-kubelet ] && echo 1 || echo 0)
}
proc() { # PNAME CGNAME COMM MEMHOG-ARGS...
	pn=$1 cg=$2 comm=$3; shift 3
	mt_cg_run work/$cg memhog --name "$comm" --random --every 1 --heartbeat $S/hb.$pn "$@" > $S/out.$pn
	eval "pid_$pn=$MT_PID"
	[ "$sup" = kernel-kubelet ] && echo "$(adj_of $comm)" > /proc/$MT_PID/oom_score_adj
	names="$names $pn=$MT_PID"
}
holding() { for pn in "$@"; do grep -q state=holding $S/out.$pn || return 1; done; }
last_mib() { tail -n 1 $S/out.$1 2>/dev/null | sed -n 's/.*anon_mib=\([0-9]*\).*/\1/p'; }

container valuable
container cheap1; container cheap2
case $scn in
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

# --- the supervisor, configured as test/bench/peers/README.md says.
reserve_kib=$(( ($(mt_meminfo MemTotal) + $(mt_meminfo SwapTotal)) * 5 / 100 ))
sup_pid=""
case $sup in
memtriaged-policy) memtriaged --config $P/memtriaged/config.json --policy-dir $P/memtriaged/policies --socket "" > $S/sup.log 2>&1 & sup_pid=$! ;;
memtriaged-default) memtriaged --socket "" > $S/sup.log 2>&1 & sup_pid=$! ;;
earlyoom)
	. $P/earlyoom.conf
	eval "set -- $EARLYOOM_ARGS"
	earlyoom "$@" > $S/sup.log 2>&1 & sup_pid=$! ;;
oomd)
	# memory_above on work at the same reserve the others keep: what work
	# holds now plus what is still available, less 5 % of RAM (oomd reads
	# memory.current, RAM only; swap is its swap_free ruleset's business).
	above=$(( $(cat $CG/work/memory.current) / 1024 + $(mt_meminfo MemAvailable) - $(mt_meminfo MemTotal) * 5 / 100 ))
	sed "s/@MEMORY_ABOVE@/${above}K/" $P/oomd.json > /tmp/oomd.json
	mt_log "oomd memory_above work threshold ${above}K"
	peerwatch --setxattr $CG/work/valuable trusted.oomd_avoid 1 || { mt_fail "trusted.oomd_avoid on work/valuable"; exit 1; }
	. $P/oomd.conf
	eval "set -- $OOMD_ARGS"
	oomd "$@" > $S/sup.log 2>&1 & sup_pid=$! ;;
kernel|kernel-kubelet) ;;
*) mt_fail "unknown mt.sup=$sup"; exit 1 ;;
esac
if [ -n "$sup_pid" ]; then
	case $sup in
	memtriaged-*) mt_wait_for "memtriaged ready" 60 grep -q '"event":"ready"' $S/sup.log ;;
	earlyoom) mt_wait_for "earlyoom running" 30 grep -q 'mem total' $S/sup.log ;;
	oomd) mt_wait_for "oomd running" 30 grep -qi 'running oomd' $S/sup.log ;;
	esac
	mt_check "$sup alive after start" mt_alive $sup_pid || { cat $S/sup.log; exit 1; }
fi

# --- the idle baseline: same boot, supervisor running, nothing growing.
reset_beats() { for pn in $(echo "$names" | sed 's/=[0-9]*//g'); do kill -USR1 $(eval echo \$pid_$pn) 2>/dev/null; done; }
gap_of() { sed -n 's/^max_gap_ms=\([0-9]*\).*/\1/p' $S/hb.$1; }
reset_beats
sleep $baseline
case $scn in grow) watched="valuable cheap1 cheap2 cheap3 cheap4" ;; *) watched=$bystanders ;; esac
for pn in $watched; do eval "base_$pn=$(gap_of $pn)"; done
reset_beats

# --- the episode.
kmsg0=$(dmesg | grep -c 'oom-kill:')
head0=$(( $(mt_meminfo MemAvailable) + $(mt_meminfo SwapFree) ))
case $scn in
leak|multi)
	r=""; [ "$rate" != fill ] && r="--rate $rate"
	end=leaker
	if [ $scn = leak ]; then container leaky; proc leaker leaky cheap --anon inf $r
	else proc leaker multi cheap --anon inf $r; fi ;;
grow)
	# Grow past the room above the reserve by 1.5 cheap containers: two
	# kills of 40M are the least that makes room. zram holding incompressible
	# pages saves nothing, so only disk swap counts as room.
	room=$(( $(mt_meminfo MemAvailable) - reserve_kib ))
	[ "$swap" = disk ] && room=$(( room + $(mt_meminfo SwapFree) ))
	grow_mib=$(( room / 1024 + 60 ))
	need=2
	r=""; [ "$rate" != fill ] && r="--rate $rate"
	end=valuable
	# The grower is the running valuable process: a second process in its
	# container does the growing (its heartbeat is the valuable one's).
	proc grower valuable valuable --anon ${grow_mib}M $r ;;
esac
if [ $scn = grow ]; then
	peerwatch --reserve-kib $reserve_kib ${sup_pid:+--supervisor $sup_pid} --end grower --settle $settle \
		--timeout $episode $names > $S/watch.out &
	pw=$!
	( while ! holding grower; do sleep 0.2; mt_alive $pw || exit 0; done; kill -USR1 $pw ) &
else
	peerwatch --reserve-kib $reserve_kib ${sup_pid:+--supervisor $sup_pid} --end leaker --settle $settle \
		--timeout $episode $names > $S/watch.out &
	pw=$!
fi
wait $pw
cat $S/watch.out
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
esac
killed=${killed#,}; gaps=${gaps#,}
cross=$(w cross_ms)
if [ $scn = grow ]; then t_end=$(w elapsed_ms); [ "$(w end)" = signal ] || t_end=-
	leak_mib=$(last_mib grower)
else t_end=$(death_ms leaker); leak_mib=$(last_mib leaker); fi
# "before": the kill came before the headroom ever fell below the reserve.
if [ -n "$t_end" ] && [ "$t_end" != - ]; then
	if [ "$cross" != - ]; then cross_to_kill=$((t_end - cross)); else cross_to_kill=before; fi
else cross_to_kill=-; fi
[ $scn = leak ] || [ $scn = multi ] || cross_to_kill=-
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
	"decisions=$decisions throttles=$throttles min_headroom_kib=$(w min_headroom_kib) head0_kib=$head0 reserve_kib=$reserve_kib${need:+ need=$need}"
echo "MT: supervisor actions"; grep -E '"event":"(kill|throttle|release)|sending SIG|[Kk]illed' $S/sup.log | head -n 40 | sed "s/^/act| /"
echo "MT: supervisor log (tail)"; grep -v ConfigTypes $S/sup.log 2>/dev/null | tail -n 30 | sed "s/^/sup| /"
dmesg | grep -E 'oom-kill:|Killed process' | sed 's/^/kmsg| /'
mt_done
