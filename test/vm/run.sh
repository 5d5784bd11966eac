#!/bin/sh
# usage: run.sh SCENARIO BUILD_DIR [--console]
# Boots one scenario in a QEMU guest (TCG) and turns its verdict into an exit
# code: 0 pass, 1 fail, 77 skip (only when QEMU or a kernel cannot be had).
# The scenario's header line sizes the guest, e.g.
#   # vm: mem=512M cpus=2 zram=256M timeout=120
# (disk=SIZE: a sparse SIZE image on virtio-blk, made swap by the guest as
# /dev/vda: disk swap beside or instead of zram).
# (rootfs=systemd boots Debian 12 with systemd as PID 1 instead of busybox).
# The whole serial log goes to BUILD_DIR/test/vm/NAME/console.log; on failure
# it is printed. Pass needs the guest's "MT-RESULT: PASS" line: QEMU's exit
# code alone says nothing (the guest powers off the same way either way).
# A passing guest is then checked on the host by test/vm/host/NAME.sh LOG
# when that script exists.
# --console: also show the log live (the demo). MT_VM_APPEND adds kernel
# command-line words (e.g. mt.seconds=30); MT_VM_TIMEOUT overrides timeout=.
# MT_VM_DISK=IMG attaches IMG as a virtio disk (/dev/vda once the guest loads
# the virtio modules); MT_VM_EXTRA is passed to initramfs.sh.
# MT_VM_QEMU_EXTRA adds QEMU options (e.g. a -monitor socket). QEMU names its
# threads ("CPU 0/TCG"...) for host-side meters.
# SIGINT/SIGTERM stop the guest and exit 130.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 SCENARIO BUILD_DIR [--console]" >&2; exit 2; }
scenario=$1 build=$(cd "$2" && pwd) console=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$scenario" .sh)

mem=512M cpus=2 zram=0 disk=0 timeout=120 rootfs=busybox
header=$(sed -n 's/^# vm: //p' "$scenario" | head -n 1)
[ -n "$header" ] || { echo "run.sh: $scenario has no '# vm:' header line" >&2; exit 1; }
for kv in $header; do
	case $kv in
	mem=*) mem=${kv#mem=} ;;
	cpus=*) cpus=${kv#cpus=} ;;
	zram=*) zram=${kv#zram=} ;;
	disk=*) disk_size=${kv#disk=} ;;
	timeout=*) timeout=${kv#timeout=} ;;
	rootfs=busybox|rootfs=systemd) rootfs=${kv#rootfs=} ;;
	*) echo "run.sh: $scenario: unknown '# vm:' key '$kv' (mem cpus zram disk timeout rootfs=busybox|systemd)" >&2; exit 1 ;;
	esac
done

# MT_VM_TIMEOUT overrides the header's timeout; 0 means none (the demo).
timeout=${MT_VM_TIMEOUT:-$timeout}

qemu=$(command -v qemu-system-x86_64) || { echo "run.sh: SKIP: qemu-system-x86_64 not installed" >&2; exit 77; }
rc=0; kernel=$("$here/kernel.sh") || rc=$?
[ $rc -eq 0 ] || { [ $rc -eq 77 ] && echo "run.sh: SKIP: no kernel" >&2; exit $rc; }

work=$build/test/vm/$name
mkdir -p "$work"
log=$work/console.log
# rootfs=systemd: Debian 12 with systemd as PID 1 (initramfs-systemd.sh).
if [ "$rootfs" = systemd ]; then
	rc=0; "$here/initramfs-systemd.sh" "$work/initrd.gz" "$scenario" "$build" "$kernel" || rc=$?
	[ $rc -eq 0 ] || { [ $rc -eq 77 ] && echo "run.sh: SKIP: no Debian root filesystem" >&2; exit $rc; }
else
	"$here/initramfs.sh" "$work/initrd.gz" "$scenario" "$build" "$kernel"
fi

