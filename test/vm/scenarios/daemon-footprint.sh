#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=180
# The supervisor's own memory, for the DaemonSet's limit (issue 14):
# memtriaged in its own cgroup with memory.max at the DaemonSet's limit,
# mlockall'd, while it throttles (the first memory.high write starts
# libuv's 4 thread-pool threads, 8 MiB stacks each) and 16 clients -- the
# socket's max_clients -- hammer it. With MCL_ONFAULT the stacks are
# locked mappings (VmLck, which counts locked mappings' size, includes
# their 32 MiB) of which only the touched pages are resident (VmHWM, the
# peak RSS, stays small); populated, they alone would be 32 MiB of RSS.
# Then the limit must hold the measured peak (the larger of VmHWM and the
# cgroup's memory.peak) plus
# what this small guest cannot produce: the socket server's worst case
# (16 x (8 KiB request + 4 MiB pending reply), serve.h) and a large node's
# records (8 snapshots of ~0.5 MiB for 1,000 candidates, 256 records of a
# few KiB, ~2 KiB of state per watched cgroup for 1,000: 8 MiB together,
# main.c's figures rounded up). The host checks that LIMIT here is the
# DaemonSet's (host/daemon-footprint.sh).
. /lib/mt/lib.sh
mt_daemon_require
LIMIT_MI=128
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/slow"}, "priority": 100, "response": "throttle",
  "throttle": {"floor": "80%", "step": "5%", "interval_ms": 1000, "release_after_s": 3, "release_psi_some": 10}}' > $pol/slow.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_cg_make mtd memory.max=$((LIMIT_MI << 20)) memory.swap.max=0
mt_cg_make work/steady
mt_cg_make work/slow
mt_cg_run work/steady memhog --anon 96M > $MT_STATE/steady; steady=$MT_PID
mt_wait_for "steady holding" 60 grep -q state=holding $MT_STATE/steady

echo $$ > $CG/mtd/cgroup.procs
mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket /run/memtriage/memtriage.sock
echo $$ > $CG/cgroup.procs
export MEMTRIAGE_SOCKET=/run/memtriage/memtriage.sock
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_check_eq "memtriaged in mtd" "$(cat $CG/mtd/cgroup.procs)" "$MT_DAEMON_PID"
st() { awk -v k="$1:" '$1 == k { print $2 }' /proc/$MT_DAEMON_PID/status; }
lck_start=$(st VmLck)
mt_log "FOOTPRINT: at start VmLck=${lck_start}kB VmRSS=$(st VmRSS)kB Threads=$(st Threads)"

# the node near its bound first (holds begin at MemAvailable <= 2 x the 64 MiB reserve)
mt_fill_to 150 ballast
mt_cg_run work/slow memhog --anon 400M --rate 6 --for 6 > $MT_STATE/slow; slow=$MT_PID
mt_daemon_wait_log "work/slow throttled" 90 '"event":"throttle","cgroup":"work/slow"'
# The pool's threads exist once the first memory.high write is queued.
pool() { [ "$(st Threads)" -ge 5 ]; }
mt_wait_for "libuv's thread pool started (Threads >= 5)" 20 pool
memtriage-load --clients 16 --seconds 5 --cmd candidates | sed 's/^/load| /'
memtriage-load --clients 16 --seconds 5 --cmd history | sed 's/^/load| /'
memtriage-load --clients 16 --seconds 5 --cmd snapshot | sed 's/^/load| /'
lck=$(st VmLck) hwm=$(st VmHWM) threads=$(st Threads)
peak=$(cat $CG/mtd/memory.peak)
mt_log "FOOTPRINT: after throttles and 16 clients VmLck=${lck}kB VmHWM=${hwm}kB Threads=$threads memory.peak=$peak"
mt_check "memtriaged locked its memory (VmLck ${lck_start}kB at start)" [ "$lck_start" -gt 1024 ]
mt_check "VmLck with the pool running (${lck}kB) includes the 4 x 8 MiB stacks" [ "$lck" -ge $((lck_start + 32768)) ]
mt_check "VmHWM (${hwm}kB) below 16 MiB: the stacks resident only as far as touched" [ "$hwm" -lt 16384 ]
mt_check_eq "memtriaged's cgroup: no OOM" "$(mt_cg_key mtd memory.events oom)" 0
mt_check_eq "memtriaged's cgroup: memory.high/max hits" "$(mt_cg_key mtd memory.events max)" 0
socket_worst=$((16 * ((8 << 10) + (4 << 20))))
large_node=$((8 << 20))
[ $((hwm << 10)) -gt "$peak" ] && peak=$((hwm << 10))
need=$((peak + socket_worst + large_node))
mt_log "FOOTPRINT: peak $peak + socket worst case $socket_worst + large node $large_node = $need bytes; limit $((LIMIT_MI << 20))"
mt_check "measured peak + socket worst case + large node ($need) within the ${LIMIT_MI}Mi limit" [ "$need" -le $((LIMIT_MI << 20)) ]
mt_log "FOOTPRINT-LIMIT: ${LIMIT_MI}Mi"
kill $slow; wait $slow
mt_daemon_stop
kill -9 $steady $MT_FILL_PID 2>/dev/null
mt_done
