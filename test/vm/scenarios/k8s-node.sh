#!/bin/sh
# vm: mem=320M cpus=2 zram=0 timeout=150
# A Kubernetes node's cgroups on the real cgroup2 (systemd driver; containerd,
# and CRI-O with crun's "container" sub-cgroup; pause and conmon scopes; the
# kubelet's /var/log/containers symlinks; host services). memtriage
# check-policy gives every live cgroup exactly its policy and its
# namespace/pod/container: the default set by QoS, kube-system and
# system.slice protected, sandbox and conmon scopes never candidates; and a
# namespace- (and container-) scoped policy directory applies by name.
# Then memtriaged with that directory: a leak in namespace batch's container
# makes it kill exactly that container (its policy: kill, no throttling),
# and report it by namespace/pod/container in its log and on /dev/kmsg.
. /lib/mt/lib.sh
. /lib/mt/k8s.sh

# --- the node ---
mt_cg_make init.scope && mt_k8s_bg init.scope sleep 100000
mt_k8s_service containerd.service
mt_k8s_service kubelet.service
mt_cg_make user.slice/user-1000.slice/session-1.scope && mt_k8s_bg user.slice/user-1000.slice/session-1.scope sleep 100000
libpod=machine.slice/libpod-$(mt_k8s_id podman:agent).scope
mt_cg_make "$libpod" && mt_k8s_bg "$libpod" sleep 100000

mt_k8s_pod containerd burstable kube-system coredns-5d78c9869d-x7k2p
dns_pod=$MT_K8S_POD_CG dns_pause=$MT_K8S_SANDBOX_CG
mt_k8s_container coredns memory.max=170M -- memhog --anon 4M > $MT_STATE/coredns
dns_ct=$MT_K8S_CT_CG

mt_k8s_pod containerd burstable shop web-7f9c6b8d5-2xkqz
web_pod=$MT_K8S_POD_CG web_pause=$MT_K8S_SANDBOX_CG
mt_k8s_container web memory.max=64M -- memhog --anon 8M > $MT_STATE/web
web_ct=$MT_K8S_CT_CG
mt_k8s_container sidecar -- memhog --anon 4M > $MT_STATE/sidecar
side_ct=$MT_K8S_CT_CG

mt_k8s_pod containerd guaranteed shop db-0 memory.max=96M
db_pod=$MT_K8S_POD_CG db_pause=$MT_K8S_SANDBOX_CG
mt_k8s_container postgres memory.max=96M -- memhog --anon 8M > $MT_STATE/postgres
db_ct=$MT_K8S_CT_CG

mt_k8s_pod crio besteffort batch report-28413-q8m4n
rep_pod=$MT_K8S_POD_CG rep_pause=$MT_K8S_SANDBOX_CG rep_pause_conmon=$MT_K8S_CONMON_CG
mt_k8s_container report --crun -- memhog --anon 8M > $MT_STATE/report
rep_ct=$MT_K8S_CT_CG rep_run=$MT_K8S_CT_RUN_CG rep_conmon=$MT_K8S_CT_CONMON_CG

mt_k8s_pod containerd besteffort default scratch
scr_pod=$MT_K8S_POD_CG scr_pause=$MT_K8S_SANDBOX_CG
mt_k8s_container shell -- memhog --anon 4M > $MT_STATE/shell
scr_ct=$MT_K8S_CT_CG

mt_wait_for "the six containers' memhogs holding" 30 sh -c \
	"for c in coredns web sidecar postgres report shell; do grep -q state=holding $MT_STATE/\$c || exit 1; done"

# The shapes themselves: processes only in leaves (crun: in scope/container),
# memory enabled for the children at every level, one symlink per container.
mt_check_eq "report's processes in its scope itself (crun: none)" "$(wc -l < $CG/$rep_ct/cgroup.procs)" 0
mt_check_eq "report's processes in $rep_ct/container" "$(wc -l < $CG/$rep_run/cgroup.procs)" 1
for p in kubepods.slice kubepods.slice/kubepods-burstable.slice "$web_pod" "$db_pod" "$rep_pod" "$rep_ct"; do
	mt_check "memory enabled below $p" grep -qw memory $CG/$p/cgroup.subtree_control
