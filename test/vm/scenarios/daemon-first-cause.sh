#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=180
# The first decision knows the cause (issue 16): a valuable container, three
# cheap ones of EQUAL priority (policy kill) and a fourth cheap one that
# leaks at the guest's fill limit (~100-300 MiB/s under TCG: the 64 MiB
# reserve is crossed within a second of the leak starting). The look
# cadence (headroom / fault_rate / 2) sees the crossing, and the sampler
# has the candidates' growth before the first decision: exactly the leaker
# dies, no kernel OOM kill anywhere, and the kill's decision record shows
# the leaker with growth_known true and the largest growth of all
# candidates (equal cost: the tie goes to the set that removes the growth).
. /lib/mt/lib.sh
mt_daemon_require

pol=/tmp/policies
mkdir -p $pol
echo '{"precedence": 0, "match": {}, "protected": true}' > $pol/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/valuable"}, "priority": 900, "response": "kill"}' > $pol/valuable.json
echo '{"precedence": 100, "match": {"cgroup": "work/cheap*"}, "priority": 100, "response": "kill"}' > $pol/cheap.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json

for g in valuable cheap1 cheap2 cheap3 cheap4; do mt_cg_make work/$g; done
mt_cg_run work/valuable memhog --anon 160M > $MT_STATE/valuable; valuable=$MT_PID
pids=""
for i in 1 2 3; do
	mt_cg_run work/cheap$i memhog --anon 32M > $MT_STATE/cheap$i
	pids="$pids $MT_PID"
done
held() { for f in valuable cheap1 cheap2 cheap3; do grep -q state=holding $MT_STATE/$f || return 1; done; }
mt_wait_for "valuable and cheap1-3 holding" 90 held

mt_daemon_start --config /tmp/mt.json --policy-dir $pol
mt_daemon_wait_log "memtriaged ready" 30 '"event":"ready"'
mt_check_eq "candidates watched" "$(grep '"event":"ready"' $MT_STATE/memtriaged.log | sed 's/.*"candidates":\([0-9]*\).*/\1/')" 5
sleep 2 # the idle pace: the sampler has the bystanders' flat usage
mt_log "before the leak: MemAvailable=$(mt_meminfo MemAvailable)k"

mt_cg_run work/cheap4 memhog --anon inf > $MT_STATE/cheap4; leaker=$MT_PID
mt_daemon_wait_log "memtriaged killed a group" 60 '"event":"kill"'
wait $leaker; mt_check_eq "the leaker's exit status (SIGKILL)" $? 137
sleep 1
mt_check_eq "kills logged" "$(mt_daemon_log_count '"event":"kill"')" 1
mt_check "the kill was work/cheap4" grep -q '"event":"kill","cgroup":"work/cheap4"' $MT_STATE/memtriaged.log
mt_check "valuable alive" mt_alive $valuable
n=1; for p in $pids; do mt_check "cheap$n alive" mt_alive $p; n=$((n + 1)); done
for g in valuable cheap1 cheap2 cheap3 cheap4; do
	mt_check_eq "work/$g memory.events oom_kill" "$(mt_cg_key work/$g memory.events oom_kill)" 0
done
mt_check_eq "work memory.events oom_kill" "$(mt_cg_key work memory.events oom_kill)" 0
mt_check_no_kernel_oom

# The kill's decision record: one object per candidate in "considered".
kill_line=$(grep '"event":"kill","cgroup":"work/cheap4"' $MT_STATE/memtriaged.log | head -n 1)
id=$(echo "$kill_line" | sed -n 's/.*"decision":\([0-9]*\).*/\1/p')
rec=$(grep '"event":"decision"' $MT_STATE/memtriaged.log | grep "\"id\":$id}" | head -n 1)
mt_check "the kill's decision record ($id) is in the log" [ -n "$rec" ]
echo "$rec" | sed 's/.*"considered":\[//; s/\],"outcome".*//; s/},{/}\n{/g' > $MT_STATE/considered
sed 's/^/MT: considered: /' $MT_STATE/considered | cut -c1-300
field() { sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p"; }
mt_check_eq "candidates in the record" "$(wc -l < $MT_STATE/considered)" 5
mt_check_str "the leaker's growth_known" "$(grep '"cgroup":"work/cheap4"' $MT_STATE/considered | field growth_known)" true
mt_check_eq "candidates with growth_known false" "$(grep -c '"growth_known":false' $MT_STATE/considered)" 0
top=$(while read -r l; do echo "$(echo "$l" | field growth_rate) $(echo "$l" | field cgroup)"; done < $MT_STATE/considered |
	sort -n -r | head -n 1)
mt_log "largest growth in the record: $top"
mt_check_str "the largest growth is the leaker's" "${top#* }" '"work/cheap4"'
mt_check "the leaker's growth is positive" [ "${top%% *}" -gt 0 ]
mt_check_str "the record's targets" "$(echo "$rec" | sed -n 's/.*"targets":\(\[[^]]*\]\).*/\1/p')" '["work/cheap4"]'
t_n=$(echo "$kill_line" | field notified_us) t_a=$(echo "$kill_line" | field acted_us)
mt_is_int "$t_n" && mt_is_int "$t_a" && mt_log "BENCH: first-cause wakeup_to_kill_us=$((t_a - t_n)) trigger=$(echo "$rec" | field trigger)"
mt_daemon_stop
kill -9 $valuable $pids 2>/dev/null
mt_done
