#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=150
# Control for daemon-priority: the same containers without memtriaged. The
# kernel's OOM killer picks by size (oom_badness), so it kills the large,
# high-priority container -- the outcome memtriaged exists to prevent.
. /lib/mt/lib.sh
for c in large small1 small2 small3; do mt_cg_make work/$c; done
mt_cg_run work/large memhog --anon 200M > $MT_STATE/large; large=$MT_PID
mt_cg_run work/small1 memhog --anon 24M > $MT_STATE/small1; s1=$MT_PID
mt_cg_run work/small2 memhog --anon 24M > $MT_STATE/small2; s2=$MT_PID
mt_wait_for "large and two small holding" 90 sh -c "grep -q state=holding $MT_STATE/large && grep -q state=holding $MT_STATE/small1 && grep -q state=holding $MT_STATE/small2"
mt_cg_run work/small3 memhog --anon inf --rate 40 > $MT_STATE/small3; s3=$MT_PID
oom() { [ "$(mt_kernel_oom_kills)" -ge 1 ]; }
mt_wait_for "the kernel's OOM killer acted" 60 oom
dmesg | grep -E 'oom-kill:|Killed process' | sed 's/^/MT: dmesg: /'
mt_check_eq "kernel OOM kills of work/large" "$(dmesg | grep 'oom-kill:' | grep -c 'task_memcg=/work/large')" 1
wait $large; mt_check_eq "large (high priority) exit status (SIGKILL by the kernel)" $? 137
kill -9 $s1 $s2 $s3 2>/dev/null
mt_done
