#!/bin/sh
# vm: mem=256M cpus=2 zram=64M timeout=60
. /lib/mt/lib.sh
mt_check_gt "SwapTotal kB" "$(mt_meminfo SwapTotal)" 0
mt_cg_make smoke memory.max=32M
mt_cg_run smoke memhog --anon 8M --hold 0
wait $MT_PID
mt_check_eq "memory.events oom" "$(mt_cg_key smoke memory.events oom)" 0
mt_done
