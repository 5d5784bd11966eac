#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=0
# The sandbox demo: three containers with declared priorities, one leaking.
# If memtriaged runs in this guest, its own output is shown live; until it
# does, the containers' cgroup figures are, once a second. mt.seconds=N on
# the kernel command line ends the demo after N seconds (0: until Ctrl-C).
. /lib/mt/lib.sh

seconds=$(mt_param seconds 0)
# name priority memhog-arguments (what kind of container it plays)
CONTAINERS="
db    high   --anon 96M
web   medium --procs 2 --anon 32M
batch low    --anon inf --rate 8 --every 8
"
echo "$CONTAINERS" | while read -r name prio args; do
	[ -n "$name" ] || continue
	mt_cg_make demo/$name
	echo "$prio" > $MT_STATE/prio.$name
	# shellcheck disable=SC2086
	mt_cg_run demo/$name memhog $args > $MT_STATE/hog.$name
	echo "MT-DEMO: container $name priority=$prio: memhog $args (pid $MT_PID)"
done
echo "MT-DEMO: batch leaks 8 MiB/s; RAM $(( $(mt_meminfo MemTotal) / 1024 )) MiB, zram swap $(( $(mt_meminfo SwapTotal) / 1024 )) MiB"

mib() { echo $(( $1 / 1048576 )); }
avg10() { awk -v k="$2" '$1 == k { sub("avg10=", "", $2); print $2 }' "$CG/demo/$1/memory.pressure"; }
figures() {
	printf 'MT-DEMO t=%ss  %-6s %-7s %8s %8s %5s %5s %9s %10s %10s\n' "$1" name prio "cur MiB" "swp MiB" high max oom_kill "psi some10" "psi full10"
	for name in db web batch; do
		printf 'MT-DEMO t=%ss  %-6s %-7s %8s %8s %5s %5s %9s %10s %10s\n' "$1" $name "$(cat $MT_STATE/prio.$name)" \
			"$(mib "$(mt_cg_get demo/$name memory.current)")" "$(mib "$(mt_cg_get demo/$name memory.swap.current)")" \
			"$(mt_cg_key demo/$name memory.events high)" "$(mt_cg_key demo/$name memory.events max)" \
			"$(mt_cg_key demo/$name memory.events oom_kill)" "$(avg10 $name some)" "$(avg10 $name full)"
	done
	echo "MT-DEMO t=${1}s  node: MemAvailable $(( $(mt_meminfo MemAvailable) / 1024 )) MiB, SwapFree $(( $(mt_meminfo SwapFree) / 1024 )) MiB, kernel OOM kills $(mt_kernel_oom_kills)"
}

if ! mt_daemon_can_run; then
	mt_fail "memtriaged --check-host: $(cat $MT_STATE/check-host.log)"
	mt_done
	exit 0
fi
echo "MT-DEMO: showing memtriaged's own output"
# The demo's declared priorities, one policy file per workload.
pol=/tmp/demo-policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true, "description": "the guest itself"}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "demo/db"}, "priority": 900, "response": "kill", "description": "a database: costly to lose"}' > $pol/db.json
echo '{"precedence": 100, "match": {"cgroup": "demo/web"}, "priority": 500, "response": "throttle-then-kill", "description": "a web tier"}' > $pol/web.json
echo '{"precedence": 100, "match": {"cgroup": "demo/batch"}, "priority": 100, "response": "throttle-then-kill",
  "throttle": {"floor": "50%", "step": "10%", "interval_ms": 1000},
  "pressure": {"some": 20, "window_ms": 1000, "sustain_s": 15},
  "description": "batch work: cheapest; held first, killed if it stalls beyond 20% for 15 s"}' > $pol/batch.json
# batch is held once commit nears the bound (RAM within one RAM reserve of
# its own, or the headroom within the reserve; never on a projection), then
# pays for its growth with swap; killed at its pressure tolerance or at the
# bound (policies/README.md, "Every hold ends")
echo '{"reserve": "64Mi"}' > /tmp/demo.json
echo "MT-DEMO: batch: throttle-then-kill, pressure tolerance some 20% of 1 s windows for 15 s"
# db and web at their working size first: the growth memtriaged
# should see is batch's leak, not the others' start-up
mt_wait_for "db and web at their working size" 60 sh -c \
	"grep -q state=holding $MT_STATE/hog.db && grep -q state=holding $MT_STATE/hog.web"
mt_daemon_start --config /tmp/demo.json --policy-dir $pol
# memtriaged's JSON lines, one readable line per action (all of it
# is printed when the demo ends)
tail -f $MT_STATE/memtriaged.log | awk -v t0="$(date +%s)" '
function num(k) { return match($0, "\"" k "\":-?[0-9.]+") ? substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 3) : "" }
function str(k) { return match($0, "\"" k "\":\"[^\"]*\"") ? substr($0, RSTART + length(k) + 4, RLENGTH - length(k) - 5) : "" }
function mib(v) { return v == "" ? "-" : v == -1 ? "max" : sprintf("%.1f MiB", v / 1048576) }
function say(m) { printf "MEMTRIAGED t=%ss  %s\n", systime() - t0, m; fflush() }
/"event":"ready"/ { say("ready: " num("candidates") " candidates; reserve RAM " mib(num("ram_reserve")) ", swap " mib(num("swap_reserve"))) }
/"event":"throttle"/ { say("throttle " str("cgroup") ": memory.high " mib(num("memory_high"))) }
/"event":"release"/ { say("release " str("cgroup") " (" str("why") "): memory.high " mib(num("memory_high"))) }
/"event":"decision".*"trigger":"pressure"/ { say("pressure: " str("detail") " stalled " num("stalled_ms") " ms beyond its tolerance (" str("kind") " " num("percent") "% for " num("sustain_s") " s): kill the group") }
/"event":"decision".*"action":"kill"/ && !/"trigger":"pressure"/ { t = match($0, "\"targets\":\\[[^]]*\\]") ? substr($0, RSTART + 10, RLENGTH - 10) : "?"; say("decision: kill " t " (trigger " str("trigger") ")") }
/"event":"terminate"/ { say("SIGTERM " str("cgroup")) }
/"event":"kill"/ { say("kill " str("cgroup") ": " str("method") ", " num("pids") " processes") }
/"event":"kill-done"/ { say("kill done " str("cgroup") ": took " num("took_ms") " ms, freed " mib(num("measured_group_bytes"))) }
/"event":"kernel-oom-kill"/ { say("the kernel OOM-killed in " str("cgroup")) }' &
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'

t=0
while [ "$seconds" = 0 ] || [ $t -lt "$seconds" ]; do
	sleep 1; t=$((t + 1))
	mt_alive $MT_DAEMON_PID || { mt_fail "memtriaged exited during the demo"; break; }
	# The daemon speaks for itself (MEMTRIAGED lines); figures every 10 s
	# for context.
	[ $((t % 10)) = 0 ] && figures $t
done
mt_daemon_stop
mt_done