done
mt_check_eq "postgres memory.max" "$(mt_cg_get $db_ct memory.max)" $((96 << 20))
mt_check_eq "postgres memory.oom.group" "$(mt_cg_get $db_ct memory.oom.group)" 1
mt_check_eq "log symlinks" "$(ls $MT_K8S_LOGS | wc -l)" 6
web_uid=$(mt_k8s_uid shop/web-7f9c6b8d5-2xkqz) web_id=$(mt_k8s_id container:shop/web-7f9c6b8d5-2xkqz/web)
mt_check "web's log symlink, as the kubelet names it" [ "$(readlink $MT_K8S_LOGS/web-7f9c6b8d5-2xkqz_shop_web-$web_id.log)" = \
	"/var/log/pods/shop_web-7f9c6b8d5-2xkqz_$web_uid/web/0.log" ]
mt_check "web's pod slice names the UID with '_'" [ "$web_pod" = \
	"kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$(echo $web_uid | tr - _).slice" ]

# expect NAME TABLE: the rows every cgroup of the node must have, for the
# default set (NAME default) or with the namespace/container policies (ns).
expect() {
	if [ "$1" = ns ]; then
		batch="batch 10 kill" side="shop-sidecar 50 kill"
	else
		batch="k8s-besteffort 100 throttle-then-kill" side="k8s-burstable 300 throttle-then-kill"
	fi
	s="memtriage:structure - protected"
	cat > "$2" <<-EOF
	init.scope - - host-init - protected
	kubepods.slice (kubepods) - $s
	kubepods.slice/kubepods-besteffort.slice (kubepods) BestEffort $s
	$rep_pod batch/report-28413-q8m4n BestEffort $batch
	$rep_conmon (conmon) BestEffort $s
	$rep_pause_conmon (conmon) BestEffort $s
	$rep_pause (sandbox) BestEffort $s
	$rep_ct batch/report-28413-q8m4n/report BestEffort $batch
	$rep_run batch/report-28413-q8m4n/report BestEffort $batch
	$scr_pod default/scratch BestEffort k8s-besteffort 100 throttle-then-kill
	$scr_pause (sandbox) BestEffort $s
	$scr_ct default/scratch/shell BestEffort k8s-besteffort 100 throttle-then-kill
	kubepods.slice/kubepods-burstable.slice (kubepods) Burstable $s
	$dns_pod kube-system/coredns-5d78c9869d-x7k2p Burstable k8s-kube-system - protected
	$dns_pause (sandbox) Burstable $s
	$dns_ct kube-system/coredns-5d78c9869d-x7k2p/coredns Burstable k8s-kube-system - protected
	$web_pod shop/web-7f9c6b8d5-2xkqz Burstable k8s-burstable 300 throttle-then-kill
	$web_pause (sandbox) Burstable $s
	$web_ct shop/web-7f9c6b8d5-2xkqz/web Burstable k8s-burstable 300 throttle-then-kill
	$side_ct shop/web-7f9c6b8d5-2xkqz/sidecar Burstable $side
	$db_pod shop/db-0 Guaranteed k8s-guaranteed 600 throttle-then-kill
	$db_pause (sandbox) Guaranteed $s
	$db_ct shop/db-0/postgres Guaranteed k8s-guaranteed 600 throttle-then-kill
	machine.slice - - default 500 throttle-then-kill
	$libpod - - default 500 throttle-then-kill
	system.slice - - host-system - protected
	system.slice/containerd.service - - host-system - protected
	system.slice/kubelet.service - - host-system - protected
	user.slice - - host-users 200 throttle-then-kill
	user.slice/user-1000.slice - - host-users 200 throttle-then-kill
	user.slice/user-1000.slice/session-1.scope - - host-users 200 throttle-then-kill
	EOF
}

# check NAME POLICY_DIR: check-policy on the live tree, row by row.
check() {
	out=$MT_STATE/check-policy.$1
	memtriage check-policy "$2" --root $CG --logs $MT_K8S_LOGS > $out 2>&1
	mt_check_eq "$1: check-policy $2 exit status" $? 0
	sed "s/^/check-policy $1| /" $out
	mt_k8s_table $out > $out.rows
	expect "$1" $MT_STATE/expect.$1
	mt_k8s_check_table "$1" $out.rows $MT_STATE/expect.$1
}

check default /policies/default

