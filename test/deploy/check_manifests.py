#!/usr/bin/env python3
"""Checks deploy/kubernetes and policies/kustomization.yaml carry what issue 8
asks of them. Usage: check_manifests.py SRCDIR MODE [ARGS]

  manifests      the manifests parse and carry the DaemonSet's fields
  policy-files   policies/kustomization.yaml lists exactly policies/default/*.json
  kustomize      `kustomize build` (or `kubectl kustomize`) renders the set, with
                 the ConfigMap wired to the DaemonSet, and the dry-run overlay
                 (deploy/overlays/dry-run) renders the same set with --dry-run
                 added and nothing else changed (exit 77 without either tool;
                 deploy/install-deps.sh installs kustomize)
  schema         each object validates against the Kubernetes OpenAPI schema
                 (validate_k8s.cjs; exit 77 without node or kubernetes-models)

Exit 0 pass, 1 fail (each failure printed), 77 skip."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

SKIP = 77
# memtriaged's command line (cmd/memtriaged/main.c, issue 6).
DAEMON_FLAGS = {"--config", "--policy-dir", "--root", "--socket", "--socket-group", "--metrics-dir", "--dry-run",
               "--log-format", "--log-level", "--watch"}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def load_one(path):
    docs = load_all(path)
    if len(docs) != 1:
        raise SystemExit(f"{path}: expected one YAML document, found {len(docs)}")
    return docs[0]


def meson_version(src):
    with open(os.path.join(src, "meson.build"), encoding="utf-8") as f:
        m = re.search(r"version\s*:\s*'([^']+)'", f.read())
    return m.group(1)


def objects(src):
    kdir = os.path.join(src, "deploy", "kubernetes")
    kust = load_one(os.path.join(kdir, "kustomization.yaml"))
    objs = []
    for r in kust.get("resources", []):
        p = os.path.normpath(os.path.join(kdir, r))
        if os.path.isdir(p):
            check(os.path.isfile(os.path.join(p, "kustomization.yaml")),
                  f"resource {r}: directory without kustomization.yaml")
            continue
        check(os.path.isfile(p), f"resource {r}: no such file")
        if os.path.isfile(p):
            objs += load_all(p)
    return kust, objs


def one_kind(objs, kind):
    found = [o for o in objs if o.get("kind") == kind]
    check(len(found) == 1, f"expected one {kind}, found {len(found)}")
    return found[0] if found else {}


def policies_kustomization(src):
    return load_one(os.path.join(src, "policies", "kustomization.yaml"))


def policy_generator(src):
    gens = policies_kustomization(src).get("configMapGenerator", [])
    check(len(gens) == 1, f"policies/kustomization.yaml: expected one configMapGenerator, found {len(gens)}")
    return gens[0] if gens else {}


def args_map(args):
    out = {}
    for a in args:
        k, _, v = a.partition("=")
        check(k in DAEMON_FLAGS, f"memtriaged argument {a!r} is not in the daemon's command line")
        out[k] = v
    return out


def mode_manifests(src):
    kust, objs = objects(src)
    ns = one_kind(objs, "Namespace")
    ds = one_kind(objs, "DaemonSet")
    sa = one_kind(objs, "ServiceAccount")

    check(kust.get("namespace") == ns.get("metadata", {}).get("name") == "memtriage",
          "kustomization namespace and the Namespace object must both be memtriage")
    check(ns["metadata"].get("labels", {}).get("pod-security.kubernetes.io/enforce") == "privileged",
          "namespace must admit privileged pods (pod-security.kubernetes.io/enforce: privileged)")
    check(sa.get("automountServiceAccountToken") is False, "service account must not mount a token")
    imgs = {i["name"]: i for i in kust.get("images", [])}
    check(imgs.get("memtriage", {}).get("newTag") == meson_version(src),
          f"kustomization image tag {imgs.get('memtriage', {}).get('newTag')!r} != meson version {meson_version(src)!r}")

    check(ds.get("apiVersion") == "apps/v1", "DaemonSet apiVersion must be apps/v1")
    sel = ds["spec"]["selector"]["matchLabels"]
    tmpl = ds["spec"]["template"]
    check(all(tmpl["metadata"]["labels"].get(k) == v for k, v in sel.items()),
          "pod template labels must match the selector")
    pod = tmpl["spec"]
    check(pod.get("hostPID") is True, "hostPID must be true")
    check(pod.get("priorityClassName") == "system-node-critical", "priorityClassName must be system-node-critical")
    check(pod.get("serviceAccountName") == sa["metadata"]["name"], "pod must use the memtriage service account")
    check(pod.get("automountServiceAccountToken") is False, "pod must not mount a token")
    check({"operator": "Exists"} in pod.get("tolerations", []),
          "a toleration with only operator: Exists (every taint) is required")

    cs = pod["containers"]
    check(len(cs) == 1, f"expected one container, found {len(cs)}")
    c = cs[0]
    check(c.get("command") == ["/usr/sbin/memtriaged"], "container must run /usr/sbin/memtriaged")
    a = args_map(c.get("args", []))
    sc = c.get("securityContext", {})
    check(sc.get("privileged") is True, "container must be privileged (see the comment in daemonset.yaml)")
    check(sc.get("readOnlyRootFilesystem") is True, "root filesystem must be read-only")
    res = c.get("resources", {})
    for r in ("cpu", "memory"):
        check(r in res.get("requests", {}), f"resources.requests.{r} missing")
    # issue 14: CFS throttling stalls the supervisor when the node thrashes;
    # the memory limit is the one test/vm/host/daemon-footprint.sh proves.
    check("cpu" not in res.get("limits", {}), "resources: no CPU limit (see daemonset.yaml)")
    check(res.get("requests", {}).get("memory") == res.get("limits", {}).get("memory"),
          "resources: the memory request must equal its limit")
    for kind in ("livenessProbe", "readinessProbe"):
        probe = c.get(kind, {}).get("exec", {}).get("command", [])
        check(probe == ["/usr/bin/memtriage", "status"], f"{kind} must run `/usr/bin/memtriage status`, runs {probe}")
    env = {e["name"]: e for e in c.get("env", [])}
    check(env.get("MEMTRIAGE_POD_UID", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "metadata.uid",
          "MEMTRIAGE_POD_UID must come from the downward API (metadata.uid): memtriaged excludes its own pod by it")

    vols = {v["name"]: v for v in pod.get("volumes", [])}
    mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}

    def host_mount(host, path, read_only, typ):
        vs = [n for n, v in vols.items() if v.get("hostPath", {}).get("path") == host]
        if not check(len(vs) == 1, f"one hostPath volume for {host} expected"):
            return
        v = vols[vs[0]]
        check(v["hostPath"].get("type") == typ, f"hostPath {host}: type must be {typ}")
        m = mounts.get(path)
        if check(m is not None and m["name"] == vs[0], f"hostPath {host} must be mounted at {path}"):
            check(bool(m.get("readOnly", False)) == read_only,
                  f"{path} must be mounted {'read-only' if read_only else 'read-write'}")

    host_mount("/sys/fs/cgroup", "/sys/fs/cgroup", False, "Directory")
    host_mount("/var/log", "/var/log", True, "Directory")
    host_mount("/run/memtriage", "/run/memtriage", False, "DirectoryOrCreate")
    check(os.path.dirname(a.get("--socket", "")) == "/run/memtriage",
          "--socket must be in the /run/memtriage mount (the CLI and the probe find it there)")
    check(a.get("--metrics-dir", "").startswith("/run/memtriage/"),
          "--metrics-dir must be below the /run/memtriage host mount (node_exporter reads it)")
    check(a.get("--log-format") == "json", "logs must be JSON lines in the cluster")

    gen = policy_generator(src)
    cm_vols = [n for n, v in vols.items() if "configMap" in v]
    if check(len(cm_vols) == 1, "one ConfigMap volume expected"):
        v = vols[cm_vols[0]]
        check(v["configMap"]["name"] == gen.get("name"), "the ConfigMap volume must be the generated memtriage-policies")
        pm = [m for m in c["volumeMounts"] if m["name"] == cm_vols[0]]
        if check(len(pm) == 1, "the policies volume must be mounted once"):
            check(pm[0]["mountPath"] == a.get("--policy-dir"), "the policies volume must be mounted at --policy-dir")
            check("subPath" not in pm[0], "a subPath mount never sees ConfigMap updates")
            check(pm[0].get("readOnly") is True, "policies must be mounted read-only")
    opts = policies_kustomization(src).get("generatorOptions", {})
    check(opts.get("disableNameSuffixHash") is True,
          "policies ConfigMap must keep its name so edits reload in place")
    for f in gen.get("files", []):
        check(re.fullmatch(r"default/[a-z0-9][a-z0-9._-]*\.json", f) is not None,
              f"policies/kustomization.yaml: {f!r} is not a policies/default/*.json file")


def mode_policy_files(src):
    d = os.path.join(src, "policies", "default")
    if not check(os.path.isdir(d), f"{d} is missing"):
        return 0
    listed = sorted(policy_generator(src).get("files", []))
    present = sorted("default/" + n for n in os.listdir(d) if n.endswith(".json"))
    check(listed == present,
          f"policies/kustomization.yaml lists {listed} but policies/default/ holds {present}")
    return 0


def mode_kustomize(src):
    # Directories in `resources` need kustomize >= 2.1; kubectl embedded
    # v2.0.3 until 1.21 (Debian 12's kubernetes-client is 1.20), then v4+.
    cmd = None
    if shutil.which("kustomize"):
        cmd = ["kustomize", "build"]
    elif shutil.which("kubectl"):
        v = subprocess.run(["kubectl", "version", "--client"], capture_output=True, text=True, check=False).stdout
        m = re.search(r"Kustomize Version: v(\d+)", v)
        if m and int(m.group(1)) >= 4:
            cmd = ["kubectl", "kustomize"]
        else:
            print("SKIP: kubectl's embedded kustomize is older than v4 (kubectl < 1.21)")
            return SKIP
    if not cmd:
        print("SKIP: neither kustomize nor kubectl is installed")
        return SKIP
    gen = policy_generator(src)
    p = subprocess.run(cmd + [os.path.join(src, "deploy", "kubernetes")],
                       capture_output=True, text=True, check=False)
    if not check(p.returncode == 0, f"{' '.join(cmd)} failed: {p.stderr.strip()}"):
        return 0
    objs = list(yaml.safe_load_all(p.stdout))
    cm = one_kind(objs, "ConfigMap")
    ds = one_kind(objs, "DaemonSet")
    check(cm["metadata"]["name"] == "memtriage-policies", f"ConfigMap rendered as {cm['metadata']['name']!r}")
    check(sorted(cm.get("data", {})) == sorted(os.path.basename(f) for f in gen.get("files", [])),
          f"ConfigMap keys {sorted(cm.get('data', {}))} are not the policy file names")
    for o in objs:
        if o["kind"] != "Namespace":
            check(o["metadata"].get("namespace") == "memtriage", f"{o['kind']} not in namespace memtriage")
    pod = ds["spec"]["template"]["spec"]
    cm_vol = [v for v in pod["volumes"] if "configMap" in v]
    check(cm_vol and cm_vol[0]["configMap"]["name"] == cm["metadata"]["name"],
          "rendered DaemonSet does not mount the rendered ConfigMap")
    check(pod["containers"][0]["image"] == f"localhost/memtriage:{meson_version(src)}",
          f"rendered image is {pod['containers'][0]['image']!r}")

    # The first rollout: the same objects, the daemon with --dry-run.
    p = subprocess.run(cmd + [os.path.join(src, "deploy", "overlays", "dry-run")],
                       capture_output=True, text=True, check=False)
    if not check(p.returncode == 0, f"{' '.join(cmd)} deploy/overlays/dry-run failed: {p.stderr.strip()}"):
        return 0
    dry = list(yaml.safe_load_all(p.stdout))
    key = lambda o: (o["kind"], o["metadata"]["name"])
    check(sorted(map(key, dry)) == sorted(map(key, objs)),
          f"dry-run overlay renders {sorted(map(key, dry))}, the base {sorted(map(key, objs))}")
    dry_ds = one_kind(dry, "DaemonSet")
    base_args = pod["containers"][0]["args"]
    dry_args = dry_ds["spec"]["template"]["spec"]["containers"][0].get("args", [])
    check(dry_args == base_args + ["--dry-run"], f"dry-run overlay args {dry_args}, expected the base's + --dry-run")
    dry_ds["spec"]["template"]["spec"]["containers"][0]["args"] = base_args
    check(dry_ds == ds, "dry-run overlay changes the DaemonSet beyond --dry-run")
    check(all(o == b for o in dry for b in objs if key(o) == key(b) and o["kind"] != "DaemonSet"),
          "dry-run overlay changes objects other than the DaemonSet")
    return 0


def mode_schema(src):
    node = shutil.which("node")
    if not node:
        print("SKIP: node is not installed")
        return SKIP
    _, objs = objects(src)
    env = dict(os.environ)
    npm = shutil.which("npm")
    if npm:
        root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False).stdout.strip()
        env["NODE_PATH"] = os.pathsep.join(p for p in (env.get("NODE_PATH"), root) if p)
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as f:
        json.dump(objs, f)
        f.flush()
        p = subprocess.run([node, os.path.join(os.path.dirname(os.path.abspath(__file__)), "validate_k8s.cjs"), f.name],
                           capture_output=True, text=True, env=env, check=False)
    print(p.stdout, end="")
    if p.returncode == SKIP:
        return SKIP
    check(p.returncode == 0, f"schema validation failed: {p.stderr.strip()}")
    return 0


def main():
    src, mode = sys.argv[1], sys.argv[2]
    modes = {"manifests": mode_manifests, "policy-files": mode_policy_files, "kustomize": mode_kustomize,
             "schema": mode_schema}
    rc = modes[mode](src)
    if rc == SKIP:
        return SKIP
    for f in failures:
        print(f"FAIL: {f}")
    if failures:
        return 1
    print(f"{mode}: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
