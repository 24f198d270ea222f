#!/bin/sh
# tests/integration/containerd_fields.sh - container and k8s fields of real
# containerd containers: the test starts a private containerd (its own root,
# state directory and socket below $T, its own namespace), imports a busybox
# image it builds itself, and runs containers with `ctr run` in the cgroup
# layouts containerd really makes with the cgroupfs driver: two with the
# annotations the CRI plugin would set and the cgroup a kubelet with the
# cgroupfs driver asks for (<cgroup root>/kubepods/besteffort/pod<uid>/<id>
# and, a Guaranteed pod, <cgroup root>/kubepods/pod<uid>/<id>; the cgroup
# root is the test's own), one of plain `ctr run` (/<namespace>/<id>). shrike
# runs the eBPF source with a rule on /etc/shadow whose output prints
# container.* and k8s.* fields, reading the metadata from the task's OCI
# bundle (containerd_roots). Checked: the exact name, image, repository,
# tag, pod name, namespace and uid, the bind mount of the host's /proc
# (container.mount.dest[/proc*], as Falco's sensitive_mount has it),
# privileged or not, and a container without the CRI annotations whose first
# process is the cat (its name is its id). Falco 0.7.0's fields: the pod
# sandbox id from io.kubernetes.cri.sandbox-id, the pod's address from the
# CNI result libcni would have cached for that sandbox (a fixture: no CNI
# runs here), and the host namespaces from the task's OCI spec (ctr
# --net-host leaves the network namespace out).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib/containers.sh"

