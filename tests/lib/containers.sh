# tests/lib/containers.sh - podman and containerd harness for integration
# tests (sourced after tests/lib.sh, POSIX sh, needs root).
#
# Every test gets its own podman world under $T/ct: containers.conf (cgroupfs,
# runc, file events, fixed ulimits), storage (graphroot and runroot) and CNI
# network configuration, selected with CONTAINERS_CONF and
# CONTAINERS_STORAGE_CONF, so nothing touches the machine's podman state and
# several tests can run at once. Images are built locally from a rootfs (no
# registry): busybox-static plus the real binaries a test copies in with
# their libraries.
#
#   . "$top_srcdir/tests/lib.sh"
#   . "$top_srcdir/tests/lib/containers.sh"
#   reason=$(ct_missing) && tap_skip_all "$reason"
#   ct_setup                                # env + cleanup on exit
#   ct_rootfs "$T/rootfs"                   # busybox + /etc basics
#   ct_copy_binary "$T/rootfs" /usr/sbin/debugfs
#   ct_import "$T/rootfs" localhost/x:1
#   ct_network net1
#   cid=$(ct podman run -d --network net1 localhost/x:1 sleep 600)
#
# Storage goes below $T (removed by lib.sh at exit); ct_cleanup removes the
# containers, networks and images first and unmounts what podman left.
#
# containerd the same way: a private daemon with its own root, state and
# socket below $T/ctrd (no systemd, no CRI plugin), images imported from a
# rootfs as a docker-archive tarball, `ctr` pointed at its socket and at the
# test's own containerd namespace CTRD_NS (shrike-test-PID): ctr puts a
# task's cgroup at /<namespace>/<id> (cgroupfs) in every hierarchy, so each
# test has its own cgroup directory, /$CTRD_NS, removed at exit with
# everything below it (a test may place its `ctr run --cgroup` paths there):
#
#   reason=$(ctrd_missing) && tap_skip_all "$reason"
#   ctrd_start || exit 1                    # daemon + cleanup on exit
#   ctrd_import "$T/rootfs" localhost/x:1
#   ctrd run -d localhost/x:1 "$id" sleep 600  # cgroup /$CTRD_NS/$id

# ct_missing - print why containers cannot run here and succeed, or print
# nothing and fail (so `reason=$(ct_missing) && tap_skip_all "$reason"`).
ct_missing() {
	if [ "$(id -u)" != 0 ]; then
		echo "needs root to run podman with runc"
		return 0
	fi
	for _c_tool in podman runc; do
		if ! command -v "$_c_tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$_c_tool" ]; then
			echo "$_c_tool is not installed (scripts/install-deps.sh --test)"
			return 0
		fi
	done
	if [ ! -x /bin/busybox ] || ! /bin/busybox --list >/dev/null 2>&1; then
		echo "busybox-static is not installed (scripts/install-deps.sh --test)"
		return 0
	fi
	if ! file_is_static /bin/busybox; then
		echo "/bin/busybox is not statically linked (install busybox-static)"
		return 0
	fi
	return 1
}

# file_is_static FILE - true when FILE needs no dynamic loader.
file_is_static() {
	! ldd "$1" >/dev/null 2>&1
}

