#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=120
# A PSI trigger on a cgroup's memory.pressure fires under memory pressure and
# stays silent at rest -- also while a sibling is under pressure.
. /lib/mt/lib.sh

# some 100 ms of stall in any 1 s window: far above an idle cgroup's zero,
# far below what a grower squeezed into 24M with zram swap produces.
TRIGGER="some 100000 1000000"

mt_cg_make psi/rest
mt_cg_make psi/load memory.high=24M
mt_cg_run psi/rest memhog --anon 4M
idle=$MT_PID

# 1. At rest: an idle holder, nothing else running. 3 s = 3 windows.
psiwait $CG/psi/rest/memory.pressure $TRIGGER 3000 > $MT_STATE/rest1; rc=$?
cat $MT_STATE/rest1
mt_check_eq "rest trigger alone: psiwait exit (1 = timeout)" $rc 1

# 2. Triggers on both cgroups, then load in psi/load only.
psiwait $CG/psi/rest/memory.pressure $TRIGGER 8000 > $MT_STATE/rest2 & rest=$!
psiwait $CG/psi/load/memory.pressure $TRIGGER 30000 > $MT_STATE/load & load=$!
mt_wait_for "both triggers registered" 10 sh -c "grep -q ready $MT_STATE/rest2 && grep -q ready $MT_STATE/load"
before=$(mt_pressure psi/load some)
mt_cg_run psi/load memhog --anon 160M --every 32
hog=$MT_PID
wait $load; load_rc=$?
wait $rest; rest_rc=$?
cat $MT_STATE/load $MT_STATE/rest2
mt_check_eq "load trigger: psiwait exit (0 = fired)" $load_rc 0
mt_check_eq "rest trigger beside the load: psiwait exit (1 = timeout)" $rest_rc 1
mt_check_gt "psi/load some total grew (us)" $(( $(mt_pressure psi/load some) - before )) 0
mt_check "idle holder still alive" mt_alive $idle
kill -9 $hog $idle
mt_done