# A namespace policy and a container policy on top of the default set.
pol=/tmp/policies-ns
mkdir -p $pol && cp /policies/default/*.json $pol/
echo '{"precedence": 400, "match": {"namespace": "batch"}, "priority": 10, "response": "kill"}' > $pol/batch.json
echo '{"precedence": 500, "match": {"namespace": "shop", "container": "sidecar"}, "priority": 50, "response": "kill"}' > $pol/shop-sidecar.json
check ns $pol

# --- memtriaged on this node, with the namespace policies: batch leaks ---
# batch/report is priority 10, "kill": memtriaged kills its container at
# once (no throttling first) and nothing else, and reports it by name.
mt_daemon_require mt_k8s_teardown
echo '{"reserve": "64Mi"}' > /tmp/mt.json
export MEMTRIAGE_SOCKET=/run/memtriage.sock
metrics=/run/memtriage/metrics # made by memtriaged, not here
umask 077 # mkdir's modes alone would be 0700: memtriaged sets its own
mt_daemon_start --config /tmp/mt.json --policy-dir $pol --socket $MEMTRIAGE_SOCKET --metrics-dir $metrics
umask 022
mt_daemon_wait_log "memtriaged ready" 20 '"event":"ready"'
# web, sidecar, postgres, report, shell, session-1.scope, the libpod scope;
# not coredns (kube-system), nor any pause, conmon or system.slice cgroup.
mt_check_eq "candidates at start" "$(grep '"event":"ready"' $MT_STATE/memtriaged.log | sed 's/.*"candidates":\([0-9]*\).*/\1/')" 7
memtriage candidates -o json > $MT_STATE/candidates.json
mt_check_eq "memtriage candidates exit status" $? 0
memtriage candidates --wide | sed 's/^/candidates| /'
mt_check_eq "candidates listed" "$(grep -o '"path": *"[^"]*"' $MT_STATE/candidates.json | wc -l)" 7
mt_check_eq "candidates named batch/report-28413-q8m4n/report" "$(tr -d ' \n' < $MT_STATE/candidates.json | grep -o "\"path\":\"$rep_ct\",\"k8s\":{\"namespace\":\"batch\",\"pod\":\"report-28413-q8m4n\",\"container\":\"report\"}" | wc -l)" 1
mt_check_str "candidates ranked 1..7" "$(grep -o '"rank": *[0-9]*' $MT_STATE/candidates.json | tr -d ' ' | tr '\n' ,)" '"rank":1,"rank":2,"rank":3,"rank":4,"rank":5,"rank":6,"rank":7,'
# Nobody made /run/memtriage or its metrics directory: memtriaged did,
# root's and 0755 whatever the umask (lib/rundir.h).
mt_check_str "metrics directory and its parent made by memtriaged" "$(stat -c '%n %a %u %g' /run/memtriage $metrics)" \
	"/run/memtriage 755 0 0
$metrics 755 0 0"
mt_check "metrics file written at start" grep -qx 'memtriage_build_info{version="[^"]*"} 1' $metrics/memtriage.prom
mt_check_eq "pause or conmon scopes listed" "$(grep -Ec "$dns_pause|$web_pause|$db_pause|$rep_pause|$scr_pause|crio-conmon|$dns_ct" $MT_STATE/candidates.json)" 0

mt_cg_run $rep_run memhog --anon inf --rate 64 > $MT_STATE/leak; leak=$MT_PID
mt_daemon_wait_log "memtriaged killed a group" 60 '"event":"kill"'
mt_daemon_wait_log "the kill completed (populated 0)" 20 '"event":"kill-done"'
mt_daemon_wait_log "the kill reported" 5 '"event":"kill-report"'
mt_wait_for "the leaker gone" 10 sh -c "! kill -0 $leak" || kill -9 $leak
wait $leak; mt_check_eq "leaker exit status (SIGKILL)" $? 137
grep -E '"event":"(decision|kill|kill-done|kill-report|throttle|terminate)"' $MT_STATE/memtriaged.log | cut -c1-600 | sed 's/^/k8s-node| /'
mt_check_eq "kills" "$(mt_daemon_log_count '"event":"kill"')" 1
mt_check_eq "kills of batch/report's container" "$(mt_daemon_log_count "\"event\":\"kill\",\"cgroup\":\"$rep_ct\"")" 1
mt_check_eq "decisions naming it the only target with policy batch" \
	"$(grep '"event":"decision"' $MT_STATE/memtriaged.log | grep -F "\"targets\":[\"$rep_ct\"]" | grep -cF "{\"cgroup\":\"$rep_ct\",\"policy\":\"batch\",\"priority\":10,\"response\":\"kill\"")" 1
