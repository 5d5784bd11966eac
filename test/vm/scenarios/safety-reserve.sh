#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=90
# Never blind (issue 13, 7): a reserve larger than the machine is a start-up
# error naming the key and the figures (before: it started cleanly and
# never decided, mt_node_compute's EINVAL dropped unlogged every tick); a
# sane one starts, and status says the node is judged (node_error null).
. /lib/mt/lib.sh
mt_daemon_require
echo '{"reserve": "1Gi"}' > /tmp/big.json
memtriaged --config /tmp/big.json --socket "" --hold-file "" > $MT_STATE/big.log 2>&1
rc=$?
sed 's/^/memtriaged(1Gi)| /' $MT_STATE/big.log
mt_check_eq "a 1Gi reserve on a 512M node: exit status" $rc 1
mt_check "the error names the key and MemTotal" \
	grep -Eq "configuration /tmp/big.json: reserve: 1073741824 bytes of RAM .* against MemTotal $(( $(mt_meminfo MemTotal) * 1024 )) " $MT_STATE/big.log
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_daemon_start --config /tmp/mt.json
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
mt_check "status: node_error null" sh -c "memtriage status -o json | tr -d ' \n' | grep -q '\"node_error\":null'"
mt_check_eq "node-judging errors logged" "$(mt_daemon_log_count 'cannot be judged')" 0
mt_daemon_stop
mt_done
