# Guest library for the real-kernel scenarios (busybox sh). Sourced by /init
# and by every scenario. Contract with the host runner (test/vm/run.sh):
#   - mt_boot prints "MT-BOOT: uptime_ms=N" once /init runs;
#   - every check prints "MT-CHECK: ok ..." or "MT-CHECK: FAIL ...";
#   - /init prints exactly one "MT-RESULT: PASS" or "MT-RESULT: FAIL <why>".
# A scenario passes only if it called mt_done, exited 0 and no check failed.

CG=/sys/fs/cgroup
MT_STATE=/tmp/mt
MT_CONTROLLERS="+memory +cpu +io +pids"

mt_log() { echo "MT: $*"; }

# mt_param NAME DEFAULT: value of mt.NAME= on the kernel command line.
mt_param() {
	for w in $(cat /proc/cmdline); do
		case $w in mt.$1=*) echo "${w#mt.$1=}"; return 0 ;; esac
	done
	echo "$2"
}

# Milliseconds since the guest kernel started (from /proc/uptime, 10 ms grain).
mt_now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

mt_boot() {
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mount -t devtmpfs dev /dev
	mkdir -p /tmp /run && mount -t tmpfs tmp /tmp && mount -t tmpfs run /run
	mount -t cgroup2 none $CG || return 1
	# A line of its own: the firmware's last "Booting from ROM..." dot may
	# still be on the current one.
	# preempt=: the scheduler's preemption model (a PREEMPT_DYNAMIC kernel's
	# "preempt=" parameter changes it), which every latency figure depends on.
	printf '\nMT-BOOT: uptime_ms=%s kernel=%s preempt=%s\n' "$(mt_now_ms)" "$(uname -r)" \
		"$(dmesg | sed -n 's/.*Dynamic Preempt: //p' | head -n 1)"
	mkdir -p $MT_STATE
	echo "$MT_CONTROLLERS" > $CG/cgroup.subtree_control || return 1
	zram=$(mt_param zram 0)
	if [ "$zram" != 0 ]; then
		for m in zsmalloc lzo lzo-rle zram; do
			insmod /lib/modules/mt/$m.ko || return 1
		done
		echo "$zram" > /sys/block/zram0/disksize || return 1
		mkswap /dev/zram0 >/dev/null || return 1
		swapon /dev/zram0 || return 1
	fi
	disk=$(mt_param disk 0)
	if [ "$disk" != 0 ]; then
		for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk; do
			insmod /lib/modules/mt/$m.ko || return 1
		done
		i=0
		while [ ! -b /dev/vda ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
		mkswap /dev/vda >/dev/null || return 1
		swapon /dev/vda || return 1
	fi
	mt_log "ready: controllers '$(cat $CG/cgroup.subtree_control)' zram=$zram disk=$disk" \
		"MemTotal=$(mt_meminfo MemTotal)k SwapTotal=$(mt_meminfo SwapTotal)k"
}

# mt_result RC: the verdict, from the scenario's exit code, its checks, mt_done.
mt_result() {
	if [ -s $MT_STATE/failed ]; then
		why="$(wc -l < $MT_STATE/failed) check(s) failed: $(head -n 1 $MT_STATE/failed)"
	elif [ "$1" != 0 ]; then
		why="scenario exited $1"
	elif [ ! -e $MT_STATE/done ]; then
		why="scenario ended without mt_done"
	else
		printf '\nMT-RESULT: PASS\n'
		return 0
	fi
	echo "MT: kernel log follows"
	dmesg | tail -n 80
	printf '\nMT-RESULT: FAIL %s\n' "$why"
}

mt_done() { touch $MT_STATE/done; }

# --- checks: print, record, never exit (later checks still tell something) ---
mt_fail() { echo "MT-CHECK: FAIL $*"; echo "$*" >> $MT_STATE/failed; return 1; }
mt_ok() { echo "MT-CHECK: ok $*"; }
mt_is_int() { case $1 in ''|*[!0-9]*) return 1 ;; esac; }
# mt_check_OP DESC ACTUAL WANT: integer comparisons.
mt_check_cmp() {
	op=$1 desc=$2 got=$3 want=$4
	if ! mt_is_int "$got"; then mt_fail "$desc: got '$got', not an integer"; return 1; fi
	if test "$got" "$op" "$want"; then mt_ok "$desc: $got $op $want"; else mt_fail "$desc: got $got, want $op $want"; fi
}
mt_check_eq() { mt_check_cmp -eq "$@"; }
# mt_check_str DESC ACTUAL WANT: exact string equality.
mt_check_str() { if [ "$2" = "$3" ]; then mt_ok "$1: '$2'"; else mt_fail "$1: got '$2', want '$3'"; fi; }
mt_check_ge() { mt_check_cmp -ge "$@"; }
mt_check_gt() { mt_check_cmp -gt "$@"; }
mt_check_le() { mt_check_cmp -le "$@"; }
mt_check_lt() { mt_check_cmp -lt "$@"; }
# mt_check DESC CMD...: the command must succeed.
mt_check() { d=$1; shift; if "$@"; then mt_ok "$d"; else mt_fail "$d"; fi; }
# mt_wait_for DESC SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
mt_wait_for() {
	d=$1 s=$2 n=$(( $2 * 10 )); shift 2
	while ! "$@"; do
		n=$((n - 1))
		if [ $n -le 0 ]; then mt_fail "$d (not within ${s}s)"; return 1; fi
		sleep 0.1
	done
	mt_ok "$d"
}

