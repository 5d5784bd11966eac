#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=120
# Throttle with swap: a hold is memory.high only. Above it the kernel
# reclaims the held grower's own pages into swap -- the room it pays for
# (issue 16: the hold used to freeze memory.swap.high at the group's swap
# use, which kept it out of that room). While held, memory.current stays
# within memory.high + 16 MiB (the kernel's charge batching and reclaim lag;
# or, when the write lands late on a loaded host, within what it held when
# first seen held + 16 MiB), its swap grows, memory.swap.high stays max.
# With RAM far from its reserve the hold stays at its level (one write).
# Nothing dies, and an operator release restores memory.high.
. /lib/mt/lib.sh
mt_daemon_require
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/steady"}, "priority": 900, "response": "kill"}' > $pol/steady.json
echo '{"precedence": 100, "match": {"cgroup": "work/slow"}, "priority": 100, "response": "throttle",
  "throttle": {"floor": "80%", "step": "5%", "interval_ms": 1000, "release_after_s": 600, "release_psi_some": 1}}' > $pol/slow.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_cg_make work/steady
mt_cg_make work/slow
mt_cg_run work/steady memhog --anon 96M > $MT_STATE/steady; steady=$MT_PID
mt_wait_for "steady holding" 60 grep -q state=holding $MT_STATE/steady
mt_daemon_start --config /tmp/mt.json --policy-dir $pol
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_check "the reserve is split between RAM and swap (swap_reserve > 0)" \
	grep -Eq '"swap_reserve":[1-9]' $MT_STATE/memtriaged.log
# the node near its bound first (RAM reserve ~41 MiB of the 64 MiB with 256 MiB zram: near at MemAvailable <= ~82 MiB)
mt_fill_to 110 ballast
mt_cg_run work/slow memhog --anon 400M --rate 8 --for 22 --every 8 > $MT_STATE/slow; slow=$MT_PID
mt_daemon_wait_log "work/slow throttled" 40 '"event":"throttle","cgroup":"work/slow"'
line=$(grep -m1 '"event":"throttle","cgroup":"work/slow"' $MT_STATE/memtriaged.log)
mt_check "the throttle event names no swap limit" sh -c "! echo '$line' | grep -q swap_high"
mh=$(echo "$line" | sed -n 's/.*"memory_high":\([0-9]*\).*/\1/p')
limit=$((mh + 16 * 1048576))
mt_log "held at memory.high $mh; RAM bound $limit"
worst=0; first=0; swap0=0; swap1=0; swaphigh=max; i=0
while [ $i -lt 10 ]; do
	cur=$(mt_cg_get work/slow memory.current) sw=$(mt_cg_get work/slow memory.swap.current)
	[ $i = 0 ] && first=$cur && swap0=$sw
	swap1=$sw
	[ $cur -gt $worst ] && worst=$cur
	sh_=$(mt_cg_get work/slow memory.swap.high)
	[ "$sh_" = max ] || swaphigh=$sh_
	mt_log "held t=$i: memory.current $cur swap.current $sw (memory.high $(mt_cg_get work/slow memory.high), swap.high $sh_)"
	sleep 1; i=$((i + 1))
done
[ $first -gt $mh ] && limit=$((first + 16 * 1048576))
mt_check "held: RAM of work/slow ($worst) <= max(memory.high, first seen held $first) + 16 MiB ($limit)" [ $worst -le $limit ]
mt_check_gt "held: its swap grew (the room it pays for: $swap0 -> $swap1)" "$swap1" "$swap0"
mt_check_str "memory.swap.high while held" "$swaphigh" max
# While RAM is far from its reserve the hold is neither tightened nor
# re-held at the usage reclaim leaves below it (that ratchet squeezed 16.4 ->
# 14.2 MiB in 9 s). The held grower's zram pool takes RAM as it swaps, so
# RAM may come near its reserve during the run: then, and only then, a
# tightening step is the law (swap has room). Every write after the first
# must come from a decision whose node had RAM near its reserve.
writes=$(grep '"event":"throttle","cgroup":"work/slow"' $MT_STATE/memtriaged.log | sed -n 's/.*"decision":\([0-9]*\).*/\1/p')
n_writes=0; bad=0
for id in $writes; do
	n_writes=$((n_writes + 1))
	[ $n_writes = 1 ] && continue
	grep '"event":"decision"' $MT_STATE/memtriaged.log | grep "\"id\":$id}" | grep -q '"ram_near_reserve":true,' || bad=$((bad + 1))
done
mt_log "memory.high writes to work/slow: $n_writes (decisions $(echo $writes))"
mt_check_eq "writes after the first that came while RAM was far from its reserve" "$bad" 0
mt_wait_for "the leak stopped (memhog holding)" 40 grep -q state=holding $MT_STATE/slow
mt_check "memtriage release work/slow" memtriage release work/slow
mt_check "work/slow memory.high back to max" [ "$(mt_cg_get work/slow memory.high)" = max ]
mt_check "work/slow memory.swap.high still max" [ "$(mt_cg_get work/slow memory.swap.high)" = max ]
mt_check "release logged" grep -q '"event":"release","cgroup":"work/slow","memory_high":-1,"why"' $MT_STATE/memtriaged.log
mt_check_eq "kills" "$(mt_daemon_log_count '"event":"(kill|terminate)"')" 0
mt_check "slow alive" mt_alive $slow
mt_check "steady alive" mt_alive $steady
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $slow $steady $MT_FILL_PID 2>/dev/null
mt_done
