#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=400
# What one idle wakeup costs any process in the guest (test/bench/idlewake.c),
# so that memtriaged's idle figure (test/bench/idle.sh) can be read against
# the platform's floor: a bare epoll_wait sleep at 250 ms, then with the
# /proc/meminfo pread a look makes, 1,000 cgroup.events fds in the epoll
# set, a walk touching 1,000 page-apart objects, clock reads. Run:
#   nice -n 10 ./test/vm/run.sh test/bench/idlewake-guest.sh build
# Prints "IDLEWAKE ..." lines (per_wake_us: the process's own run time per
# wake, /proc/self/schedstat).
. /lib/mt/lib.sh
mt_cg_make bench
awk -v d="$CG/bench" 'BEGIN { for (i = 1; i <= 1000; i++) printf "%s/c%d\n", d, i }' | xargs mkdir
grep . /sys/devices/system/clocksource/clocksource0/current_clocksource | sed 's/^/IDLEWAKE clocksource=/'
for rep in 1 2; do
	for args in "" "--meminfo" "--fds $CG/bench 1000" "--touch 1000" "--clock 10" \
		"--meminfo --fds $CG/bench 1000 --touch 1000"; do
		idlewake --wakes 80 --every-ms 250 $args | sed 's/^idlewake/IDLEWAKE/'
	done
done
mt_check "ran" true
mt_done
