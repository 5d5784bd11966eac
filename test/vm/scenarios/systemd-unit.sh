#!/bin/sh
# vm: mem=1G cpus=2 zram=0 timeout=600 rootfs=systemd
# deploy/systemd/memtriaged.service under a real systemd (issue 14): Debian
# 12's systemd 252 as PID 1, the unit and the binaries installed where the
# README puts them. `systemctl start` returns once memtriaged sent READY=1
# (Type=notify: active only then), it made its metrics directory under
# ProtectSystem=strict, socket_group works under the unit's sandbox
# (CAP_CHOWN, @chown), WATCHDOG=1 keep-alives run; `systemctl reload`
# reloads the policies (SIGHUP); a leaker is killed; process_mrelease passes
# the unit's SystemCallFilter= (and a drop-in that filters it out shows
# what the allowance buys); a throttled grower is
# restored by `systemctl stop`; journald files each line at its priority;
# and `systemd-analyze security memtriaged.service` is quoted.
. /lib/mt/lib.sh
mt_check_str "PID 1" "$(cat /proc/1/comm)" systemd
mt_log "$(systemctl --version | head -n 1)"
j() { journalctl -u memtriaged --no-pager -o cat "$@"; }
jcount() { j | grep -Ec "$1"; }
jwait() { mt_wait_for "$1" "$2" sh -c "journalctl -u memtriaged --no-pager -o cat | grep -Eq '$3'"; }

