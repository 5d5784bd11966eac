#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "fileio.h"
#include "k8s.h"

#define ID1 "c842e7e9efb61e3cc052505d39c50d0e0ae82d6b04405ac03322df3549cdf6e0" /* web nginx */
#define IDP "4cb6765c1203c6668158fbce7dc81be00e5cad5325a9adb10847c9811137993c" /* web pause */
#define IDJ "598fee22f789015de23540f9b4ddd4c699b84235b78bb8790bd4dd77e064e7c0" /* batch job */
#define IDD "9b01805a84133e737d1e7c2ff74e3af1e3acc343d7fa84e933326dcc8e1af147" /* coredns */
#define UIDW "0f6c2a6e-1b2d-4c3e-9f4a-5b6c7d8e9f01"
#define UIDW_ "0f6c2a6e_1b2d_4c3e_9f4a_5b6c7d8e9f01"
#define UIDD "2b3c4d5e-6f70-4b8c-9dae-1f2a3b4c5d6e"

static void path(const char *p, enum mt_k8s_kind kind, enum mt_k8s_driver drv, enum mt_qos qos,
		 enum mt_k8s_runtime rt, const char *uid, const char *id, size_t clen)
{
	struct mt_k8s_path r;
	CHECK_INT(mt_k8s_path_parse(p, &r), 0);
	if (r.kind != kind)
		fprintf(stderr, "%s: kind %s\n", p, mt_k8s_kind_to_string(r.kind));
	CHECK_INT(r.kind, kind);
	CHECK_INT(r.driver, drv);
	CHECK_INT(r.qos, qos);
	CHECK_INT(r.runtime, rt);
	CHECK_STR(r.pod_uid, uid);
	CHECK_STR(r.container_id, id);
	CHECK_INT(r.container_len, clen);
}

#define SB "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UIDW_ ".slice"

