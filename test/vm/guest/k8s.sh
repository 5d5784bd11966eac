# Kubernetes-node shapes on the guest's real cgroup2, for scenarios (busybox
# sh). Source after lib.sh:  . /lib/mt/lib.sh; . /lib/mt/k8s.sh
#
# What a kubelet with the systemd cgroup driver leaves on a node:
#   kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid, '-' as '_'>.slice/
#       cri-containerd-<64 hex>.scope           containerd (runc): one per container
#       crio-<64 hex>.scope                     CRI-O; with crun the processes sit in
#       crio-<64 hex>.scope/container           a sub-cgroup one level down
#       crio-conmon-<64 hex>.scope              CRI-O's monitor, one per container
#   Guaranteed pods directly under kubepods.slice: kubepods-pod<uid_>.slice/
#   Each pod also has a pause (sandbox) container scope, with no log symlink.
#   /var/log/containers/<pod>_<ns>_<container>-<id>.log ->
#       /var/log/pods/<ns>_<pod>_<uid>/<container>/0.log
#   system.slice/<unit>.service for host services.
# With MT_K8S_DRIVER=cgroupfs (default systemd) the kubelet's cgroupfs
# driver's shapes instead: kubepods/<qos>/pod<uid>/<64 hex> (containerd),
# crio-<64 hex>, crio-conmon-<64 hex>; Guaranteed pods as kubepods/pod<uid>.
# (See /work/shared/docs/field-notes.md, "Kubernetes nodes".) Every level
# gets the memory controller for its children (mt_cg_make). IDs and UIDs are
# derived from the names, so a scenario can compute every path in advance.
#
# Builder: mt_k8s_pod sets the "current pod"; mt_k8s_container adds to it.
# Results are in variables (MT_K8S_*), never on stdout, so that the
# background processes the functions start stay children of the scenario.

MT_K8S_DRIVER=${MT_K8S_DRIVER:-systemd}
MT_K8S_LOGS=/var/log/containers
MT_K8S_PODLOGS=/var/log/pods

# mt_k8s_id SEED: 64 lowercase hex digits (a container ID), fixed per SEED.
mt_k8s_id() { printf '%s' "$1" | sha256sum | cut -c1-64; }
# mt_k8s_uid SEED: a UUID-shaped pod UID (8-4-4-4-12 hex), fixed per SEED.
mt_k8s_uid() {
	mt_k8s_id "uid:$1" | sed 's/^\(.\{8\}\)\(.\{4\}\)\(.\{4\}\)\(.\{4\}\)\(.\{12\}\).*/\1-\2-\3-\4-\5/'
}

# mt_k8s_pod_path QOS UID: the pod's cgroup (relative to CG) for
# $MT_K8S_DRIVER. QOS is guaranteed, burstable or besteffort.
mt_k8s_pod_path() {
	if [ "$MT_K8S_DRIVER" = cgroupfs ]; then
		case $1 in
		guaranteed) echo "kubepods/pod$2" ;;
		burstable | besteffort) echo "kubepods/$1/pod$2" ;;
		*) echo "mt_k8s_pod_path: QoS '$1' is not guaranteed, burstable or besteffort" >&2; return 1 ;;
		esac
		return
	fi
	_ku=$(echo "$2" | tr - _)
	case $1 in
	guaranteed) echo "kubepods.slice/kubepods-pod$_ku.slice" ;;
	burstable | besteffort) echo "kubepods.slice/kubepods-$1.slice/kubepods-$1-pod$_ku.slice" ;;
	*) echo "mt_k8s_pod_path: QoS '$1' is not guaranteed, burstable or besteffort" >&2; return 1 ;;
	esac
}

# mt_k8s_scope RUNTIME ID: a container's scope name (cgroupfs driver: its
# directory); RUNTIME crio-conmon for CRI-O's monitor.
mt_k8s_scope() {
	if [ "$MT_K8S_DRIVER" = cgroupfs ]; then
		case $1 in
		containerd) echo "$2" ;;
		crio | crio-conmon) echo "$1-$2" ;;
		*) echo "mt_k8s_scope: runtime '$1' is not containerd or crio" >&2; return 1 ;;
		esac
		return
	fi
	case $1 in
	crio-conmon) echo "crio-conmon-$2.scope" ;;
	containerd) echo "cri-containerd-$2.scope" ;;
	crio) echo "crio-$2.scope" ;;
	*) echo "mt_k8s_scope: runtime '$1' is not containerd or crio" >&2; return 1 ;;
	esac
}