# --- installed as the README says; configuration and policies in /etc ---
echo 'mtro:x:2000:' >> /etc/group
mkdir -p /etc/memtriage/policies
cp /policies/default/*.json /etc/memtriage/policies/
echo '{"precedence": 500, "match": {"cgroup": "system.slice/leak*.service"}, "priority": 10, "response": "kill"}' \
	> /etc/memtriage/policies/leak.json
echo '{"precedence": 500, "match": {"cgroup": "system.slice/slow.service"}, "priority": 100, "response": "throttle",
  "throttle": {"floor": "80%", "step": "5%", "interval_ms": 1000, "release_after_s": 600, "release_psi_some": 10}}' \
	> /etc/memtriage/policies/slow.json
echo '{"socket_group": "mtro", "reserve": "64Mi"}' > /etc/memtriage/memtriaged.json
systemctl daemon-reload

# --- start: active means READY=1 arrived ---
systemctl start memtriaged
mt_check_eq "systemctl start memtriaged exit status" $? 0
prop() { systemctl show -p "$1" --value memtriaged; }
mt_check_str "state after start" "$(prop ActiveState)/$(prop SubState) Type=$(prop Type) NotifyAccess=$(prop NotifyAccess) WatchdogUSec=$(prop WatchdogUSec)" \
	"active/running Type=notify NotifyAccess=main WatchdogUSec=30s"
mt_check_eq "ready events logged before active" "$(jcount '"event":"ready"')" 1
mt_check_eq "watchdog keep-alive armed" "$(jcount 'watchdog: keep-alive every 15000 ms \(timeout 30000000 us\)')" 1
# systemd stamps each WATCHDOG=1 it receives: the stamp moves on.
wd0=$(prop WatchdogTimestampMonotonic)
mt_check_gt "watchdog stamp at start" "$wd0" 0
mt_check_str "metrics directory made by memtriaged under ProtectSystem=strict" \
	"$(stat -c '%a %U' /run/memtriage/metrics)" "755 root"
mt_wait_for "metrics file written" 10 test -s /run/memtriage/metrics/memtriage.prom

# --- socket_group: 0660 root:mtro; a member is answered, others are not ---
sock=/run/memtriage/memtriage.sock
mt_check_str "socket mode, owner, group" "$(stat -c '%a %u %g' $sock)" "660 0 2000"
runas 1000 2000 memtriage status > $MT_STATE/ro-status.out 2>&1
mt_check_eq "memtriage status as a member of mtro" $? 0
runas 1000 1000 memtriage status > /dev/null 2>&1
mt_check_eq "memtriage status as a non-member (unreachable)" $? 3

# --- reload ---
loaded=$(jcount '"event":"policies-loaded"')
echo '{"precedence": 1, "match": {"cgroup": "nothing/here"}, "priority": 1, "response": "kill"}' > /etc/memtriage/policies/extra.json
systemctl reload memtriaged
mt_check_eq "systemctl reload exit status" $? 0
jwait "policies reloaded on SIGHUP" 20 '"event":"policies-loaded","why":"SIGHUP","count":11'
mt_check_str "still active after reload" "$(systemctl is-active memtriaged)" active

# --- a leaker is killed ---
systemd-run --quiet --unit=leak -p MemoryAccounting=yes memhog --anon inf --rate 64
jwait "memtriaged killed leak.service" 120 '"event":"kill","cgroup":"system.slice/leak.service"'
jwait "the kill completed" 30 '"event":"kill-done","cgroup":"system.slice/leak.service"'
j | grep '"event":"kill' | sed 's/^/kill| /'
mt_wait_for "leak.service ended" 20 sh -c '[ "$(systemctl is-active leak)" != active ]'
mt_check_str "leak.service's end" "$(systemctl show -p Result --value leak)" signal
mt_check_eq "kernel log: the kill report" \
	"$(dmesg | grep -c 'memtriage: killed cgroup=system.slice/leak.service ')" 1

wd_moved() { [ "$(systemctl show -p WatchdogTimestampMonotonic --value memtriaged)" -gt "$wd0" ]; }
mt_wait_for "a later WATCHDOG=1 keep-alive received by systemd" 40 wd_moved
mt_check_eq "automatic restarts (a missed keep-alive would be one)" "$(prop NRestarts)" 0

# --- process_mrelease under the unit's SystemCallFilter= ---
# Whether memtriaged's own release wins the race with the victim's exit is
# chance ("mreleased" above); mrelease-probe asks the filter itself, as an
# ExecStartPre= of this unit (same sandbox): ok with the shipped filter,
# EPERM once a drop-in filters the call out -- what the allowance is for.
dropin=/run/systemd/system/memtriaged.service.d # not $d: lib.sh's checks use d
mkdir -p $dropin
printf '[Service]\nExecStartPre=-/usr/local/bin/mrelease-probe\n' > $dropin/probe.conf
systemctl daemon-reload && systemctl restart memtriaged
mt_check_eq "restart with the probe" $? 0
jwait "probe ran in the unit's sandbox" 20 'mrelease-probe: '
j | grep 'mrelease-probe: ' | sed 's/^/probe| /'
mt_check_eq "process_mrelease allowed by the shipped filter" "$(jcount '^mrelease-probe: process_mrelease ok \(try [0-9]+\)$')" 1
printf '[Service]\nSystemCallFilter=~process_mrelease\n' > $dropin/no-mrelease.conf
systemctl daemon-reload && systemctl restart memtriaged
mt_check_eq "restart with process_mrelease filtered out" $? 0
jwait "probe ran again" 20 'mrelease-probe: process_mrelease failed'
mt_check_eq "process_mrelease refused without the allowance" \
	"$(jcount '^mrelease-probe: process_mrelease failed: Operation not permitted \(try 1\)$')" 1
rm $dropin/probe.conf $dropin/no-mrelease.conf
systemctl daemon-reload && systemctl restart memtriaged
mt_check_str "active again with the shipped unit alone" "$(systemctl is-active memtriaged)" active

# --- a throttled grower; systemctl stop restores its memory.high ---
# A hold begins only near the bound (MemAvailable <= 2 x the 64 MiB
# reserve): a protected service (system.slice) takes RAM down to ~150 MiB.
avail=$(( $(mt_meminfo MemAvailable) / 1024 ))
systemd-run --quiet --unit=ballast -p MemoryAccounting=yes memhog --anon $((avail - 150))M --every 64 > /dev/null
mt_wait_for "the ballast in place (MemAvailable <= 160 MiB)" 120 sh -c "[ \$(awk '\$1 == \"MemAvailable:\" { print int(\$2 / 1024) }' /proc/meminfo) -le 160 ]"
systemd-run --quiet --unit=slow -p MemoryAccounting=yes memhog --anon 2G --rate 6
jwait "slow.service throttled" 180 '"event":"throttle","cgroup":"system.slice/slow.service"'
high=$(cat $CG/system.slice/slow.service/memory.high)
mt_check "slow.service memory.high held ($high)" mt_is_int "$high"
systemctl stop memtriaged
mt_check_eq "systemctl stop exit status" $? 0
mt_check_str "state after stop" "$(prop ActiveState) Result=$(prop Result) ExecMainStatus=$(prop ExecMainStatus)" \
	"inactive Result=success ExecMainStatus=0"
mt_check_str "slow.service memory.high restored by the stop" "$(cat $CG/system.slice/slow.service/memory.high)" max
systemctl kill --signal=KILL slow ballast >/dev/null 2>&1

# --- journald: each line at its priority ---
j -p warning | sed 's/^/warning| /'
mt_check_eq "journalctl -p warning lists the kill" "$(j -p warning | grep -c '"event":"kill"')" 1
mt_check_eq "... and its report" "$(j -p warning | grep -c '"event":"kill-report","cgroup":"system.slice/leak.service"')" 1
mt_check_eq "... and not the info lines" "$(j -p warning | grep -c '"event":"ready"')" 0
mt_check_eq "journalctl -p info lists the ready lines (4 starts)" "$(j -p info | grep -c '"event":"ready"')" 4

# --- the unit's exposure, as systemd 252 rates it ---
systemd-analyze security --no-pager memtriaged.service > $MT_STATE/security.out 2>&1
mt_check_eq "systemd-analyze security exit status" $? 0
sed 's/^/security| /' $MT_STATE/security.out
mt_check_eq "exposure quoted" "$(grep -c '^→ Overall exposure level for memtriaged.service: 2\.[0-9] OK' $MT_STATE/security.out)" 1
j | sed 's/^/journal| /' | cut -c1-400
mt_done