disk="" swap_img=""
if [ "${disk_size:-0}" != 0 ] && [ -z "${MT_VM_DISK:-}" ]; then
	# sparse: costs the host only what the guest swaps out, removed after
	swap_img=$work/swap.img
	rm -f "$swap_img"; truncate -s "$disk_size" "$swap_img"
	MT_VM_DISK=$swap_img
	MT_VM_APPEND="${MT_VM_APPEND:-} mt.disk=$disk_size"
fi
[ -z "${MT_VM_DISK:-}" ] || disk="-drive file=$MT_VM_DISK,if=virtio,format=raw,cache=unsafe"
start=$(date +%s%N)
set +e
# stdin is /dev/null so the host terminal stays cooked: Ctrl-C stops QEMU.
# panic=-1 plus -no-reboot turns a guest panic into QEMU's exit.
# no_timer_check: the kernel's boot check that the 8254 timer reaches the
# IO-APIC counts ticks over a busy-wait; a TCG vCPU descheduled by a loaded
# host misses it and the boot panics ("IO-APIC + timer doesn't work", seen
# with a CPU hog beside the guest, 2026-12-02).
timeout -k 5 "$timeout" "$qemu" -accel tcg,thread=multi -cpu max -m "$mem" -smp "$cpus" \
	-name memtriage-guest,debug-threads=on ${MT_VM_QEMU_EXTRA:-} -nographic -no-reboot -nic none $disk -kernel "$kernel"/boot/vmlinuz-* -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 no_timer_check mt.zram=$zram ${MT_VM_APPEND:-}" </dev/null >"$log.raw" 2>&1 &
qpid=$!
# timeout(1) runs QEMU in its own process group, out of reach of the
# terminal's Ctrl-C and of meson's SIGTERM to us: pass those on.
interrupted=""
trap 'interrupted=1; kill $qpid 2>/dev/null' INT TERM HUP PIPE
# The firmware's terminal escapes (reset, clear) would otherwise glue onto
# the guest's first lines: a reset becomes a line break, the rest go.
esc=$(printf '\033')
clean() { sed -u "s/\r//g; s/${esc}c/\n/g; s/${esc}\[[?0-9;]*[A-Za-z]//g"; }
# In the background too: the shell runs a trap only between commands or
# inside wait, never while a foreground pipeline runs.
tpid=""
if [ "$console" = --console ]; then
	tail -n +1 -f "$log.raw" --pid=$qpid 2>/dev/null | clean &
	tpid=$!
fi
wait $qpid; qrc=$?
[ -n "$interrupted" ] && { wait $qpid; qrc=130; }
[ -n "$tpid" ] && wait $tpid
set -e
clean < "$log.raw" > "$log" && rm -f "$log.raw"
[ -z "$swap_img" ] || rm -f "$swap_img"
wall=$(( ($(date +%s%N) - start) / 1000000 ))

boot=$(sed -n 's/.*MT-BOOT: uptime_ms=\([0-9]*\).*/\1/p' "$log")
echo "run.sh: $name: wall_ms=$wall guest_boot_to_init_ms=${boot:-none} qemu_exit=$qrc log=$log"
if [ -n "$interrupted" ]; then
	echo "run.sh: $name: interrupted; guest log in $log"
	exit 130
fi
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	why="guest still running at the ${timeout}s timeout; killed"
elif grep -q '^MT-RESULT: PASS$' "$log" && ! grep -q '^MT-RESULT: FAIL' "$log"; then
	# A scenario may have host-side checks on what the guest printed
	# (tools the guest lacks, e.g. promtool): test/vm/host/NAME.sh LOG.
	[ -x "$here/host/$name.sh" ] || exit 0
	"$here/host/$name.sh" "$log" && exit 0
	why="host check test/vm/host/$name.sh failed"
else
	why=$(grep '^MT-RESULT: FAIL' "$log" || echo "no MT-RESULT line (QEMU exit $qrc)")
fi
if [ "$console" != --console ]; then
	echo "run.sh: ===== guest log of $name ====="
	cat "$log"
	echo "run.sh: ===== end of guest log ====="
fi
echo "run.sh: $name: FAIL: $why"
exit 1
