#!/bin/sh
# usage: test/bench/idle.sh BUILD_DIR [N] [SECONDS] [default|bench]
# memtriaged's idle cost with N (default 1000) watched, empty cgroups: one
# boot of test/bench/idle-guest.sh (512 MiB, 2 vCPUs, TCG), a SECONDS
# (default 60) window after start-up, no pressure; the embedded defaults
# (or daemon-bench.sh's policy set with "bench"). Prints the figures --
# CPU in per mille of one core (utime + stime over the window), VmRSS,
# VmHWM -- and the command that reproduces them. Runs the guest under
# nice -n 10 (the machine is shared). Exit: the guest's (0 pass, 1 fail, 77
# no QEMU or kernel).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [N] [SECONDS] [default|bench]" >&2; exit 2; }
build=$(cd "$1" && pwd) n=${2:-1000} s=${3:-60} pol=${4:-default}
here=$(cd "$(dirname "$0")" && pwd)
rc=0
MT_VM_APPEND="mt.idle_n=$n mt.idle_s=$s mt.idle_policy=$pol ${MT_VM_APPEND:-}" \
	nice -n 10 "$here/../vm/run.sh" "$here/idle-guest.sh" "$build" > "$build/test/bench/idle.out" 2>&1 || rc=$?
log=$build/test/vm/idle-guest/console.log
grep '^IDLE-BENCH ' "$log" 2>/dev/null | sed 's/^IDLE-BENCH /idle: /' || { echo "idle: no figures (exit $rc; $log)" >&2; tail -n 5 "$build/test/bench/idle.out" >&2; }
echo "idle: guest kernel $(basename "$("$here/../vm/kernel.sh")"), memtriaged $(git -C "$here" describe --always --dirty 2>/dev/null || echo unknown)"
echo "idle: reproduce: $0 $1 $n $s $pol"
exit $rc
