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

if mt_daemon_can_run; then
	echo "MT-DEMO: mode=daemon: showing memtriaged's own output"
	# The demo's declared priorities, one policy file per workload.
	pol=/tmp/demo-policies
	mkdir -p $pol
	echo '{"precedence": 0, "match": {}, "protected": true, "description": "the guest itself"}' > $pol/rest.json
	echo '{"precedence": 100, "match": {"cgroup": "demo/db"}, "priority": 900, "response": "kill", "description": "a database: costly to lose"}' > $pol/db.json
	echo '{"precedence": 100, "match": {"cgroup": "demo/web"}, "priority": 500, "response": "throttle-then-kill", "description": "a web tier"}' > $pol/web.json
	echo '{"precedence": 100, "match": {"cgroup": "demo/batch"}, "priority": 100, "response": "throttle-then-kill", "description": "batch work: cheapest"}' > $pol/batch.json
	echo '{"reserve": "64Mi", "horizon_s": 20}' > /tmp/demo.json
	mt_daemon_start --config /tmp/demo.json --policy-dir $pol --log-format text
	tail -f $MT_STATE/memtriaged.log &
else
	echo "MT-DEMO: mode=figures: memtriaged cannot run here yet ($(head -n 1 $MT_STATE/check-host.log));" \
		"showing the containers' live cgroup figures instead"
fi

t=0
while [ "$seconds" = 0 ] || [ $t -lt "$seconds" ]; do
	sleep 1; t=$((t + 1))
	if [ -n "${MT_DAEMON_PID:-}" ]; then
		mt_alive $MT_DAEMON_PID || { echo "MT-DEMO: memtriaged exited"; break; }
		# The daemon speaks for itself; a figures line every 10 s for context.
		[ $((t % 10)) = 0 ] && figures $t
	else
		figures $t
	fi
done
[ -n "${MT_DAEMON_PID:-}" ] && mt_daemon_stop
mt_done
