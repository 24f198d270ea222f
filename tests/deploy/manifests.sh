#!/bin/sh
# tests/deploy/manifests.sh - the Kubernetes manifests in deploy/kubernetes/
# hold together without a cluster: every file parses; the DaemonSet runs
# the image scripts/build-image.sh tags (localhost/shrike:VERSION), is
# privileged with the host's PIDs, tolerates every taint and mounts the
# node's root read-only at /host, which HOST_ROOT names (every host path
# Shrike reads by default is read under it, so nothing else of the node is
# mounted: no runtime paths, /etc/passwd, BTF); its
# probes and ports match the web server and audit webhook of the ConfigMap's
# shrike.yaml; the Service reaches the webhook; and that shrike.yaml passes
# `shrike --dry-run` with the tree's plugins and rules.
. "$top_srcdir/tests/lib.sh"

# PyYAML: Debian's python3-yaml (/usr/bin/python3), or another python3's
PY=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import yaml' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || tap_skip_all "PyYAML (Debian package python3-yaml) is not installed"
tap_plan 10

kdir="$top_srcdir/deploy/kubernetes"
# check NAME CODE - run CODE (python) with the manifests loaded as `docs`
# (kind -> object) and the ConfigMap's shrike.yaml as `conf`.
check() {
	_name=$1
	shift
	ok_cmd "$_name" "$PY" - "$kdir" "$top_srcdir" <<PY
import glob, os, re, sys, yaml
docs = {}
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.yaml"))):
    for doc in yaml.safe_load_all(open(f)):
        assert doc["kind"] not in docs, "two %s" % doc["kind"]
        docs[doc["kind"]] = doc
cm = docs["ConfigMap"]
conf = yaml.safe_load(cm["data"]["shrike.yaml"])
ds = docs["DaemonSet"]
pod = ds["spec"]["template"]["spec"]
ctr = pod["containers"][0]
ports = {p["name"]: p["containerPort"] for p in ctr["ports"]}
mounts = {m["mountPath"]: m for m in ctr["volumeMounts"]}
vols = {v["name"]: v for v in pod["volumes"]}
$*
PY
}

check "every manifest parses: Namespace, ServiceAccount, ConfigMap, DaemonSet, Service in namespace shrike" '
assert sorted(docs) == ["ConfigMap", "DaemonSet", "Namespace", "Service", "ServiceAccount"], sorted(docs)
ns = docs["Namespace"]["metadata"]["name"]
assert all(docs[k]["metadata"]["namespace"] == ns for k in docs if k != "Namespace")
'
check "the DaemonSet: privileged, the host's PIDs, every taint tolerated, its own token-less account" '
assert ctr["securityContext"]["privileged"] is True
assert pod["hostPID"] is True
assert {"operator": "Exists"} in pod["tolerations"]
assert pod["serviceAccountName"] == docs["ServiceAccount"]["metadata"]["name"]
assert docs["ServiceAccount"]["automountServiceAccountToken"] is False
assert ds["spec"]["selector"]["matchLabels"].items() <= ds["spec"]["template"]["metadata"]["labels"].items()
'
check "the probes ask the web server of shrike.yaml: its path and port, on every address" '
web = conf["webserver"]
assert web["enabled"] is True and web["listen_address"] in ("0.0.0.0", "::")
for p in ("startupProbe", "livenessProbe", "readinessProbe"):
    g = ctr[p]["httpGet"]
    assert g["path"] == web["k8s_healthz_endpoint"], (p, g)
    assert ports[g["port"]] == web["listen_port"], (p, g)
ann = ds["spec"]["template"]["metadata"]["annotations"]
assert int(ann["prometheus.io/port"]) == web["listen_port"] and web["prometheus_metrics_enabled"]
'
check "the Service reaches the audit webhook of shrike.yaml on its port" '
svc = docs["Service"]["spec"]
k8s = [p for p in conf["plugins"] if p["name"] == "k8saudit"][0]
port = int(re.match(r"https?://[^:/]*:(\d+)/", k8s["open_params"]).group(1))
assert "k8saudit" in conf["load_plugins"]
assert svc["selector"].items() <= ds["spec"]["template"]["metadata"]["labels"].items()
sp = svc["ports"][0]
assert ports[sp["targetPort"]] == port == sp["port"], (sp, port)
'
check "the DaemonSet runs localhost/shrike:VERSION, as scripts/build-image.sh tags the image" '
ver = re.search(r"AC_INIT\(\[shrike\], \[([^]]+)\]", open(os.path.join(sys.argv[2], "configure.ac")).read()).group(1)
assert ctr["image"] == "localhost/shrike:" + ver, (ctr["image"], ver)
'
check "the node's root is mounted read-only at /host, with the node's later mounts, and HOST_ROOT names it" '
m = mounts["/host"]
assert m["readOnly"] is True and m.get("mountPropagation") == "HostToContainer", m
assert vols[m["name"]]["hostPath"]["path"] == "/", vols[m["name"]]
env = {e["name"]: e.get("value") for e in ctr.get("env", [])}
assert env.get("HOST_ROOT") == "/host", env
cf = open(os.path.join(sys.argv[2], "Containerfile")).read()
assert re.search(r"^ENV HOST_ROOT=/host$", cf, re.M), "Containerfile: ENV HOST_ROOT=/host"
'
check "no other path of the node is mounted: HOST_ROOT replaces them (runtimes' state, users, BTF)" '
src = open(os.path.join(sys.argv[2], "plugins/container/container.c")).read()
paths = re.findall(r"static const char def_\w+\[\] = \"([^\"]+)\"", src)
assert len(paths) >= 4, paths
hostpaths = [v["hostPath"]["path"] for v in pod["volumes"] if "hostPath" in v]
assert hostpaths == ["/"], hostpaths
for p in paths + ["/etc/passwd", "/etc/group", "/sys/kernel/btf"]:
    assert p not in mounts, p
'
check "the ConfigMap is mounted where -c and the rule files look" '
cfg = ctr["args"][ctr["args"].index("-c") + 1]
m = mounts[os.path.dirname(cfg)]
assert vols[m["name"]]["configMap"]["name"] == cm["metadata"]["name"]
assert os.path.basename(cfg) in cm["data"]
for r in conf["rules_files"]:
    if r.startswith(os.path.dirname(cfg) + "/"):
        assert os.path.basename(r) in cm["data"], r
'

# The ConfigMap's shrike.yaml, with the image's paths mapped to the tree's.
"$PY" - "$kdir/configmap.yaml" "$T" <<'PY'
import sys, yaml
cm = [x for x in yaml.safe_load_all(open(sys.argv[1]))][0]
for k, v in cm["data"].items():
    open("%s/%s" % (sys.argv[2], k), "w").write(v)
PY
sed -e "s|/usr/share/shrike/rules|$top_srcdir/rules|g" -e "s|/etc/shrike|$T|g" \
	"$T/shrike.yaml" >"$T/check.yaml"
"$SHRIKE" -c "$T/check.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" --dry-run >"$T/plan" 2>&1
is "$?" 0 "the ConfigMap's shrike.yaml passes shrike --dry-run"
like "$(cat "$T/plan")" "k8saudit" "the plan has the audit webhook"
tap_done