static void test_paths(void)
{
	const enum mt_k8s_driver S = MT_K8S_DRIVER_SYSTEMD, F = MT_K8S_DRIVER_CGROUPFS, N = MT_K8S_DRIVER_NONE;
	const enum mt_k8s_runtime U = MT_K8S_RUNTIME_UNKNOWN;

	path("", MT_K8S_NONE, N, MT_QOS_UNKNOWN, U, "", "", 0);
	path("system.slice/kubelet.service", MT_K8S_NONE, N, MT_QOS_UNKNOWN, U, "", "", 0);
	path("kubepods.slice", MT_K8S_KUBEPODS, S, MT_QOS_UNKNOWN, U, "", "", 0);
	path("kubepods.slice/kubepods-besteffort.slice", MT_K8S_KUBEPODS, S, MT_QOS_BESTEFFORT, U, "", "", 0);
	path(SB, MT_K8S_POD, S, MT_QOS_BURSTABLE, U, UIDW, "", 0);
	path(SB "/cri-containerd-" ID1 ".scope", MT_K8S_CONTAINER, S, MT_QOS_BURSTABLE, MT_K8S_RUNTIME_CONTAINERD,
	     UIDW, ID1, sizeof(SB "/cri-containerd-" ID1 ".scope") - 1);
	path(SB "/crio-" ID1 ".scope", MT_K8S_CONTAINER, S, MT_QOS_BURSTABLE, MT_K8S_RUNTIME_CRIO, UIDW, ID1,
	     sizeof(SB "/crio-" ID1 ".scope") - 1);
	path(SB "/crio-" ID1 ".scope/container", MT_K8S_CONTAINER_SUB, S, MT_QOS_BURSTABLE, MT_K8S_RUNTIME_CRIO,
	     UIDW, ID1, sizeof(SB "/crio-" ID1 ".scope") - 1);
	path(SB "/crio-conmon-" ID1 ".scope", MT_K8S_CONMON, S, MT_QOS_BURSTABLE, MT_K8S_RUNTIME_CRIO, UIDW, ID1,
	     sizeof(SB "/crio-conmon-" ID1 ".scope") - 1);
	path(SB "/docker-" ID1 ".scope", MT_K8S_CONTAINER, S, MT_QOS_BURSTABLE, MT_K8S_RUNTIME_DOCKER, UIDW, ID1,
	     sizeof(SB "/docker-" ID1 ".scope") - 1);
	/* Guaranteed: the pod directly under kubepods. */
	path("kubepods.slice/kubepods-pod" UIDW_ ".slice/cri-containerd-" ID1 ".scope", MT_K8S_CONTAINER, S,
	     MT_QOS_GUARANTEED, MT_K8S_RUNTIME_CONTAINERD, UIDW, ID1,
	     sizeof("kubepods.slice/kubepods-pod" UIDW_ ".slice/cri-containerd-" ID1 ".scope") - 1);
	/* A kubelet --cgroup-root prefix. */
	path("kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
	     "kubelet-kubepods-besteffort-pod" UIDW_ ".slice",
	     MT_K8S_POD, S, MT_QOS_BESTEFFORT, U, UIDW, "", 0);
	/* Unrecognized shapes below kubepods. */
	path("kubepods.slice/whatever.slice", MT_K8S_UNRECOGNIZED, S, MT_QOS_UNKNOWN, U, "", "", 0);
	path(SB "/cri-containerd-abc.scope", MT_K8S_UNRECOGNIZED, S, MT_QOS_BURSTABLE, U, UIDW, "", 0);
	path(SB "/cri-containerd-" ID1, MT_K8S_UNRECOGNIZED, S, MT_QOS_BURSTABLE, U, UIDW, "", 0);
	path("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podXYZ.slice", MT_K8S_UNRECOGNIZED, S,
	     MT_QOS_BURSTABLE, U, "", "", 0);
	/* A cgroupfs QoS name under the systemd driver is not a QoS slice. */
	path("kubepods.slice/burstable", MT_K8S_UNRECOGNIZED, S, MT_QOS_UNKNOWN, U, "", "", 0);

	/* cgroupfs driver. */
	path("kubepods", MT_K8S_KUBEPODS, F, MT_QOS_UNKNOWN, U, "", "", 0);
	path("kubepods/burstable", MT_K8S_KUBEPODS, F, MT_QOS_BURSTABLE, U, "", "", 0);
	path("kubepods/burstable/pod" UIDW, MT_K8S_POD, F, MT_QOS_BURSTABLE, U, UIDW, "", 0);
	path("kubepods/burstable/pod" UIDW "/" ID1, MT_K8S_CONTAINER, F, MT_QOS_BURSTABLE, U, UIDW, ID1,
	     sizeof("kubepods/burstable/pod" UIDW "/" ID1) - 1);
	path("kubepods/pod" UIDW "/" ID1 "/container", MT_K8S_CONTAINER_SUB, F, MT_QOS_GUARANTEED, U, UIDW, ID1,
	     sizeof("kubepods/pod" UIDW "/" ID1) - 1);
	path("kubepods/besteffort/pod" UIDW "/crio-" ID1, MT_K8S_CONTAINER, F, MT_QOS_BESTEFFORT,
	     MT_K8S_RUNTIME_CRIO, UIDW, ID1, sizeof("kubepods/besteffort/pod" UIDW "/crio-" ID1) - 1);
	path("kubepods/besteffort/pod" UIDW "/crio-conmon-" ID1, MT_K8S_CONMON, F, MT_QOS_BESTEFFORT,
	     MT_K8S_RUNTIME_CRIO, UIDW, ID1, sizeof("kubepods/besteffort/pod" UIDW "/crio-conmon-" ID1) - 1);
	/* Static pods: a 32-hex UID without dashes. */
	path("kubepods/pod0123456789abcdef0123456789abcdef", MT_K8S_POD, F, MT_QOS_GUARANTEED, U,
	     "0123456789abcdef0123456789abcdef", "", 0);
	path("kubepods/pod", MT_K8S_UNRECOGNIZED, F, MT_QOS_UNKNOWN, U, "", "", 0);
	/* Deeper than the parser looks: unrecognized, never a guess. */
	char deep[1024] = "kubepods/burstable/pod" UIDW "/" ID1;
	for (int i = 0; i < 70; i++)
		strcat(deep, "/x");
	path(deep, MT_K8S_UNRECOGNIZED, F, MT_QOS_BURSTABLE, U, UIDW, ID1, sizeof("kubepods/burstable/pod" UIDW "/" ID1) - 1);
	/* Slashes doubled or trailing do not change the parse. */
	path("kubepods//burstable/", MT_K8S_KUBEPODS, F, MT_QOS_BURSTABLE, U, "", "", 0);
}

