# The peers comparison's Kubernetes-shaped node (scenario k8s), sourced by
# guest.sh after /lib/mt/k8s.sh (the shapes the vm suite's k8s-node.sh
# builds: pod slices by QoS, container scopes with memory.oom.group=1, pause
# sandboxes, /var/log/containers symlinks the daemon names pods from), with
# MT_K8S_DRIVER=systemd|cgroupfs choosing the kubelet's cgroup driver.
# Needs guest.sh's register() and S.
#
# k8s_node builds (sizes add up to the leak scenario's 256M):
#   kube-system/coredns-5d78c9869d-x7k2p  Burstable  coredns   16M (limit 170M)  name dns
#   shop/db-0                             Guaranteed postgres 140M (limit 200M)  name db
#   shop/web-7f9c6b8d5-2xkqz              Burstable  web       32M (limit 96M)   name web
#   default/scratch                       BestEffort shell     32M               name scratch
#   batch/report-28413-q8m4n (CRI-O, crun) BestEffort report   24M               name report
#   batch/leaky-6b7f5d9c4-lk2vq           BestEffort worker    16M               name leakside
# and sets K8S_LEAK_RUN (the cgroup the episode's leaker joins: the worker
# container, so the leaking pod is two processes), K8S_LEAK_POD, K8S_KUBEPODS,
# K8S_VICTIMS (the QoS slices' pods, for oomd), K8S_DNS_POD.
# Every process gets the oom_score_adj the kubelet gives its QoS class
# (Guaranteed -997, BestEffort 1000, Burstable 1000 - 1000 x request /
# capacity, clamped to 2..999): the kubelet always sets it, whatever else
# supervises the node, so "kernel" and "kernel-kubelet" are the same node here.
# shellcheck disable=SC2034 # the K8S_* and EXTRA_* results are guest.sh's

# k8s_adj REQUEST_MIB: the kubelet's Burstable oom_score_adj on this node.
k8s_adj() {
	cap=$(( $(mt_meminfo MemTotal) / 1024 ))
	a=$(( 1000 - 1000 * $1 / cap ))
	[ $a -lt 2 ] && a=2
	[ $a -gt 999 ] && a=999
	echo $a
}

# k8s_ct PNAME CONTAINER COMM ADJ [FILE=VALUE...] -- MEMHOG-ARGS...: a
# container of the current pod running one memhog with a heartbeat.
k8s_ct() {
	_pn=$1 _ct=$2 _comm=$3 _adj=$4; shift 4
	_kv=""
	while [ "$1" != -- ]; do _kv="$_kv $1"; shift; done
	shift
	# shellcheck disable=SC2086 # FILE=VALUE words have no blanks
	mt_k8s_container $_ct $_kv -- memhog --name $_comm --random --every 1 --heartbeat $S/hb.$_pn "$@" > $S/out.$_pn
	register $_pn $MT_PID $_adj $MT_K8S_CT_CG ${K8S_CGNAME:-$_pn}
}

k8s_node() {
	mt_k8s_service containerd.service
	mt_k8s_service kubelet.service
	mt_k8s_pod containerd burstable kube-system coredns-5d78c9869d-x7k2p
	K8S_DNS_POD=$MT_K8S_POD_CG
	k8s_ct dns coredns coredns "$(k8s_adj 70)" memory.max=170M -- --anon 16M
	mt_k8s_pod containerd guaranteed shop db-0 memory.max=200M
	k8s_ct db postgres valuable -997 memory.max=200M -- --anon 140M
	mt_k8s_pod containerd burstable shop web-7f9c6b8d5-2xkqz
	k8s_ct web web burstable "$(k8s_adj 64)" memory.max=96M -- --anon 32M
	mt_k8s_pod containerd besteffort default scratch
	k8s_ct scratch shell cheap 1000 -- --anon 32M
	mt_k8s_pod crio besteffort batch report-28413-q8m4n
	mt_k8s_container report --crun -- memhog --name cheap --random --every 1 --heartbeat $S/hb.report --anon 24M > $S/out.report
	register report $MT_PID 1000 $MT_K8S_CT_CG report
	mt_k8s_pod containerd besteffort batch leaky-6b7f5d9c4-lk2vq
	K8S_LEAK_POD=$MT_K8S_POD_CG
	K8S_CGNAME=leakpod k8s_ct leakside worker cheap 1000 -- --anon 16M
	K8S_CGNAME=""
	K8S_LEAK_RUN=$MT_K8S_CT_RUN_CG
	if [ "$MT_K8S_DRIVER" = cgroupfs ]; then
		K8S_KUBEPODS=kubepods
		K8S_VICTIMS="kubepods/besteffort/*,kubepods/burstable/*"
	else
		K8S_KUBEPODS=kubepods.slice
		K8S_VICTIMS="kubepods.slice/kubepods-besteffort.slice/*,kubepods.slice/kubepods-burstable.slice/*"
	fi
}

# k8s_extra: the parent and name format of the extra cgroups (guest.sh's
# --extra-cgroups): empty container cgroups in one BestEffort pod no log
# symlink names, so each is an unnamed container -- a candidate, watched.
k8s_extra() {
	EXTRA_PARENT=$(mt_k8s_pod_path besteffort "$(mt_k8s_uid default/idle)")
	mt_cg_make "$EXTRA_PARENT"
	echo "$MT_CONTROLLERS" > $CG/$EXTRA_PARENT/cgroup.subtree_control
	if [ "$MT_K8S_DRIVER" = cgroupfs ]; then EXTRA_FMT='%064x'; else EXTRA_FMT='cri-containerd-%064x.scope'; fi
}
