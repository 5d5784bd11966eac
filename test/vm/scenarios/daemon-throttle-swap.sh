#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=120
# Throttle with swap: memory.high alone lets the kernel reclaim a held
# grower's anon into swap, so its commit (RAM + swap) keeps growing at full
# speed. memtriaged also sets memory.swap.high to the group's swap use when
# the hold begins: while held, memory.current + memory.swap.current stays
# within memory.high + memory.swap.high (as first written) + 16 MiB (the
# kernel's charge batching and reclaim lag) -- or, when the writes land
# late (on a loaded host the write's reclaim can take seconds while the
# grower runs on; seen: 19 MiB at the decision, 37 MiB when the hold was in
# place), within what it held when first seen held + 16 MiB: memory.high
# is a throttle point, not a limit, and a group above it with its swap
# held is throttled where it stands. Nothing dies, and an operator release
# restores both limits.
. /lib/mt/lib.sh
mt_daemon_can_run || { mt_fail "memtriaged --check-host: $(cat $MT_STATE/check-host.log)"; mt_done; exit 0; }
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
mt_daemon_wait_log "work/slow throttled with a swap hold" 40 '"event":"throttle","cgroup":"work/slow".*"swap_high":'
line=$(grep -m1 '"event":"throttle","cgroup":"work/slow"' $MT_STATE/memtriaged.log)
mh=$(echo "$line" | sed -n 's/.*"memory_high":\([0-9]*\).*/\1/p')
sh_=$(echo "$line" | sed -n 's/.*"swap_high":\([0-9]*\).*/\1/p')
mt_check "memory.swap.high is a number while held ($(mt_cg_get work/slow memory.swap.high))" mt_is_int "$(mt_cg_get work/slow memory.swap.high)"
limit=$((mh + sh_ + 16 * 1048576))
mt_log "held at memory.high $mh + memory.swap.high $sh_; bound $limit"
worst=0; first=0; last=0; i=0
while [ $i -lt 10 ]; do
	tot=$(( $(mt_cg_get work/slow memory.current) + $(mt_cg_get work/slow memory.swap.current) ))
	[ $i = 0 ] && first=$tot
	last=$tot
	[ $tot -gt $worst ] && worst=$tot
	mt_log "held t=$i: memory.current+swap.current $tot (memory.high $(mt_cg_get work/slow memory.high), swap.high $(mt_cg_get work/slow memory.swap.high))"
	sleep 1; i=$((i + 1))
done
[ $first -gt $((mh + sh_)) ] && limit=$((first + 16 * 1048576))
mt_check "held: RAM + swap of work/slow ($worst) <= max(memory.high + swap.high, first seen held $first) + 16 MiB ($limit)" [ $worst -le $limit ]
mt_check "held: grew under 16 MiB in 9 s (unheld: 72 MiB) ($first -> $last)" [ $((last - first)) -lt $((16 * 1048576)) ]
mt_wait_for "the leak stopped (memhog holding)" 40 grep -q state=holding $MT_STATE/slow
mt_check "memtriage release work/slow" memtriage release work/slow
mt_check "work/slow memory.high back to max" [ "$(mt_cg_get work/slow memory.high)" = max ]
mt_check "work/slow memory.swap.high back to max" [ "$(mt_cg_get work/slow memory.swap.high)" = max ]
mt_check "release logged with both limits" grep -q '"event":"release","cgroup":"work/slow","memory_high":-1,"swap_high":-1' $MT_STATE/memtriaged.log
mt_check_eq "kills" "$(mt_daemon_log_count '"event":"(kill|terminate)"')" 0
mt_check "slow alive" mt_alive $slow
mt_check "steady alive" mt_alive $steady
mt_check_no_kernel_oom
mt_daemon_stop
kill -9 $slow $steady $MT_FILL_PID 2>/dev/null
mt_done
