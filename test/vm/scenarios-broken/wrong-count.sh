#!/bin/sh
# vm: mem=256M cpus=2 zram=0 timeout=60
# Broken on purpose: claims a process over memory.max is not OOM-killed.
. /lib/mt/lib.sh
mt_cg_make broken memory.max=32M memory.swap.max=0
mt_cg_run broken memhog --anon 96M --hold 0
wait $MT_PID
mt_check_eq "oom_kill (wrong on purpose)" "$(mt_cg_key broken memory.events oom_kill)" 0
mt_done