# ct_setup - write the podman configuration below $T/ct and export it.
ct_setup() {
	CT_DIR=$T/ct
	mkdir -p "$CT_DIR/storage" "$CT_DIR/run" "$CT_DIR/tmp" "$CT_DIR/cni" "$CT_DIR/volumes"
	cat >"$CT_DIR/containers.conf" <<EOF
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
events_logfile_path = "$CT_DIR/events.log"
tmp_dir = "$CT_DIR/tmp"
volume_path = "$CT_DIR/volumes"

[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
log_driver = "k8s-file"

[network]
network_backend = "cni"
network_config_dir = "$CT_DIR/cni"
EOF
	cat >"$CT_DIR/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$CT_DIR/storage"
runroot = "$CT_DIR/run"
EOF
	CONTAINERS_CONF=$CT_DIR/containers.conf
	CONTAINERS_STORAGE_CONF=$CT_DIR/storage.conf
	export CONTAINERS_CONF CONTAINERS_STORAGE_CONF
	CT_NETWORKS=
	on_exit ct_cleanup
}

# ct CMD... - run CMD (podman ...) with the test's podman configuration,
# its errors going to $T/ct/podman.err.
ct() {
	"$@" 2>>"$CT_DIR/podman.err"
}

# ct_cleanup - remove every container, network and image of this test, then
# unmount anything left below $T/ct so lib.sh can delete it.
ct_cleanup() {
	[ -n "${CT_DIR:-}" ] && [ -d "$CT_DIR" ] || return 0
	podman rm -a -f -t 0 >/dev/null 2>&1
	for _c_net in $CT_NETWORKS; do
		podman network rm -f "$_c_net" >/dev/null 2>&1
		rm -rf "/var/lib/cni/networks/$_c_net" # host-local IPAM state
	done
	podman system reset -f >/dev/null 2>&1
	# anything still mounted below the test's podman directory (deepest first)
	awk -v d="$CT_DIR" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r _c_m; do umount -l "$_c_m" 2>/dev/null; done
	return 0
}

# ct_rootfs DIR - a minimal root file system: busybox-static with every applet
# linked in /bin, /sbin, /usr/bin and /usr/sbin, and /etc/passwd, group,
# shadow with root, www-data and nobody.
ct_rootfs() {
	_c_r=$1
	mkdir -p "$_c_r/bin" "$_c_r/sbin" "$_c_r/usr/bin" "$_c_r/usr/sbin" "$_c_r/usr/local/bin" \
		"$_c_r/etc" "$_c_r/root" "$_c_r/tmp" "$_c_r/var/log" "$_c_r/var/www" "$_c_r/run" \
		"$_c_r/proc" "$_c_r/sys" "$_c_r/dev"
	chmod 1777 "$_c_r/tmp"
	chmod 700 "$_c_r/root"
	cp /bin/busybox "$_c_r/bin/busybox"
	chroot "$_c_r" /bin/busybox --install -s || return 1
	cat >"$_c_r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
	cat >"$_c_r/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
shadow:x:42:
www-data:x:33:
nogroup:x:65534:
EOF
	cat >"$_c_r/etc/shadow" <<'EOF'
root:*:19000:0:99999:7:::
daemon:*:19000:0:99999:7:::
www-data:*:19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
EOF
	chmod 640 "$_c_r/etc/shadow"
	printf 'NAME="Shrike test image"\nID=shrike-test\n' >"$_c_r/etc/os-release"
	echo shrike-test >"$_c_r/etc/hostname"
}

# ct_copy_binary DIR FILE [DEST] - copy FILE (at DEST, default the same path)
# and every shared library it loads into the rootfs DIR.
ct_copy_binary() {
	_c_r=$1
	_c_dest=${3:-$2}
	mkdir -p "$_c_r$(dirname "$_c_dest")"
	cp -L "$2" "$_c_r$_c_dest" || return 1
	file_is_static "$2" && return 0
	ldd "$2" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' |
		while read -r _c_lib; do
			mkdir -p "$_c_r$(dirname "$_c_lib")"
			cp -L "$_c_lib" "$_c_r$_c_lib" || exit 1
		done
}

# ct_import DIR IMAGE - make IMAGE from the rootfs DIR.
ct_import() {
	tar -C "$1" -c . | ct podman import - "$2" >/dev/null
}

# ct_network NAME - create a bridge network (removed at exit).
ct_network() {
	CT_NETWORKS="$CT_NETWORKS $1"
	ct podman network create "$1" >/dev/null
}

# ct_ip CONTAINER NETWORK - the container's address on NETWORK.
ct_ip() {
	ct podman inspect --format "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"
}

# ct_short_id CONTAINER - the first 12 hex digits of the container's id, as
# the container.id field shows it.
ct_short_id() {
	ct podman inspect --format '{{.Id}}' "$1" | cut -c1-12
}

# ---- containerd ----

# ctrd_missing - print why a private containerd cannot run here and succeed,
# or print nothing and fail.
ctrd_missing() {
	if [ "$(id -u)" != 0 ]; then
		echo "needs root to run containerd"
		return 0
	fi
	for _c_tool in containerd ctr containerd-shim-runc-v2 runc; do
		if ! command -v "$_c_tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$_c_tool" ]; then
			echo "$_c_tool is not installed (scripts/install-deps.sh --test)"
			return 0
		fi
	done
	if [ ! -x /bin/busybox ] || ! file_is_static /bin/busybox; then
		echo "busybox-static is not installed (scripts/install-deps.sh --test)"
		return 0
	fi
	return 1
}