# mt_k8s_bg PATH CMD...: mt_cg_run, with the pid appended to $MT_K8S_PIDS
# (mt_k8s_teardown kills them all).
MT_K8S_PIDS=""
mt_k8s_bg() { mt_cg_run "$@"; MT_K8S_PIDS="$MT_K8S_PIDS $MT_PID"; }

# mt_k8s_pod RUNTIME QOS NAMESPACE POD [FILE=VALUE...]: creates the pod's
# slice (FILEs written into it, e.g. memory.max=64M for a pod limit), its
# log directory, and its pause container: a scope running `sleep`, with no
# log symlink; for crio also the sandbox's conmon scope. Sets the current
# pod: MT_K8S_POD_CG (cgroup path), MT_K8S_POD_UID, MT_K8S_POD_NS,
# MT_K8S_POD_NAME, MT_K8S_RUNTIME; and MT_K8S_SANDBOX_CG (its pause scope),
# MT_K8S_CONMON_CG (crio: the sandbox's conmon scope, else "").
mt_k8s_pod() {
	MT_K8S_RUNTIME=$1 MT_K8S_POD_NS=$3 MT_K8S_POD_NAME=$4
	_kqos=$2; shift 4
	MT_K8S_POD_UID=$(mt_k8s_uid "$MT_K8S_POD_NS/$MT_K8S_POD_NAME")
	MT_K8S_POD_CG=$(mt_k8s_pod_path "$_kqos" "$MT_K8S_POD_UID") || { mt_fail "mt_k8s_pod: QoS $_kqos"; return 1; }
	mt_cg_make "$MT_K8S_POD_CG" "$@" || return 1
	mkdir -p "$MT_K8S_LOGS" "$MT_K8S_PODLOGS/${MT_K8S_POD_NS}_${MT_K8S_POD_NAME}_$MT_K8S_POD_UID"
	_kid=$(mt_k8s_id "sandbox:$MT_K8S_POD_NS/$MT_K8S_POD_NAME")
	_kscope=$(mt_k8s_scope "$MT_K8S_RUNTIME" "$_kid") || { mt_fail "mt_k8s_pod: runtime $MT_K8S_RUNTIME"; return 1; }
	MT_K8S_SANDBOX_CG=$MT_K8S_POD_CG/$_kscope
	mt_cg_make "$MT_K8S_SANDBOX_CG" || return 1
	mt_k8s_bg "$MT_K8S_SANDBOX_CG" sleep 100000
	MT_K8S_CONMON_CG=""
	if [ "$MT_K8S_RUNTIME" = crio ]; then
		MT_K8S_CONMON_CG=$MT_K8S_POD_CG/$(mt_k8s_scope crio-conmon "$_kid")
		mt_cg_make "$MT_K8S_CONMON_CG" || return 1
		mt_k8s_bg "$MT_K8S_CONMON_CG" sleep 100000
	fi
}

