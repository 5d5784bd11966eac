#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=2400
# The control law's groundwork in the guest (issue 16, doc/control-law.md).
# Not in the vm suite; run through the host driver, which prints the tables:
#   ./test/bench/control-law.sh build
# or alone (raw LB: lines in the console log):
#   nice -n 10 ./test/vm/run.sh test/bench/control-law-guest.sh build
# Parts (mt.lb_parts=fault,notify,sample,kill selects; mt.lb_reps=N repeats;
# mt.lb_rates=50,400,0 and mt.lb_modes=high,high-local,psi-some,psi-full,meminfo,low
# narrow the notify part):
#   fault   faultrate, 1 and 2 processes (= vCPUs)
#   notify  notelat: each notification for a leak at 50, 400 MiB/s and the
#           fill limit, beside a 160 MiB protected ballast (the valuable
#           container), threshold = 64 MiB of MemAvailable left
#   sample  samplecost for 1, 100, 1000 cgroups
#   kill    killlat for 100 and 400 MiB, without swap, then with zram
# Every tool's exit status is checked; figures are never asserted.
. /lib/mt/lib.sh
REPS=$(mt_param lb_reps 3)
PARTS=$(mt_param lb_parts fault,notify,sample,kill)
RATES=$(mt_param lb_rates "50 400 0" | tr , ' ')
MODES=$(mt_param lb_modes high,high-local,psi-some,psi-full,meminfo,low)
has() { case ",$PARTS," in *,$1,*) return 0 ;; esac; return 1; }
has_mode() { case ",$MODES," in *,$1,*) return 0 ;; esac; return 1; }
# lb TOOL ARGS...: one measurement; its line(s) prefixed "LB: ", a failure checked.
lb() {
	out=$("$@" 2>&1); rc=$?
	echo "$out" | sed 's/^/LB: /'
	[ $rc -eq 0 ] || mt_fail "$* exited $rc"
}
mt_log "lb: kernel $(uname -r) thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)" \
	"MemAvailable=$(mt_meminfo MemAvailable)k reps=$REPS parts=$PARTS"
echo "LB: env kernel=$(uname -r) nproc=$(nproc) memtotal_kib=$(mt_meminfo MemTotal) thp='$(cat /sys/kernel/mm/transparent_hugepage/enabled)'"

# Warm-up: QEMU backs guest RAM lazily, so the guest's first touch of each
# page also faults on the host (seen: 55 MiB/s cold, 200+ warm). A node
# that has run for a while has touched its RAM; measure that.
faultrate --mib 384 --mode touch >/dev/null || mt_fail "warm-up faultrate"

if has fault; then
	for procs in 1 2; do
		for mode in touch populate fill; do
			lb faultrate --procs $procs --mib 96 --mode $mode --repeat $REPS
		done
		lb faultrate --procs $procs --mib 96 --mode touch --thp on --repeat $REPS
	done
fi

if has notify; then
	# The ballast: a large valuable container, out of the OOM killer's
	# reach (victim choice is not measured here), memory.low for mode low.
	mt_cg_make ballast
	mt_cg_run ballast memhog --anon 160M --every 1000
	ballast=$MT_PID
	mt_wait_for "ballast filled" 60 sh -c "[ \$(cat $CG/ballast/memory.current) -ge $((160 << 20)) ]"
	echo -1000 > /proc/$ballast/oom_score_adj
	mt_cg_make lawbench
	echo "$MT_CONTROLLERS" > $CG/lawbench/cgroup.subtree_control
	r=1
	while [ $r -le $REPS ]; do
		for rate in $RATES; do
			for m in "high" "high --release-ms 1000" "high-local" "psi-some" "psi-full" \
				"meminfo --poll-ms 10" "meminfo --poll-ms 50" "meminfo --poll-ms 100" "low"; do
				set -- $m
				has_mode "$1" || continue
				extra=""
				if [ "$1" = low ]; then
					echo max > $CG/ballast/memory.low
					extra="--watch $CG/ballast"
				fi
				sleep 0.5
				lb notelat --cgroup $CG/lawbench --rate $rate --mode $m $extra
				echo 0 > $CG/ballast/memory.low
			done
		done
		r=$((r + 1))
	done
	echo "LB: env kernel_oom_kills=$(mt_kernel_oom_kills)"
	kill -9 $ballast; wait $ballast 2>/dev/null
fi

if has sample; then
	mt_cg_make sample
	echo "$MT_CONTROLLERS" > $CG/sample/cgroup.subtree_control
	r=1
	while [ $r -le $REPS ]; do
		for n in 1 100 1000; do
			rounds=200; [ $n -ge 1000 ] && rounds=40
			lb samplecost --dir $CG/sample --n $n --rounds $rounds
		done
		r=$((r + 1))
	done
fi

if has kill; then
	r=1
	while [ $r -le $REPS ]; do
		for mib in 100 400; do
			lb killlat --cgroup $CG/kill-$r-$mib --mib $mib
			sleep 0.5
		done
		r=$((r + 1))
	done
	for m in zsmalloc lzo lzo-rle zram; do insmod /lib/modules/mt/$m.ko || mt_fail "insmod $m"; done
	echo 384M > /sys/block/zram0/disksize && mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 ||
		mt_fail "zram swap on"
	echo "LB: env swap_total_kib=$(mt_meminfo SwapTotal)"
	r=1
	while [ $r -le $REPS ]; do
		for mib in 100 400; do
			# Half of the group in RAM, half pushed to zram by memory.max.
			lb killlat --cgroup $CG/zkill-$r-$mib --mib $mib --ram-mib $((mib / 2))
			sleep 0.5
		done
		r=$((r + 1))
	done
fi
mt_done