[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf source plugin is not built"
reason=$(ctrd_missing) && tap_skip_all "$reason"

tap_plan 10

if ! ctrd_start; then
	fail "a private containerd starts" "$(tail -n 5 "$T/ctrd/containerd.log")"
	exit 1
fi
tag="localhost/shrike-ctrd:$$"
ct_rootfs "$T/rootfs" >/dev/null 2>&1
if ! ctrd_import "$T/rootfs" "$tag"; then
	fail "ctr imports the image" "$(tail -n 5 "$CTRD_DIR/ctr.err")"
	exit 1
fi

# hex64 - a new container id, 64 hex digits as containerd's CRI plugin makes
hex64() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
# the cgroup a kubelet with the cgroupfs driver and --cgroup-root=/$CTRD_NS
# asks the CRI plugin for: pod QoS level (besteffort, burstable, or none for
# Guaranteed), the pod's uid, the container's id. ctrd_cleanup removes the
# /$CTRD_NS cgroups at exit.
cgroup() { echo "/$CTRD_NS/kubepods/${3:+$3/}pod$2/$1"; }

cat >"$T/rules.yaml" <<'RULES'
- rule: shadow read in a container
  desc: test rule printing the container and pod fields
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/shadow and container.id != host
  output: >-
    SHADOW id=%container.id type=%container.type name=%container.name
    image=%container.image repo=%container.image.repository tag=%container.image.tag
    privileged=%container.privileged pod=%k8s.pod.name ns=%k8s.ns.name uid=%k8s.pod.uid
    hostproc=%container.mount.dest[/proc*] mounts=%container.mounts
    sandbox=%k8s.pod.sandbox_id full_sandbox=%k8s.pod.full_sandbox_id pod_ip=%k8s.pod.ip
    ip=%container.ip host_pid=%container.host_pid host_network=%container.host_network
    host_ipc=%container.host_ipc
  priority: WARNING
- rule: sensitive mount
  desc: Falco's sensitive_mount macro, shortened
  condition: >-
    evt.type = execve and proc.name = cat and container.id != host and
    (container.mount.dest[/proc*] != "N/A" or container.mount.dest[/var/run/docker.sock] != "N/A")
  output: SENSITIVE id=%container.id
  priority: WARNING
RULES
# metadata from this containerd only; wait_metadata is generous so that the
# container whose first process is the cat is checked without a race
cat >"$T/shrike.yaml" <<YAML
engine:
  kind: ebpf
rules_files: [$T/rules.yaml]
plugins:
  - name: syscall
    library_path: syscall
  - name: container
    library_path: container
    init_config:
      containerd_roots: [$CTRD_DIR/state]
      storage_roots: [$T/none]
      docker_roots: [$T/none]
      cni_cache_dirs: [$T/cni]
      wait_metadata: 1s
load_plugins: [syscall, container]
stdout_output:
  enabled: true
YAML
"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" >"$T/out" 2>"$T/err" &
pid=$!
on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
if ! wait_for 30 grep -q "source 'ebpf' started" "$T/err"; then
	fail "shrike starts the eBPF source" "$(tail -n 20 "$T/err")"
	exit 1
fi

# ---- the workload ----
# 1. a pod's container as the CRI plugin would make it, with the host's /proc
id1=$(hex64)
sandbox=$(hex64)
# the pod network's CNI result, as libcni caches it for the CRI plugin
mkdir -p "$T/cni/results"
printf '{"kind":"cniCacheV1","containerId":"%s","ifName":"eth0","networkName":"k8s-pod-network","result":{"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}],"ips":[{"address":"10.244.7.3/24","interface":0}]}}' \
	"$sandbox" >"$T/cni/results/k8s-pod-network-$sandbox-eth0"
uid1="5e7c2a1b-8f3d-4c1e-9a2b-$(echo "$id1" | cut -c1-12)"
ctrd run -d --cgroup "$(cgroup "$id1" "$uid1" besteffort)" \
	--annotation io.kubernetes.cri.container-type=container \
	--annotation io.kubernetes.cri.container-name=api \
	--annotation "io.kubernetes.cri.image-name=$tag" \
	--annotation "io.kubernetes.cri.sandbox-id=$sandbox" \
	--annotation io.kubernetes.cri.sandbox-name=api-7d4b9 \
	--annotation io.kubernetes.cri.sandbox-namespace=shop \
	--annotation "io.kubernetes.cri.sandbox-uid=$uid1" \
	--mount type=bind,src=/proc,dst=/host/proc,options=rbind:ro \
	"$tag" "$id1" sleep 600 >/dev/null
ctrd task exec --exec-id shadow "$id1" cat /etc/shadow >/dev/null
# 2. a privileged one, a Guaranteed pod's
id2=$(hex64)
ctrd run -d --privileged --net-host --cgroup "$(cgroup "$id2" 2c4e6a80-1b3d-4f5a-8c7e-9d0f1a2b3c4d)" \
	--annotation io.kubernetes.cri.container-type=container \
	--annotation io.kubernetes.cri.container-name=agent \
	--annotation "io.kubernetes.cri.image-name=$tag" \
	--annotation io.kubernetes.cri.sandbox-name=agent-x2 \
	--annotation io.kubernetes.cri.sandbox-namespace=kube-system \
	"$tag" "$id2" sleep 600 >/dev/null
ctrd task exec --exec-id shadow "$id2" cat /etc/shadow >/dev/null
# 3. plain ctr, no CRI annotations, ctr's own cgroup (/$CTRD_NS/<id>); the
# cat is the container's first process
id3=$(hex64)
ctrd run --rm "$tag" "$id3" cat /etc/shadow >/dev/null
# task_cgroups ID - the distinct cgroup paths of the task's first process
# (every v1 hierarchy and the v2 one)
task_cgroups() {
	_pid=$(ctrd task ls | awk -v id="$1" '$1 == id { print $2 }')
	[ -n "$_pid" ] && cut -d : -f 3- "/proc/$_pid/cgroup" | sort -u
}
is "$(task_cgroups "$id1") $(task_cgroups "$id2")" \
	"$(cgroup "$id1" "$uid1" besteffort) $(cgroup "$id2" 2c4e6a80-1b3d-4f5a-8c7e-9d0f1a2b3c4d)" \
	"containerd puts the tasks in the cgroups asked for, in every hierarchy"
sleep 1
kill -TERM $pid
wait $pid
is "$?" 0 "shrike stops cleanly"

# alert ID - the first alert of the container with short id ID
alert() {
	grep -m 1 "SHADOW id=$(echo "$1" | cut -c1-12) " "$T/out" | sed 's/^.*SHADOW /SHADOW /'
}
s1=$(echo "$id1" | cut -c1-12)
is "$(alert "$id1")" \
	"SHADOW id=$s1 type=containerd name=api image=$tag repo=localhost/shrike-ctrd tag=$$ privileged=false pod=api-7d4b9 ns=shop uid=$uid1 hostproc=/host/proc mounts=/proc:/host/proc::false: sandbox=$(echo "$sandbox" | cut -c1-12) full_sandbox=$sandbox pod_ip=10.244.7.3 ip=10.244.7.3 host_pid=false host_network=false host_ipc=false" \
	"a CRI container: names, image, pod and sandbox from the annotations of the task's spec, its bind mount, the pod's address"
s2=$(echo "$id2" | cut -c1-12)
is "$(alert "$id2")" \
	"SHADOW id=$s2 type=containerd name=agent image=$tag repo=localhost/shrike-ctrd tag=$$ privileged=true pod=agent-x2 ns=kube-system uid=<NA> hostproc=<NA> mounts=/etc/hosts:/etc/hosts::false:,/etc/resolv.conf:/etc/resolv.conf::false: sandbox=<NA> full_sandbox=<NA> pod_ip=<NA> ip=<NA> host_pid=false host_network=true host_ipc=false" \
	"a privileged container is privileged; no /proc mount, no pod uid or sandbox annotation; --net-host: the host's network (and ctr binds the host's hosts and resolv.conf)"
s3=$(echo "$id3" | cut -c1-12)
is "$(alert "$id3")" \
	"SHADOW id=$s3 type=containerd name=$id3 image=<NA> repo=<NA> tag=<NA> privileged=false pod=<NA> ns=<NA> uid=<NA> hostproc=<NA> mounts= sandbox=<NA> full_sandbox=<NA> pod_ip=<NA> ip=<NA> host_pid=false host_network=false host_ipc=false" \
	"without the CRI annotations: the containerd id is the name, the image is unknown"

# in a condition, Falco's way: != "N/A" holds only when a mount matches (a
# second rule: only the first matching rule of an event alerts, so it is on
# the exec of cat)
is "$(grep -o 'SENSITIVE id=.*' "$T/out" | sort -u)" "SENSITIVE id=$s1" \
	"Falco's sensitive_mount condition fires for the container with the host's /proc only"

errs=$(grep -Ei "error|warn" "$T/err" | grep -v "rules:" | head -n 5)
is "$errs" "" "shrike logged no errors or warnings"

# the harness leaves nothing behind
ctrd_cleanup
is "$(awk -v d="$CTRD_DIR" 'index($2, d) == 1' /proc/self/mounts)" "" "no mounts left below the test's containerd"
is "$(ctrd_cgroup_dirs)" "" "no cgroups left below /$CTRD_NS"
left=""
for p in /proc/[0-9]*; do
	if cat "$p/cmdline" 2>/dev/null | tr '\0' ' ' | grep -q -- "$CTRD_DIR/"; then
		left="$left ${p#/proc/}"
	fi
done
is "$left" "" "no containerd or shim process left"
tap_done
