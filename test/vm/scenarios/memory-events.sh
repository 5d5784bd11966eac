#!/bin/sh
# vm: mem=512M cpus=2 zram=256M timeout=150
# memory.events counts high, max, oom, oom_kill, oom_group_kill as
# Documentation/admin-guide/cgroup-v2.rst describes them.
. /lib/mt/lib.sh

events() { # PATH FILE: all five counters on one line
	for k in high max oom oom_kill oom_group_kill; do printf '%s=%s ' $k "$(mt_cg_key "$1" "${2:-memory.events}" $k)"; done
}
ev() { mt_cg_key "$1" memory.events "$2"; }

# 1. Under every limit: nothing is counted (exact zeros).
mt_cg_make ev/quiet memory.max=64M memory.high=48M
mt_cg_run ev/quiet memhog --anon 16M --hold 0
wait $MT_PID
mt_log "quiet: $(events ev/quiet)"
for k in high max oom oom_kill oom_group_kill; do mt_check_eq "quiet $k" "$(ev ev/quiet $k)" 0; done

# 2. memory.high only, with swap: reclaim and throttling past high, never the
# OOM killer. high counts each time the charge path went over high (timing
# dependent, so >= 1); max, oom and the kills stay exactly 0.
mt_cg_make ev/high memory.high=16M
mt_cg_run ev/high memhog --anon 48M --hold 0
wait $MT_PID; rc=$?
mt_log "high: $(events ev/high)"
mt_check_eq "high-only grower exit status" $rc 0
mt_check_ge "high-only high" "$(ev ev/high high)" 1
for k in max oom oom_kill oom_group_kill; do mt_check_eq "high-only $k" "$(ev ev/high $k)" 0; done

# 3. One process over memory.max without swap: max counts every failed
# charge attempt before the OOM (timing dependent, >= 1); the single task is
# the only victim, so exactly one OOM and one kill; no group kill.
mt_cg_make ev/single memory.max=32M memory.swap.max=0
mt_cg_run ev/single memhog --anon 96M --hold 0
wait $MT_PID; rc=$?
mt_log "single: $(events ev/single)"
mt_check_eq "single exit status (SIGKILL)" $rc 137
mt_check_ge "single max" "$(ev ev/single max)" 1
mt_check_eq "single high" "$(ev ev/single high)" 0
mt_check_eq "single oom" "$(ev ev/single oom)" 1
mt_check_eq "single oom_kill" "$(ev ev/single oom_kill)" 1
mt_check_eq "single oom_group_kill" "$(ev ev/single oom_group_kill)" 0

# 4. memory.oom.group=1 with a parent and 3 workers: one OOM kills the
# group: oom_group_kill is exactly 1 and every one of the 4 tasks is killed.
# oom_kill is 4 or 5, not exactly 4: mm/oom_kill.c oom_kill_process() kills
# the victim, then scans the group and kills each member -- the victim again,
# counted a second time if it still holds its mm by then (seen: 4 and 5).
# The other tasks may each hit the limit once more while the victims exit
# (seen: oom 1, 2 and 3), so oom is 1 to 4 -- one per task at most; those
# later OOMs find only marked victims and kill nobody (oom_group_kill stays 1).
mt_cg_make ev/group memory.max=48M memory.swap.max=0 memory.oom.group=1
mt_cg_run ev/group memhog --procs 3 --anon 32M
wait $MT_PID; rc=$?
# The parent's exit does not wait for its killed siblings to finish
# exiting (tearing down an mm takes time under TCG; seen: one left at the
# parent's wait): the group must empty, within a bound.
unpopulated() { [ "$(mt_cg_key ev/group cgroup.events populated)" = 0 ]; }
mt_wait_for "ev/group emptied (populated 0)" 10 unpopulated
mt_log "group: $(events ev/group)"
mt_check_eq "group parent exit status (SIGKILL)" $rc 137
mt_check_eq "group processes left" "$(mt_cg_nprocs ev/group)" 0
mt_check_eq "group oom_group_kill" "$(ev ev/group oom_group_kill)" 1
mt_check_ge "group oom_kill (every member)" "$(ev ev/group oom_kill)" 4
mt_check_le "group oom_kill (victim at most twice)" "$(ev ev/group oom_kill)" 5
mt_check_ge "group oom" "$(ev ev/group oom)" 1
mt_check_le "group oom (one per task at most)" "$(ev ev/group oom)" 4

# 5. memory.events is hierarchical, memory.events.local is not.
mt_log "parent ev: $(events ev)  local: $(events ev memory.events.local)"
for k in oom oom_kill oom_group_kill; do
	sum=$(( $(ev ev/quiet $k) + $(ev ev/high $k) + $(ev ev/single $k) + $(ev ev/group $k) ))
	mt_check_eq "parent $k = sum of children" "$(ev ev $k)" $sum
	mt_check_eq "parent local $k" "$(mt_cg_key ev memory.events.local $k)" 0
done
# 6. The kernel log: one "oom-kill:" line per OOM kill decision (the single
# task, the group's victim), none for the group's other members.
mt_check_eq "kernel log oom-kill: lines" "$(mt_kernel_oom_kills)" 2
mt_done