static void test_lognames(void)
{
	struct mt_k8s_name n;
	char uid[MT_K8S_UID_MAX + 1];

	CHECK_INT(mt_k8s_logname_parse("web-7d9f8-abcde_shop_nginx-" ID1 ".log", &n), 0);
	CHECK_STR(n.pod, "web-7d9f8-abcde");
	CHECK_STR(n.k8s_namespace, "shop");
	CHECK_STR(n.container, "nginx");
	CHECK_STR(n.container_id, ID1);
	/* A container name with dashes: the ID is after the last one. */
	CHECK_INT(mt_k8s_logname_parse("p_ns_my-side-car-" ID1 ".log", &n), 0);
	CHECK_STR(n.container, "my-side-car");
	CHECK_INT(mt_k8s_logname_parse("p_ns_c-" ID1 ".txt", &n), -EINVAL);
	CHECK_INT(mt_k8s_logname_parse("p_ns-c-" ID1 ".log", &n), -EINVAL);     /* one '_' */
	CHECK_INT(mt_k8s_logname_parse("p_n_s_c-" ID1 ".log", &n), -EINVAL);    /* three */
	CHECK_INT(mt_k8s_logname_parse("p__c-" ID1 ".log", &n), -EINVAL);       /* empty namespace */
	CHECK_INT(mt_k8s_logname_parse("P_ns_c-" ID1 ".log", &n), -EINVAL);     /* not a DNS name */
	CHECK_INT(mt_k8s_logname_parse("p_ns_c-" IDP "0.log", &n), -EINVAL);
	CHECK_INT(mt_k8s_logname_parse("p_ns_c_" ID1 ".log", &n), -EINVAL);
	CHECK_INT(mt_k8s_logname_parse(".log", &n), -EINVAL);

	CHECK_INT(mt_k8s_logtarget_uid("/var/log/pods/shop_web-7d9f8-abcde_" UIDW "/nginx/0.log", uid), 0);
	CHECK_STR(uid, UIDW);
	CHECK_INT(mt_k8s_logtarget_uid("nginx/0.log", uid), -EINVAL);
	CHECK_INT(mt_k8s_logtarget_uid("/var/log/pods/nouid/nginx/0.log", uid), -EINVAL);
	CHECK_INT(mt_k8s_logtarget_uid("/var/log/pods/a_b_XYZ/nginx/0.log", uid), -EINVAL);
}

static struct mt_k8s_names *names_of(const char *tree)
{
	char p[4096];
	struct mt_k8s_names *names = NULL;
	snprintf(p, sizeof(p), "%s/k8s/%s/logs", getenv("MT_FIXTURES"), tree);
	_cleanup_close_ int fd = mt_dir_open(AT_FDCWD, p);
	CHECK(fd >= 0);
	int r = mt_k8s_names_load(fd, &names);
	CHECK(r >= 0);
	return names;
}

static void ident(const struct mt_k8s_names *names, const char *relpath, enum mt_k8s_kind kind, const char *ns,
		  const char *pod, const char *container)
{
	struct mt_k8s_identity id;
	CHECK_INT(mt_k8s_identify(names, relpath, &id), 0);
	CHECK_INT(id.path.kind, kind);
	CHECK_INT(id.named, ns != NULL);
	CHECK_STR(id.k8s_namespace, ns ? ns : "");
	CHECK_STR(id.pod, pod ? pod : "");
	CHECK_STR(id.container, container ? container : "");
}

