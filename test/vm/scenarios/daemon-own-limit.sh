#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=150
# Own limit: a container whose processes keep hitting its memory.max (the
# kernel OOM-kills one, a supervisor restarts it) is killed as a group once
# its policy's escalation count is reached; its neighbour is untouched.
. /lib/mt/lib.sh
mt_daemon_require
pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/*"}, "priority": 100, "response": "kill",
  "escalate": {"counter": "oom_kill", "count": 3, "window_s": 120}}' > $pol/work.json
mt_cg_make work/crashy memory.max=32M memory.swap.max=0
mt_cg_make work/neighbour
mt_cg_run work/neighbour memhog --anon 16M > $MT_STATE/neighbour; nb=$MT_PID
mt_daemon_start --policy-dir $pol --socket ""
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
# The container's "init": restarts its worker whenever the kernel kills it.
mt_cg_run work/crashy sh -c 'while true; do memhog --anon 64M --hold 0 >/dev/null; sleep 0.2; done'
crashy=$MT_PID
mt_daemon_wait_log "group kill of work/crashy (own-limit)" 60 '"event":"decision".*"trigger":"own-limit","detail":"work/crashy"'
mt_daemon_wait_log "the kill completed (populated 0)" 20 '"event":"kill-done","cgroup":"work/crashy"'
wait $crashy; mt_check_eq "the container's init exit status (SIGKILL)" $? 137
mt_check_eq "work/crashy populated" "$(mt_cg_key work/crashy cgroup.events populated)" 0
mt_check_ge "kernel OOM kills at work/crashy's memory.max" "$(mt_cg_key work/crashy memory.events oom_kill)" 3
mt_check "the escalation counted oom_kill 3 times" grep -q '"escalate":{"counter":"oom_kill","increments":[3-9]' $MT_STATE/memtriaged.log
mt_check_eq "group kills" "$(mt_daemon_log_count '"event":"kill"')" 1
mt_check "neighbour alive" mt_alive $nb
mt_check_eq "kernel global OOM" "$(dmesg | grep -c 'global_oom')" 0
mt_daemon_stop
kill -9 $nb 2>/dev/null
mt_done
