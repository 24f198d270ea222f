#!/bin/sh
# tests/integration/podman_fields.sh - container fields on real podman
# containers: shrike runs the eBPF source with the syscall and container
# plugins and records a capture while this script runs programs inside a
# container made from a busybox image the test imports itself; fieldcheck
# then replays the capture: `cat /etc/shadow` in the container gives the
# container's 12-hex id, its name, image and runtime, proc.name cat with
# parent sh, user root; uid 1000 is the container's own user (alice), not the
# host's; a binary copied into the running container is from the overlay's
# upper layer, the image's own one is not. And live, with the plugin's
# default wait_metadata: the alert of a rule on the very first process of a
# new container (`podman run IMAGE cat /etc/shadow`) already has the
# container's name and image (the lookup starts at the runtime's first
# records in the container, before the workload runs). The network and
# namespaces (Falco's container plugin 0.7.0 fields): the default container
# has the address podman inspect shows (container.ip, from the CNI result
# podman's network was set up with), its own PID, network and IPC
# namespaces; one started with --pid=host --network=host --ipc=host shares
# all three and has no address of its own; neither is in a Kubernetes pod
# (k8s.pod.* and container.cni.json NA).
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "needs root to load the eBPF probe and run podman"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
[ -e "$SK_TEST_PLUGINS_DIR/ebpf.so" ] || tap_skip_all "the ebpf source plugin is not built"
command -v podman >/dev/null || tap_skip_all "podman is not installed (scripts/install-deps.sh --test)"
[ -x /bin/busybox ] || tap_skip_all "busybox-static is not installed (scripts/install-deps.sh --test)"
FIELDCHECK="$top_builddir/tests/tools/fieldcheck"

tap_plan 13

# podman as DESIGN.md has it on these machines: cgroupfs, runc, file events
cat >"$T/containers.conf" <<'CONF'
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
CONF
CONTAINERS_CONF="$T/containers.conf"
export CONTAINERS_CONF

# a busybox image with users of its own
tag="localhost/shrike-fields:$$"
name="shrike-fields-$$"
mkdir -p "$T/rootfs/bin" "$T/rootfs/etc" "$T/rootfs/tmp" "$T/rootfs/root"
cp /bin/busybox "$T/rootfs/bin/busybox"
for a in sh cat ls sleep id true cp; do ln -s busybox "$T/rootfs/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000:Alice:/home/alice:/bin/sh\n' >"$T/rootfs/etc/passwd"
printf 'root:x:0:\nstaff:x:1000:alice\n' >"$T/rootfs/etc/group"
echo 'root:*:19000:0:99999:7:::' >"$T/rootfs/etc/shadow"
tar -C "$T/rootfs" -cf "$T/rootfs.tar" .
if ! podman import "$T/rootfs.tar" "$tag" >"$T/import.out" 2>&1; then
	tap_skip_all "podman cannot import an image here: $(tail -n 1 "$T/import.out")"
fi
on_exit "podman rm -f -t 0 $name $name-first $name-hostns >/dev/null 2>&1; podman rmi -f $tag >/dev/null 2>&1"

cat >"$T/rules.yaml" <<'RULES'
- rule: shadow read in a container
  desc: test rule printing container fields
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/shadow and container.id != host
  output: SHADOW id=%container.id name=%container.name image=%container.image
  priority: WARNING
RULES

cat >"$T/shrike.yaml" <<'YAML'
engine:
  kind: ebpf
plugins:
  - name: syscall
    library_path: syscall
  - name: container
    library_path: container
load_plugins: [syscall, container]
stdout_output:
  enabled: true
YAML
"$SHRIKE" -c "$T/shrike.yaml" -o plugins_dir="$SK_TEST_PLUGINS_DIR" --capture "$T/cap" \
	-o "rules_files=[$T/rules.yaml]" >"$T/out" 2>"$T/err" &
pid=$!
on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
if ! wait_for 30 grep -q "source 'ebpf' started" "$T/err"; then
	fail "shrike starts the eBPF source" "$(tail -n 20 "$T/err")"
	exit 1
fi