static void test_names(void)
{
	struct mt_k8s_names *n = names_of("systemd-containerd");
	const struct mt_k8s_name *e = mt_k8s_names_by_container(n, IDJ);
	CHECK(e != NULL);
	if (e) {
		CHECK_STR(e->pod, "report-28391-xk2p9");
		CHECK_STR(e->k8s_namespace, "batch");
		CHECK_STR(e->container, "job");
		CHECK_STR(e->pod_uid, "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d");
	}
	CHECK(mt_k8s_names_by_container(n, IDP) == NULL);
	CHECK(mt_k8s_names_by_container(n, "short") == NULL);
	CHECK(mt_k8s_names_by_pod(n, UIDD) != NULL);

	ident(n, SB, MT_K8S_POD, "shop", "web-7d9f8-abcde", NULL);
	ident(n, SB "/cri-containerd-" ID1 ".scope", MT_K8S_CONTAINER, "shop", "web-7d9f8-abcde", "nginx");
	ident(n, SB "/cri-containerd-" IDP ".scope", MT_K8S_SANDBOX, NULL, NULL, NULL);
	ident(n, "kubepods.slice/kubepods-pod2b3c4d5e_6f70_4b8c_9dae_1f2a3b4c5d6e.slice/cri-containerd-" IDD ".scope",
	      MT_K8S_CONTAINER, "kube-system", "coredns-5d78c9869d-q7h2k", "coredns");
	ident(n, "system.slice/kubelet.service", MT_K8S_NONE, NULL, NULL, NULL);
	/* Without names nothing is named and nothing is called a sandbox. */
	ident(NULL, SB "/cri-containerd-" IDP ".scope", MT_K8S_CONTAINER, NULL, NULL, NULL);
	mt_k8s_names_free(n);

	n = names_of("systemd-crio");
	ident(n, SB "/crio-" ID1 ".scope/container", MT_K8S_CONTAINER_SUB, "shop", "web-7d9f8-abcde", "nginx");
	ident(n, SB "/crio-conmon-" ID1 ".scope", MT_K8S_CONMON, NULL, NULL, NULL);
	ident(n, SB "/crio-" IDP ".scope", MT_K8S_SANDBOX, NULL, NULL, NULL);
	mt_k8s_names_free(n);

	n = names_of("cgroupfs-containerd");
	ident(n, "kubepods/burstable/pod" UIDW "/" ID1, MT_K8S_CONTAINER, "shop", "web-7d9f8-abcde", "nginx");
	ident(n, "kubepods/burstable/pod" UIDW "/" IDP, MT_K8S_SANDBOX, NULL, NULL, NULL);
	mt_k8s_names_free(n);

	n = names_of("cgroupfs-crio");
	ident(n, "kubepods/besteffort/pod1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d/crio-" IDJ, MT_K8S_CONTAINER, "batch",
	      "report-28391-xk2p9", "job");
	mt_k8s_names_free(n);

	/* An empty directory: zero names, so no pod has named containers and
	 * no scope is taken for a sandbox. */
	char tmpl[] = "/tmp/mt-k8s-XXXXXX";
	CHECK(mkdtemp(tmpl) != NULL);
	_cleanup_close_ int fd = mt_dir_open(AT_FDCWD, tmpl);
	CHECK_INT(mt_k8s_names_load(fd, &n), 0);
	ident(n, SB "/cri-containerd-" ID1 ".scope", MT_K8S_CONTAINER, NULL, NULL, NULL);
	mt_k8s_names_free(n);
	rmdir(tmpl);
}

int main(void)
{
	CHECK_STR(mt_qos_to_string(MT_QOS_BESTEFFORT), "BestEffort");
	enum mt_qos q;
	CHECK_INT(mt_qos_from_string("Burstable", &q), 0);
	CHECK_INT(q, MT_QOS_BURSTABLE);
	CHECK_INT(mt_qos_from_string("", &q), -EINVAL);
	CHECK(mt_k8s_kind_is_candidate(MT_K8S_CONTAINER));
	CHECK(!mt_k8s_kind_is_candidate(MT_K8S_SANDBOX));
	CHECK(!mt_k8s_kind_is_candidate(MT_K8S_CONTAINER_SUB));
	test_paths();
	test_lognames();
	test_names();
	return mt_check_status();
}