mt_check_eq "throttles (batch's policy is kill, not throttle-then-kill)" "$(mt_daemon_log_count '"event":"throttle"')" 0
mt_check_eq "kill reports logged with its names" "$(mt_daemon_log_count \
	"\"event\":\"kill-report\",\"cgroup\":\"$rep_ct\",\"k8s\":\\{\"namespace\":\"batch\",\"pod\":\"report-28413-q8m4n\",\"container\":\"report\"\\},\"reason\":\"[a-z-]+\",\"freed_ram\":[0-9]{8,},\"freed_swap\":0,.*\"kmsg\":true")" 1
kmsg="memtriage: killed cgroup=$rep_ct namespace=batch pod=report-28413-q8m4n container=report reason=[a-z-]+ freed_ram=[0-9]{8,} freed_swap=0 decision=[0-9]+\$"
dmesg | grep 'memtriage: killed' | sed 's/^/dmesg| /'
mt_check_eq "kill report lines in the kernel log" "$(dmesg | grep -Ec "$kmsg")" 1
memtriage history -o json > $MT_STATE/history.json
mt_check_eq "memtriage history exit status" $? 0
memtriage history --wide | sed 's/^/history| /'
mt_check_eq "history: kills of $rep_ct" "$(tr -d ' \n' < $MT_STATE/history.json | grep -o "\"action\":\"kill\",\"dry_run\":false,\"victims\":\[{\"path\":\"$rep_ct\"" | wc -l)" 1
mt_check_eq "history: the victim's Kubernetes names" "$(tr -d ' \n' < $MT_STATE/history.json | grep -o "\"victims\":\[{\"path\":\"$rep_ct\",\"k8s\":{\"namespace\":\"batch\",\"pod\":\"report-28413-q8m4n\",\"container\":\"report\"}}\]" | wc -l)" 1
# Metrics (issue 8): the kill counted under the container's names and the
# kill report's reason, in a file written atomically (no temp file left).
reason=$(dmesg | grep -E "$kmsg" | sed 's/.* reason=\([a-z-]*\) .*/\1/')
series="memtriage_kills_total{namespace=\"batch\",pod=\"report-28413-q8m4n\",container=\"report\",reason=\"$reason\"}"
mt_wait_for "metrics: $series 1" 5 grep -qxF "$series 1" $metrics/memtriage.prom
mt_check_eq "metrics: kills_total series" "$(grep -c '^memtriage_kills_total{' $metrics/memtriage.prom)" 1
mt_check "metrics: actions_total{action=kill} 1" grep -qx 'memtriage_actions_total{action="kill"} 1' $metrics/memtriage.prom
mt_check "metrics: no throttle counted" grep -qx 'memtriage_actions_total{action="throttle"} 0' $metrics/memtriage.prom
mt_check_ge "metrics: decisions_total" "$(sed -n 's/^memtriage_decisions_total \([0-9]*\)$/\1/p' $metrics/memtriage.prom)" 1
mt_check "metrics: policy reload ok" grep -qx 'memtriage_policy_reload_success 1' $metrics/memtriage.prom
mt_check_gt "metrics: node bound bytes" "$(sed -n 's/^memtriage_node_bound_bytes \([0-9]*\)$/\1/p' $metrics/memtriage.prom)" 0
# A temp file exists for the instant of each rewrite (every 10 s and after
# each decision); one left behind would stay.
only_prom() { [ "$(ls $metrics | tr '\n' ' ')" = "memtriage.prom " ]; }
mt_wait_for "metrics: only memtriage.prom in the directory (no temp file left)" 2 only_prom
# The host runs promtool on this copy (test/vm/host/k8s-node.sh).
sed 's/^/metrics-file| /' $metrics/memtriage.prom
mt_check_eq "report populated" "$(mt_cg_key $rep_ct cgroup.events populated)" 0
for c in $dns_ct $web_ct $side_ct $db_ct $scr_ct $dns_pause $rep_pause $rep_pause_conmon $rep_conmon; do
	mt_check_eq ".../${c##*/} populated" "$(mt_cg_key $c cgroup.events populated)" 1
done
mt_check_no_kernel_oom
mt_daemon_stop
mt_k8s_teardown
mt_done