# --- cgroups ---
# mt_cg_make PATH [FILE=VALUE...]: create CG/PATH (and its parents, with the
# controllers enabled for their children), then write each FILE.
mt_cg_make() {
	p=$1; shift
	parent=$CG
	for part in $(echo "$p" | tr / ' '); do
		[ "$parent" != $CG ] && echo "$MT_CONTROLLERS" > "$parent/cgroup.subtree_control"
		parent=$parent/$part
		mkdir -p "$parent" || { mt_fail "mkdir $parent"; return 1; }
	done
	for kv in "$@"; do
		echo "${kv#*=}" > "$CG/$p/${kv%%=*}" || { mt_fail "write ${kv#*=} to $CG/$p/${kv%%=*}"; return 1; }
	done
}
# mt_cg_run PATH CMD...: start CMD in the background inside CG/PATH; its pid
# is in MT_PID. (Inside a subshell $$ is the parent's pid, hence sh -c.)
mt_cg_run() {
	p=$CG/$1; shift
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$p" "$@" &
	MT_PID=$!
}
# mt_cg_key PATH FILE KEY: the value of KEY in a flat keyed file (memory.events).
mt_cg_key() { awk -v k="$3" '$1 == k { print $2; f = 1 } END { if (!f) print "missing-" k }' "$CG/$1/$2"; }
mt_cg_get() { cat "$CG/$1/$2"; }
# mt_cg_nprocs PATH: processes in PATH and all its descendants.
mt_cg_nprocs() { find "$CG/$1" -name cgroup.procs -exec cat {} + | wc -l; }
# mt_pressure PATH some|full: the total= stall (us) of CG/PATH/memory.pressure.
mt_pressure() { awk -v k="$2" '$1 == k { sub("total=", "", $5); print $5 }' "$CG/$1/memory.pressure"; }
mt_cg_show() { echo "MT: $1/$2: $(tr '\n' ' ' < "$CG/$1/$2")"; }
mt_meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
mt_alive() { kill -0 "$1" 2>/dev/null; }
# mt_fill_to MIB PATH: a memhog in CG/PATH (a cgroup no policy may hold or
# kill: a protected one) takes RAM until MemAvailable is about MIB MiB, and
# holds it; its pid in MT_FILL_PID. memtriaged holds a grower only once
# commit is near the bound (MemAvailable <= 2 x the RAM reserve, or the
# headroom <= the reserve), so a scenario about holds brings the node there.
mt_fill_to() {
	_favail=$(( $(mt_meminfo MemAvailable) / 1024 ))
	mt_cg_make "$2" || return 1
	mt_cg_run "$2" memhog --anon $((_favail - $1))M --every 16 > $MT_STATE/fill; MT_FILL_PID=$MT_PID
	mt_wait_for "the ballast in $2 holding" 60 grep -q state=holding $MT_STATE/fill
	mt_log "MemAvailable with the ballast: $(( $(mt_meminfo MemAvailable) / 1024 )) MiB (aimed at $1)"
}

# --- the daemon (issue 6 scenarios) ---
# mt_daemon_can_run: memtriaged's own start-up check passes in this guest.
mt_daemon_can_run() {
	memtriaged --check-host >$MT_STATE/check-host.log 2>&1
}
# mt_daemon_require [TEARDOWN]: a scenario that needs the daemon ends here,
# failed (with --check-host's words), when this guest cannot serve it;
# TEARDOWN runs first.
mt_daemon_require() {
	mt_daemon_can_run && return 0
	mt_fail "memtriaged --check-host: $(cat $MT_STATE/check-host.log)"
	[ $# -eq 0 ] || "$@"
	mt_done
	exit 0
}
# mt_daemon_start ARGS...: memtriaged in the background; output in
# $MT_STATE/memtriaged.log, pid in MT_DAEMON_PID.
mt_daemon_start() {
	memtriaged "$@" > $MT_STATE/memtriaged.log 2>&1 &
	MT_DAEMON_PID=$!
	mt_log "memtriaged $* started as pid $MT_DAEMON_PID"
}
# mt_daemon_wait_log DESC SECONDS ERE: wait for a line matching ERE in its output.
mt_daemon_wait_log() { mt_wait_for "$1" "$2" grep -Eq "$3" $MT_STATE/memtriaged.log; }
mt_daemon_log_count() { grep -Ec "$1" $MT_STATE/memtriaged.log; }
# mt_daemon_stop: SIGTERM, wait, check it exited 0, print its whole output.
mt_daemon_stop() {
	kill -TERM "$MT_DAEMON_PID" 2>/dev/null
	wait "$MT_DAEMON_PID"; rc=$?
	sed 's/^/memtriaged| /' $MT_STATE/memtriaged.log
	mt_check_eq "memtriaged exit status after SIGTERM" $rc 0
}
# The kernel's own OOM killer leaves "oom-kill:" and "Out of memory" lines.
mt_kernel_oom_kills() { dmesg | grep -c 'oom-kill:'; }
mt_check_no_kernel_oom() {
	n=$(dmesg | grep -Ec 'Out of memory|oom-kill:')
	[ "$n" -eq 0 ] || dmesg | grep -E 'Out of memory|oom-kill:|Killed process'
	mt_check_eq "kernel OOM log lines (no kernel OOM kill)" "$n" 0
}