# mt_k8s_container NAME [--crun] [FILE=VALUE...] -- CMD...: a container of
# the current pod: its scope (memory.oom.group=1 as the kubelet sets on
# cgroup v2, then the FILEs, e.g. memory.max=32M), its log symlink, and CMD
# started in it (in the scope's "container" sub-cgroup with --crun, as crun
# does); for crio also its conmon scope. Sets MT_K8S_CT_ID, MT_K8S_CT_CG (the
# scope), MT_K8S_CT_RUN_CG (where CMD runs), MT_K8S_CT_CONMON_CG ("" unless
# crio), MT_K8S_CT_LOG (the symlink), and MT_PID (CMD's pid).
mt_k8s_container() {
	_kct=$1 _kcrun=""; shift
	[ "${1:-}" = --crun ] && { _kcrun=1; shift; }
	MT_K8S_CT_ID=$(mt_k8s_id "container:$MT_K8S_POD_NS/$MT_K8S_POD_NAME/$_kct")
	MT_K8S_CT_CG=$MT_K8S_POD_CG/$(mt_k8s_scope "$MT_K8S_RUNTIME" "$MT_K8S_CT_ID")
	set -- memory.oom.group=1 "$@"
	_kkvs=""
	while [ $# -gt 0 ] && [ "$1" != -- ]; do _kkvs="$_kkvs $1"; shift; done
	[ "${1:-}" = -- ] || { mt_fail "mt_k8s_container $_kct: no '--' before the command"; return 1; }
	shift
	# shellcheck disable=SC2086 # FILE=VALUE words have no blanks
	mt_cg_make "$MT_K8S_CT_CG" $_kkvs || return 1
	MT_K8S_CT_RUN_CG=$MT_K8S_CT_CG
	if [ -n "$_kcrun" ]; then
		MT_K8S_CT_RUN_CG=$MT_K8S_CT_CG/container
		mt_cg_make "$MT_K8S_CT_RUN_CG" || return 1
	fi
	MT_K8S_CT_CONMON_CG=""
	if [ "$MT_K8S_RUNTIME" = crio ]; then
		MT_K8S_CT_CONMON_CG=$MT_K8S_POD_CG/$(mt_k8s_scope crio-conmon "$MT_K8S_CT_ID")
		mt_cg_make "$MT_K8S_CT_CONMON_CG" || return 1
		mt_k8s_bg "$MT_K8S_CT_CONMON_CG" sleep 100000
	fi
	_kdir=$MT_K8S_PODLOGS/${MT_K8S_POD_NS}_${MT_K8S_POD_NAME}_$MT_K8S_POD_UID/$_kct
	mkdir -p "$_kdir" && : > "$_kdir/0.log"
	MT_K8S_CT_LOG=$MT_K8S_LOGS/${MT_K8S_POD_NAME}_${MT_K8S_POD_NS}_$_kct-$MT_K8S_CT_ID.log
	ln -s "$_kdir/0.log" "$MT_K8S_CT_LOG" || { mt_fail "mt_k8s_container: symlink $MT_K8S_CT_LOG"; return 1; }
	mt_k8s_bg "$MT_K8S_CT_RUN_CG" "$@"
}

# mt_k8s_service UNIT: system.slice/UNIT (e.g. kubelet.service) running
# `sleep`; sets MT_K8S_SVC_CG.
mt_k8s_service() {
	MT_K8S_SVC_CG=system.slice/$1
	mt_cg_make "$MT_K8S_SVC_CG" || return 1
	mt_k8s_bg "$MT_K8S_SVC_CG" sleep 100000
}

# mt_k8s_teardown: SIGKILL every process the functions above started, and
# reap them.
mt_k8s_teardown() {
	# shellcheck disable=SC2086 # a list of pids
	kill -9 $MT_K8S_PIDS 2>/dev/null
	for _kp in $MT_K8S_PIDS; do wait "$_kp" 2>/dev/null; done
	MT_K8S_PIDS=""
}

# --- `memtriage check-policy --root ... --logs ...` tables ---
# mt_k8s_table OUT: its rows without the two header lines, one per cgroup,
# columns single-spaced: CGROUP K8S QOS POLICY PRIORITY RESPONSE.
mt_k8s_table() { awk 'NR > 2 { print $1, $2, $3, $4, $5, $6 }' "$1"; }
# mt_k8s_check_table DESC TABLE EXPECTED: every row of EXPECTED (same
# columns) is exactly the row of its cgroup in TABLE, and TABLE has no other
# rows. One awk for the lot: a process per row costs seconds under TCG.
mt_k8s_check_table() {
	awk 'NR == FNR { got[$1] = $0; n++; next }
	{ w = $0; sub(/^[^ ]* /, "", w); m++
	  if (!($1 in got)) { print "FAIL " $1 ": no row, want \047" w "\047"; next }
	  seen++; g = got[$1]; sub(/^[^ ]* /, "", g)
	  if (got[$1] == $0) print "ok .../" leaf($1) ": " w
	  else print "FAIL " $1 ": got \047" g "\047, want \047" w "\047" }
	END { print (n == seen ? "ok" : "FAIL") " rows: " n ", of which expected " seen " (of " m ")" }
	function leaf(p) { sub(/.*\//, "", p); return p }' "$2" "$3" > $MT_STATE/check-table.out
	while read -r _kst _krest; do
		if [ "$_kst" = ok ]; then mt_ok "$1: $_krest"; else mt_fail "$1: $_krest"; fi
	done < $MT_STATE/check-table.out
}
