#!/bin/sh
# usage: test/bench/control-law.sh BUILD_DIR [GUEST_BOOTS]
# The control law's groundwork (issue 16; the tables of doc/control-law.md):
#   1. natively on this host: faultrate with 1 and nproc processes (3 runs
#      each), the cost of reading /proc/meminfo;
#   2. GUEST_BOOTS (default 1) boots of test/bench/control-law-guest.sh
#      (512 MiB, 2 vCPUs, TCG; each repeats every guest measurement
#      mt.lb_reps=3 times);
# then prints every table, each cell "median (min-max)" over all runs.
# The guests run under nice -n 10 (the machine is shared). Raw lines and
# console logs stay in BUILD_DIR/test/bench/control-law/.
# LB_ONLY_TABLE=1 re-tabulates the raw lines already there, running nothing.
# MT_VM_APPEND passes through (e.g. "mt.lb_reps=1 mt.lb_parts=fault" to try).
# Nothing here touches the host's cgroups: the native part maps and touches
# anonymous memory and reads /proc/meminfo, nothing else.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [GUEST_BOOTS]" >&2; exit 2; }
build=$(cd "$1" && pwd) boots=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)
out=$build/test/bench/control-law
mkdir -p "$out"
raw=$out/lines

if [ "${LB_ONLY_TABLE:-}" != 1 ]; then
	: > "$raw"
	b=$build/test/bench
	# The same warm-up as the guest's: the first touch of fresh memory costs more.
	"$b/faultrate" --mib 256 >/dev/null
	n=$(nproc)
	for procs in 1 $n; do
		for mode in touch populate fill; do
			nice -n 10 "$b/faultrate" --procs "$procs" --mib 256 --mode "$mode" --repeat 3
		done
		nice -n 10 "$b/faultrate" --procs "$procs" --mib 256 --mode touch --thp on --repeat 3
	done | sed 's/^/native /' >> "$raw"
	"$b/samplecost" --rounds 2000 | sed 's/^/native /' >> "$raw"
	i=1
	while [ "$i" -le "$boots" ]; do
		# no_timer_check: on a loaded host TCG can miss the kernel's early
		# timer check ("IO-APIC + timer doesn't work!", a panic before
		# /init); seen once here. One retry for any other boot failure.
		for _ in 1 2; do
			rc=0
			MT_VM_APPEND="no_timer_check ${MT_VM_APPEND:-}" MT_VM_TIMEOUT=${MT_VM_TIMEOUT:-2400} \
				nice -n 10 "$here/../vm/run.sh" "$here/control-law-guest.sh" "$build" \
				> "$out/run-$i.out" 2>&1 || rc=$?
			grep -q 'guest_boot_to_init_ms=none' "$out/run-$i.out" || break
		done
		cp "$build/test/vm/control-law-guest/console.log" "$out/console-$i.log"
		tail -n 1 "$out/run-$i.out"
		[ "$rc" -eq 0 ] || { echo "control-law.sh: guest boot $i failed (exit $rc): $out/run-$i.out" >&2; exit 1; }
		sed -n 's/^LB: /guest /p' "$out/console-$i.log" >> "$raw"
		i=$((i + 1))
	done
fi

echo "## control-law groundwork: $(date -u '+%Y-%m-%d %H:%M UTC'), host $(uname -r), $(nproc) CPUs," \
	"load $(cut -d' ' -f1-3 /proc/loadavg)"
sed -n 's/^guest env /guest: /p' "$raw" | sort -u
echo "reproduce: $0 $1 $boots"
echo
awk -f "$here/control-law-table.awk" "$raw"
