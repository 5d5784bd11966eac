#!/bin/sh
# vm: mem=512M cpus=2 zram=64M timeout=180
# The log never blocks the loop (issues 13 item 6, 14): memtriaged's stderr
# is a FIFO that nobody reads (full after 64 KiB) and it logs at debug, one
# line per request; clients flood the socket with valid requests and with
# bad ones for FLOOD_S seconds. Meanwhile the daemon must answer `status`
# and kill a group that crosses its memory.max. Then a reader drains the
# FIFO: the kill record is there, the bad-request lines were rate-limited
# (10 per 5 s, the suppressed counted), and every debug line either arrived
# or was counted in the log-dropped line, which counts no kill record.
. /lib/mt/lib.sh
FLOOD_S=$(mt_param flood 15)
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
fifo=/tmp/log.fifo
mkfifo $fifo
exec 3<>$fifo # holds the FIFO open and never reads it: the daemon's writes fill it
# A 32 KiB queue: under TCG the flood is ~100 requests/s, ~200 KB of debug
# lines in 15 s, well past the queue and the pipe's 64 KiB.
MEMTRIAGE_LOG_QUEUE_BYTES=32768 memtriaged --policy-dir $pol --socket $sock --log-level debug 2>$fifo >/dev/null &
pid=$!
mt_wait_for "the socket answers" 30 sh -c "memtriage status >/dev/null 2>&1"

memtriage-load --socket $sock --clients 3 --seconds $FLOOD_S --cmd status > $MT_STATE/load.status &
ls=$!
memtriage-load --socket $sock --clients 1 --seconds $FLOOD_S --cmd bogus > $MT_STATE/load.bad &
lb=$!
sleep 2
asked=0 answered=0
while [ $asked -lt 5 ]; do
	memtriage status >/dev/null 2>>$MT_STATE/status.err && answered=$((answered + 1))
	asked=$((asked + 1))
	sleep 0.5
done
mt_check_eq "status answered (5 s timeout each) while the log is stalled" $answered $asked
mkdir $CG/bench/leak
evlat $CG/bench/leak 4 4 > $MT_STATE/evlat.out &
ev=$!
gone() { ! kill -0 $ev 2>/dev/null; }
mt_wait_for "bench/leak killed while the log is stalled" 30 gone
mt_check "the flood still running after the kill" kill -0 $ls
mt_check "the kill recorded (history, over the socket)" sh -c \
	"memtriage history -o json | grep -q '\"path\": \"bench/leak\"'"
wait $ls $lb
cat $MT_STATE/load.status $MT_STATE/load.bad | sed 's/^/load| /'
served=$(sed -n 's/.* replies=\([0-9]*\) .*/\1/p' $MT_STATE/load.status)
bad=$(sed -n 's/.* errors=\([0-9]*\) .*/\1/p' $MT_STATE/load.bad)
mt_check_gt "status requests served during the flood" "$served" 300
mt_check_gt "bad requests answered during the flood" "$bad" 100

# Drain: the queue empties, then one log-dropped line.
cat $fifo > $MT_STATE/drained.log &
exec 3<&-
mt_wait_for "the log drained" 30 grep -q '"event":"log-dropped"' $MT_STATE/drained.log
mt_check_eq "kill records in the log" "$(grep -c '"event":"kill",.*"cgroup":"bench/leak"' $MT_STATE/drained.log)" 1
drop=$(grep '"event":"log-dropped"' $MT_STATE/drained.log | head -n 1)
echo "MT: $drop"
mt_check_eq "log-dropped lines" "$(grep -c '"event":"log-dropped"' $MT_STATE/drained.log)" 1
mt_check_eq "kill records dropped" "$(echo "$drop" | sed -n 's/.*"kill_records":\([0-9]*\).*/\1/p')" 0
mt_check_eq "lines lost to write errors" "$(echo "$drop" | sed -n 's/.*"write_errors":\([0-9]*\).*/\1/p')" 0
# One debug line per status request served (and one per connection): what
# arrived plus what was dropped accounts for every request.
dropped_debug=$(echo "$drop" | sed -n 's/.*"debug":\([0-9]*\).*/\1/p')
got_debug=$(grep -c '"level":"debug","event":"socket","msg":"peer [^"]*: status"' $MT_STATE/drained.log)
mt_check_gt "debug lines dropped (the queue overflowed)" "${dropped_debug:-0}" 0
mt_check_ge "debug status lines arrived + dropped >= status requests served" $((got_debug + ${dropped_debug:-0})) $served
mt_check_le "... and not more than those plus the other debug lines" $((got_debug + ${dropped_debug:-0})) $((served + 200))
# Bad requests: at most 10 per 5 s window through the rate limit.
nbad=$(grep -c 'bad request' $MT_STATE/drained.log)
mt_check_le "bad-request lines (10 per 5 s)" $nbad $(( (FLOOD_S / 5 + 2) * 10 ))
mt_check_gt "a bad-request line says how many were suppressed" \
	"$(grep -c 'bad request.*similar lines suppressed before this one' $MT_STATE/drained.log)" 0
kill -TERM $pid
wait $pid; rc=$?
mt_check_eq "memtriaged exit status after SIGTERM" $rc 0
grep -v '"level":"debug"' $MT_STATE/drained.log | grep -v 'bad request' | cut -c1-300 | sed 's/^/memtriaged| /' | tail -n 40
mt_done
