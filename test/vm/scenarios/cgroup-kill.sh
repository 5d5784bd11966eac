#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=120
# cgroup.kill kills a whole subtree -- workers, a fork storm, a nested
# cgroup -- and nothing outside it.
. /lib/mt/lib.sh

STORM=200
mt_cg_make kill/a
mt_cg_make kill/b/storm
mt_cg_make kill/b/deep/er
mt_cg_make bystander
mt_cg_run kill/a memhog --procs 4 --anon 8M > $MT_STATE/a
pids=$MT_PID
mt_cg_run kill/b/storm memhog --fork-storm $STORM > $MT_STATE/storm
pids="$pids $MT_PID"
mt_cg_run kill/b/deep/er memhog --procs 2 --anon 4M > $MT_STATE/er
pids="$pids $MT_PID"
mt_cg_run bystander memhog --anon 4M > $MT_STATE/bystander
bystander=$MT_PID

mt_wait_for "fork storm of $STORM children started" 60 grep -q "state=storm children=$STORM" $MT_STATE/storm
mt_wait_for "4 + 2 workers holding" 30 sh -c "[ \$(grep -c state=holding $MT_STATE/a) -eq 4 ] && [ \$(grep -c state=holding $MT_STATE/er) -eq 2 ]"
# 1 + 4 (a), 1 + STORM (storm), 1 + 2 (deep/er)
mt_check_eq "processes in kill/ before" "$(mt_cg_nprocs kill)" $((5 + 1 + STORM + 3))
mt_check_eq "kill/ cgroup.events populated before" "$(mt_cg_key kill cgroup.events populated)" 1

t0=$(mt_now_ms)
echo 1 > $CG/kill/cgroup.kill
populated0() { [ "$(mt_cg_key kill cgroup.events populated)" = 0 ]; }
mt_wait_for "kill/ cgroup.events populated 0" 10 populated0
mt_log "cgroup.kill to populated 0: $(( $(mt_now_ms) - t0 )) ms (10 ms grain)"
for p in $pids; do wait $p; mt_check_eq "top process $p exit status (SIGKILL)" $? 137; done
mt_check_eq "processes in kill/ after" "$(mt_cg_nprocs kill)" 0
for p in kill/a kill/b kill/b/storm kill/b/deep kill/b/deep/er; do
	mt_check_eq "$p populated after" "$(mt_cg_key $p cgroup.events populated)" 0
done
# Survivors anywhere on the machine: only the bystander is a memhog now.
mt_check_eq "memhog processes left on the machine" "$(pidof memhog | wc -w)" 1
mt_check "bystander outside the subtree alive" mt_alive $bystander
mt_check "the killed subtree can be removed" rmdir $CG/kill/b/deep/er $CG/kill/b/deep $CG/kill/b/storm $CG/kill/b $CG/kill/a $CG/kill
mt_check_no_kernel_oom
kill -9 $bystander
mt_done