# ---- the workload, inside the container ----
podman run -d --name "$name" "$tag" sleep 120 >"$T/run.out" 2>&1
full=$(podman inspect --format '{{.Id}}' "$name" 2>/dev/null)
short=$(printf '%s' "$full" | cut -c1-12)
like "$full" '^[0-9a-f]{64}$' "podman runs the container"
# "; true": busybox sh would exec its last command in place; a path: it
# would run an applet it finds by name inside the shell process
podman exec "$name" sh -c '/bin/cat /etc/shadow >/dev/null; true'
podman exec -u 1000 "$name" cat /etc/passwd >/dev/null
podman cp /bin/busybox "$name:/tmp/copied-box"
podman exec "$name" /tmp/copied-box true
podman exec "$name" /bin/busybox true
ip=$(podman inspect --format '{{.NetworkSettings.IPAddress}}' "$name" 2>/dev/null)
# one sharing the host's PID, network and IPC namespaces
podman run -d --name "$name-hostns" --pid=host --network=host --ipc=host "$tag" sleep 120 >>"$T/run.out" 2>&1
hostns=$(podman inspect --format '{{.Id}}' "$name-hostns" 2>/dev/null | cut -c1-12)
podman exec "$name-hostns" /bin/cat /etc/shadow >/dev/null
podman rm -f -t 0 "$name-hostns" >/dev/null 2>&1
# a new container whose first process reads /etc/shadow (last: the checks
# above take the first matching event)
podman run --name "$name-first" "$tag" cat /etc/shadow >/dev/null
first=$(podman inspect --format '{{.Id}}' "$name-first" 2>/dev/null | cut -c1-12)
podman rm -f -t 0 "$name-first" >/dev/null 2>&1
sleep 1
# TERM, not INT: a background job of a non-interactive shell ignores SIGINT
kill -TERM $pid
wait $pid
is "$?" 0 "shrike stops cleanly"
# SK_KEEP_CAPTURE=FILE keeps the capture for a look with fieldcheck
[ -n "${SK_KEEP_CAPTURE:-}" ] && cp "$T/cap" "$SK_KEEP_CAPTURE"

# fc CONDITION FIELD... - the first matching event's fields; container
# metadata is read by the plugin's worker thread: wait for it
fc() {
	"$FIELDCHECK" -d "$SK_TEST_PLUGINS_DIR" -C container='{wait_metadata: 5s}' "$T/cap" "$@" \
		2>>"$T/fc.err" | head -n 1
}

got=$(fc "evt.type in (open, openat, openat2) and fd.name = /etc/shadow and proc.name = cat and container.name = $name" \
	evt.type fd.name proc.name proc.pname user.name container.id)
is "$got" "evt.type=openat fd.name=/etc/shadow proc.name=cat proc.pname=sh user.name=root container.id=$short" \
	"cat /etc/shadow in the container: openat, cat, child of sh, root, the container's 12-hex id"

got=$(fc "evt.type in (open, openat, openat2) and fd.name = /etc/shadow and container.id = $short" \
	container.full_id container.name container.image container.image.repository container.image.tag container.type container.privileged)
is "$got" "container.full_id=$full container.name=$name container.image=$tag container.image.repository=localhost/shrike-fields container.image.tag=$$ container.type=podman container.privileged=false" \
	"container metadata from podman's storage"

got=$(fc "evt.type in (open, openat, openat2) and fd.name = /etc/passwd and container.id = $short and user.uid = 1000" \
	proc.name user.name group.name)
is "$got" "proc.name=cat user.name=alice group.name=staff" \
	"uid 1000 is the container's alice (the host's passwd says otherwise)"

got=$(fc "evt.type = execve and container.id = $short and proc.exepath = /tmp/copied-box" proc.is_exe_upper_layer proc.name)
is "$got" "proc.is_exe_upper_layer=true proc.name=copied-box" "a binary copied into the container runs from the upper layer"

got=$(fc "evt.type = execve and container.id = $short and proc.exepath = /bin/busybox" proc.is_exe_upper_layer)
is "$got" "proc.is_exe_upper_layer=false" "the image's own binary does not"

got=$(fc "evt.type = execve and container.id = $short and proc.name = sleep" proc.vpid container.name)
is "$got" "proc.vpid=1 container.name=$name" "the container's first process is pid 1 in its namespace"

got=$(fc "evt.type = execve and proc.exepath = /tmp/copied-box and container.id = host" container.name)
is "$got" "" "the container's events are not the host's"

got=$(fc "evt.type = execve and container.id = $short and proc.name = sleep" \
	container.ip container.host_pid container.host_network container.host_ipc container.cni.json \
	k8s.pod.ip k8s.pod.sandbox_id k8s.pod.full_sandbox_id)
is "$got" "container.ip=$ip container.host_pid=false container.host_network=false container.host_ipc=false container.cni.json=<NA> k8s.pod.ip=<NA> k8s.pod.sandbox_id=<NA> k8s.pod.full_sandbox_id=<NA>" \
	"a default container: podman's address ($ip), namespaces of its own, no pod"

got=$(fc "evt.type = execve and container.id = $hostns and proc.name = cat" \
	container.name container.ip container.host_pid container.host_network container.host_ipc)
is "$got" "container.name=$name-hostns container.ip=<NA> container.host_pid=true container.host_network=true container.host_ipc=true" \
	"--pid=host --network=host --ipc=host: the host's namespaces, no address of its own"

# the alert of the new container's first process, from the live run
got=$(grep -m 1 "SHADOW id=$first " "$T/out" | sed 's/^.*SHADOW /SHADOW /')
is "$got" "SHADOW id=$first name=$name-first image=$tag" \
	"a new container's first event has its metadata (default wait_metadata)"

if [ -s "$T/fc.err" ] && grep -v ': info: ' "$T/fc.err" | grep -q .; then
	fail "fieldcheck ran without errors" "$(head -n 5 "$T/fc.err")"
else
	pass "fieldcheck ran without errors"
fi
tap_done
