# Shared by scenarios/zram-ratio-random.sh and zram-ratio-pattern.sh (their
# headers say what each asserts and why): zram_ratio_scenario random|pattern.
# Fills zram through a holder under memory.max, lets memtriaged take
# snapshots while a small grower grows, and checks its zram inputs and the
# replayed decision's ratio against /proc/swaps and mm_stat.
zram_ratio_scenario() {
	MODE=$1
	mt_daemon_require
	pol=/tmp/policies
	mkdir -p $pol
	# Nothing may be throttled or killed: the scenario reads figures only.
	echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
	# A large reserve: MemAvailable is within twice the RAM reserve (40 % of
	# RAM) from the start, so the node is "near" and decisions (and
	# snapshots) run every 500 ms while the grower grows; nothing can be held
	# or killed.
	echo '{"reserve": "40%"}' > /tmp/mt.json
	sock=/run/memtriage/memtriage.sock
	export MEMTRIAGE_SOCKET=$sock
	mt_log "swaps hex: $(od -An -tx1 -v /proc/swaps | tr -d "\n")"
	mt_log "mm_stat empty hex: $(od -An -tx1 -v /sys/block/zram0/mm_stat | tr -d "\n")"

	mt_cg_make work/hold memory.max=48M
	mt_cg_make work/grow
	flag=; [ $MODE = random ] && flag=--random
	mt_cg_run work/hold memhog --anon 144M $flag --every 32 > $MT_STATE/hold; hold=$MT_PID
	mt_wait_for "holder at 144 MiB" 90 grep -q state=holding $MT_STATE/hold
	mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket $sock
	mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
	mt_cg_run work/grow memhog --anon 96M --rate 2 --every 8 > $MT_STATE/grow; grow=$MT_PID
	# the first snapshot after the grower started
	mt_wait_for "a snapshot" 30 sh -c "memtriage snapshot > /tmp/snap0.json 2>/dev/null"
	sleep 3
	memtriage snapshot > /tmp/snap.json
	mt_check_eq "memtriage snapshot exit status" $? 0
	# what the kernel says, right after
	swaps=$(awk '$1 ~ /^\/dev\/zram/ { print $3 * 1024, $4 * 1024 }' /proc/swaps)
	mm=$(cat /sys/block/zram0/mm_stat)
	mt_log "swaps hex: $(od -An -tx1 -v /proc/swaps | tr -d "\n")"
	mt_log "mm_stat hex: $(od -An -tx1 -v /sys/block/zram0/mm_stat | tr -d "\n")"
	ktotal=${swaps% *}; kused=${swaps#* }
	korig=$(echo $mm | awk '{ print $1 }'); kpool=$(echo $mm | awk '{ print $3 }')
	flat=$(tr -d ' \n' < /tmp/snap.json)
	zfield() { echo "$flat" | sed -n "s/.*\"zram\":{[^}]*\"$1\":\([0-9.]*\).*/\1/p"; }
	stotal=$(zfield swap_total); sfree=$(zfield swap_free)
	sorig=$(zfield orig_data_size); spool=$(zfield mem_used_total)
	mt_log "snapshot zram: swap_total=$stotal swap_free=$sfree orig=$sorig pool=$spool;" \
		"kernel: size=$ktotal used=$kused orig=$korig pool=$kpool"
	mt_check_eq "zram swap_total = /proc/swaps Size" "$stotal" "$ktotal"
	near() { # desc a b: |a - b| <= 1 MiB
		mt_check_le "$1: |$2 - $3|" "$(awk -v a=$2 -v b=$3 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%d\n", d }')" 1048576
	}
	near "zram swap used vs /proc/swaps Used" $((stotal - sfree)) "$kused"
	near "zram orig_data_size vs mm_stat" "$sorig" "$korig"
	near "zram mem_used_total vs mm_stat" "$spool" "$kpool"
	# the decision replayed from the snapshot: the measured ratio in use
	memtriage simulate /tmp/snap.json -o json > /tmp/dec.json
	mt_check_eq "memtriage simulate exit status" $? 0
	dflat=$(tr -d ' \n' < /tmp/dec.json)
	mt_log "decision node: $(echo "$dflat" | sed -n 's/.*"node":\({[^}]*}[^}]*}\).*/\1/p')"
	mt_check "ratio measured" sh -c "echo '$dflat' | grep -q '\"ratio_measured\":true'"
	ratio=$(echo "$dflat" | sed -n 's/.*"ratio":\([0-9.]*\).*/\1/p')
	want=$(awk -v o=$sorig -v p=$spool 'BEGIN { printf "%.4f\n", o / p }')
	mt_log "ratio: decision $ratio, orig/pool from the snapshot $want, kernel now $(awk -v o=$korig -v p=$kpool 'BEGIN { printf "%.4f\n", o / p }')"
	mt_check "decision ratio = snapshot orig / mem_used" awk -v a=$ratio -v b=$want 'BEGIN { exit !(a - b < 0.001 && b - a < 0.001) }'
	if [ $MODE = random ]; then
		mt_check "ratio within [0.95, 1.05]" awk -v r=$ratio 'BEGIN { exit !(r >= 0.95 && r <= 1.05) }'
	else
		mt_check "ratio >= 10" awk -v r=$ratio 'BEGIN { exit !(r >= 10) }'
	fi
	# commit, bound and room with zram at f = 1 - 1/r, for the record (the
	# arithmetic is checked exactly in test/unit/test_zram_node.c)
	dfield() { echo "$dflat" | sed -n "s/.*\"node\":{[^}]*\"$1\":\([0-9]*\).*/\1/p"; }
	mt_log "commit=$(dfield commit) bound=$(dfield bound) swap_room=$(dfield swap_room)"
	mt_check "holder alive" mt_alive $hold
	mt_check_no_kernel_oom
	mt_daemon_stop
	kill -9 $hold $grow 2>/dev/null
	mt_done
}
