#!/bin/sh
# vm: mem=512M cpus=2 zram=0 timeout=150
# Policies from a ConfigMap-style directory (entries are symlinks through a
# "..data" symlink that an update swaps): a swap reloads the set; a bad set
# is refused and the last good one kept; SIGHUP reloads. A reload that
# gives a candidate's policy a pressure tolerance arms its PSI trigger at
# once (no re-creation of the cgroup needed), one that changes it replaces
# it. SIGTERM while a group is throttled restores its memory.high before exit.
. /lib/mt/lib.sh
mt_daemon_require
cm=/tmp/cm
mkdir -p $cm/..v1
echo '{"precedence": 0, "match": {}, "protected": true}' > $cm/..v1/rest.json
echo '{"precedence": 100, "match": {"cgroup": "work/*"}, "priority": 100, "response": "throttle",
  "throttle": {"floor": "80%", "step": "5%", "interval_ms": 1000, "release_after_s": 600, "release_psi_some": 1}}' > $cm/..v1/work.json
ln -s ..v1 $cm/..data
ln -s ..data/rest.json $cm/rest.json
ln -s ..data/work.json $cm/work.json
echo '{"reserve": "64Mi"}' > /tmp/mt.json
mt_cg_make work/slow
mt_daemon_start --config /tmp/mt.json --policy-dir $cm --socket ""
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
# psi_fds: memory.pressure files memtriaged holds open for work/slow.
psi_fds() { ls -l /proc/$MT_DAEMON_PID/fd | grep -c 'work/slow/memory.pressure$'; }
mt_check_eq "v1 (no pressure tolerance): PSI triggers on work/slow" "$(psi_fds)" 0

# A ConfigMap update: new files in a new dir, then ..data swapped.
mkdir $cm/..v2
cp $cm/..v1/rest.json $cm/..v2/
echo '{"precedence": 100, "match": {"cgroup": "work/*"}, "priority": 300, "response": "throttle",
  "throttle": {"floor": "80%", "step": "5%", "interval_ms": 1000, "release_after_s": 600, "release_psi_some": 1},
  "pressure": {"full": 50, "window_ms": 1000, "sustain_s": 60}}' > $cm/..v2/work.json
ln -sfn ..v2 $cm/..data
mt_daemon_wait_log "reloaded on the ..data swap" 10 '"event":"policies-loaded","why":"policy directory changed","count":2'
mt_check_eq "v2 (pressure full 50 %): PSI triggers on work/slow" "$(psi_fds)" 1
fd_v2=$(ls -l /proc/$MT_DAEMON_PID/fd | grep 'work/slow/memory.pressure$' | awk '{ print $9 }')

# A bad update: refused, the last good set kept, the daemon runs on.
mkdir $cm/..v3
cp $cm/..v1/rest.json $cm/..v3/
echo '{"precedence": 100, "match": {"cgroup": "work/*"}, "priority": "high"}' > $cm/..v3/work.json
ln -sfn ..v3 $cm/..data
mt_daemon_wait_log "bad set refused" 10 '"event":"policy-reload-failed".*work.json.*"kept":"last good set"'
mt_check "daemon still running" mt_alive $MT_DAEMON_PID
ln -sfn ..v2 $cm/..data
sleep 1
kill -HUP $MT_DAEMON_PID
mt_daemon_wait_log "SIGHUP reloads" 10 '"event":"policies-loaded","why":"SIGHUP","count":2'
mt_check_str "an unchanged tolerance keeps its trigger (same fd)" \
	"$(ls -l /proc/$MT_DAEMON_PID/fd | grep 'work/slow/memory.pressure$' | awk '{ print $9 }')" "$fd_v2"
# A changed tolerance (some and full) replaces the trigger with two.
mkdir $cm/..v4
cp $cm/..v1/rest.json $cm/..v4/
sed 's/"full": 50/"some": 60, "full": 40/' $cm/..v2/work.json > $cm/..v4/work.json
ln -sfn ..v4 $cm/..data
# Waited for by its effect: reloads are not counted, since `mkdir ..v4`
# alone can trigger one (of the unchanged ..v2) when the debounce fires
# before the swap -- seen on a loaded host.
v4_armed() { [ "$(psi_fds)" -eq 2 ]; }
mt_wait_for "v4 (some 60 %, full 40 %): two PSI triggers on work/slow" 10 v4_armed

# SIGTERM while throttled: memory.high restored.
# the node near its bound first (holds begin at MemAvailable <= 2 x the 64 MiB reserve)
mt_fill_to 150 ballast
mt_cg_run work/slow memhog --anon 300M --rate 6 > $MT_STATE/slow; slow=$MT_PID
mt_daemon_wait_log "work/slow throttled" 60 '"event":"throttle","cgroup":"work/slow"'
mt_check "work/slow memory.high is a number while held" mt_is_int "$(mt_cg_get work/slow memory.high)"
mt_daemon_stop
mt_check "memory.high restored to max on SIGTERM" [ "$(mt_cg_get work/slow memory.high)" = max ]
mt_check "restore logged" grep -q '"event":"release","cgroup":"work/slow".*"why":"shutdown"' $MT_STATE/memtriaged.log
kill -9 $slow $MT_FILL_PID 2>/dev/null
mt_done