# ctrd_start - start containerd with its root, state directory and socket
# below $T/ctrd (CTRD_DIR; the state directory is $CTRD_DIR/state) and wait
# until it answers. ctrd_cleanup runs at exit.
ctrd_start() {
	CTRD_DIR=$T/ctrd
	CTRD_NS=shrike-test-$$
	mkdir -p "$CTRD_DIR"
	cat >"$CTRD_DIR/config.toml" <<CONF
version = 2
root = "$CTRD_DIR/root"
state = "$CTRD_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$CTRD_DIR/sock"

[ttrpc]
  address = "$CTRD_DIR/sock.ttrpc"
CONF
	on_exit ctrd_cleanup
	containerd --config "$CTRD_DIR/config.toml" >"$CTRD_DIR/containerd.log" 2>&1 &
	CTRD_PID=$!
	if ! wait_for 30 ctr --address "$CTRD_DIR/sock" version; then
		echo "containerd does not answer: $(tail -n 3 "$CTRD_DIR/containerd.log")" >&2
		return 1
	fi
}

# ctrd CMD... - ctr with the private containerd, in the namespace CTRD_NS;
# errors to $T/ctrd/ctr.err.
ctrd() {
	ctr --address "$CTRD_DIR/sock" --namespace "$CTRD_NS" "$@" 2>>"$CTRD_DIR/ctr.err"
}

# ctrd_cgroup_dirs - the test's cgroup directories, /$CTRD_NS in every
# mounted hierarchy (v1 and v2), deepest first.
ctrd_cgroup_dirs() {
	awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts |
		while read -r _c_h; do
			[ -d "$_c_h/$CTRD_NS" ] && find "$_c_h/$CTRD_NS" -depth -type d
		done
}

# ctrd_import DIR IMAGE - make IMAGE from the rootfs DIR: one layer, a
# config naming it by its digest, and the manifest of a docker-archive.
ctrd_import() {
	_c_a=$CTRD_DIR/archive
	rm -rf "$_c_a"
	mkdir -p "$_c_a"
	tar -C "$1" -cf "$_c_a/layer.tar" . || return 1
	_c_sum=$(sha256sum "$_c_a/layer.tar" | cut -d ' ' -f 1)
	printf '{"architecture":"%s","os":"linux","config":{"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}\n' \
		"$(dpkg --print-architecture 2>/dev/null || echo amd64)" "$_c_sum" >"$_c_a/config.json"
	printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]}]\n' "$2" \
		>"$_c_a/manifest.json"
	tar -C "$_c_a" -cf "$_c_a/image.tar" manifest.json config.json layer.tar || return 1
	ctrd image import "$_c_a/image.tar" >/dev/null
}

# ctrd_cleanup - kill and delete every task and container, stop containerd
# and the shims it started (found by its socket in their command line), and
# unmount what is left below $T/ctrd.
ctrd_cleanup() {
	[ -n "${CTRD_DIR:-}" ] && [ -d "$CTRD_DIR" ] || return 0
	# ctr waits 10 s for a daemon that is gone: ask only a running one
	if [ -n "${CTRD_PID:-}" ] && kill -0 "$CTRD_PID" 2>/dev/null; then
		for _c_id in $(ctrd task ls -q); do
			ctrd task kill -s KILL "$_c_id"
		done
		for _c_id in $(ctrd container ls -q); do
			ctrd task delete -f "$_c_id" >/dev/null
			ctrd container delete "$_c_id" >/dev/null
		done
		kill -TERM "$CTRD_PID" 2>/dev/null
		wait "$CTRD_PID" 2>/dev/null
	fi
	CTRD_PID=
	for _c_p in /proc/[0-9]*; do
		if cat "$_c_p/cmdline" 2>/dev/null | tr '\0' ' ' |
			grep -q -- "containerd-shim.*-address $CTRD_DIR/sock"; then
			kill -KILL "${_c_p#/proc/}" 2>/dev/null
		fi
	done
	awk -v d="$CTRD_DIR" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r _c_m; do umount -l "$_c_m" 2>/dev/null; done
	# the cgroups: empty once the tasks are gone
	ctrd_cgroup_dirs | while read -r _c_d; do rmdir "$_c_d" 2>/dev/null; done
	return 0
}
