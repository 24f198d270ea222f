#!/bin/sh
# tests/deploy/image.sh - Shrike's container image, built from the Debian
# packages in $SK_DEBS_DIR by scripts/build-image.sh (Containerfile) in the
# test's own podman world, watches the host from inside a container:
# run with --privileged --pid=host --cgroupns=host -v /:/host:ro (HOST_ROOT
# is /host in the image), the shipped rule "Read sensitive file untrusted"
# fires for `cat /etc/shadow` on the host (container.id host, user.name of
# the host's user: root, and a user the test adds to the host only, which
# the image's /etc/passwd does not know) and inside another container (a
# busybox image: its 12-hex container.id, and its name read from the test's
# podman storage through an explicit storage_roots under /host). Also: the
# image's entry point, command and HOST_ROOT, no apt lists or documentation
# left in it, and its size (printed).
#
# Not in `make check`'s TESTS: the CI stage that builds the packages runs
#   make check TESTS=tests/deploy/image.sh SK_DEBS_DIR=/path/to/debs
# Without SK_DEBS_DIR the test skips (a failure under CI=true). The Debian
# base tarball is cached under SK_IMAGE_CACHE (scripts/build-image.sh).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lib/containers.sh"

[ -n "${SK_DEBS_DIR:-}" ] ||
	tap_skip_all "SK_DEBS_DIR is not set: the directory of Shrike's .deb files to build the image from"
ls "$SK_DEBS_DIR"/shrike_*.deb >/dev/null 2>&1 || tap_skip_all "$SK_DEBS_DIR holds no shrike_*.deb"
reason=$(ct_missing) && tap_skip_all "$reason"
[ -r /sys/kernel/btf/vmlinux ] || tap_skip_all "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
command -v mmdebstrap >/dev/null || tap_skip_all "mmdebstrap is not installed (scripts/install-deps.sh --test)"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed (scripts/install-deps.sh --test)"
command -v useradd >/dev/null && command -v setpriv >/dev/null ||
	tap_skip_all "useradd (passwd) or setpriv (util-linux) is missing"

tap_plan 11
ct_setup

# ---- the image ----
img=localhost/shrike-image-test:$$
t0=$(date +%s)
ok_cmd "scripts/build-image.sh builds the image from $SK_DEBS_DIR" \
	"$top_srcdir/scripts/build-image.sh" --tag "$img" "$SK_DEBS_DIR"
cat "$T/.ok_out" >"$T/build.log"
size=$(ct podman image inspect --format '{{.Size}}' "$img")
echo "# image $img: ${size:-?} bytes ($(( ${size:-0} / 1048576 )) MiB), built in $(($(date +%s) - t0)) s"
if [ -z "$size" ]; then
	echo "# $(tail -n 20 "$T/build.log")"
	echo "Bail out! no image"
	exit 1
fi

cfg=$(ct podman image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.Env}}' "$img")
like "$cfg" '^\["/usr/bin/shrike"\] \["-c","/etc/shrike/shrike.yaml"\] .*"HOST_ROOT=/host"' \
	"the image runs /usr/bin/shrike -c /etc/shrike/shrike.yaml with HOST_ROOT=/host"

# what a small image leaves out: apt's lists and caches, documentation
left=$(ct podman run --rm --network=none --entrypoint /bin/sh "$img" -c \
	'find /var/lib/apt/lists /var/cache/apt -type f ! -name lock;
	 find /usr/share/doc -type f ! -name copyright; find /usr/share/man /usr/share/info -type f' |
	head -n 5)
is "$left" "" "no apt lists or caches, no documentation but copyright files in the image"
# generous: Debian's minbase is ~75 MiB, Shrike and its libraries ~20 MiB
if [ "$size" -lt $((200 * 1048576)) ]; then
	pass "the image is under 200 MiB"
else
	fail "the image is under 200 MiB" "$size bytes"
fi

# ---- a user only the host has, and a container to watch ----
hostuser=sk-img-$$
useradd --no-create-home --shell /usr/sbin/nologin "$hostuser" >"$T/useradd.out" 2>&1 ||
	{ echo "Bail out! useradd: $(cat "$T/useradd.out")"; exit 1; }
on_exit "userdel $hostuser >/dev/null 2>&1"
hostuid=$(id -u "$hostuser")
ct podman run --rm --network=none --entrypoint /usr/bin/getent "$img" passwd "$hostuser" "$hostuid" \
	>"$T/getent.out"
is "$?:$(cat "$T/getent.out")" "2:" "user $hostuser (uid $hostuid) is the host's, unknown to the image"

ct_rootfs "$T/rootfs"
ct_import "$T/rootfs" localhost/shrike-image-busybox:$$
ct podman run -d --name "bb-$$" --network=none localhost/shrike-image-busybox:$$ sleep 600 >/dev/null
bbid=$(ct_short_id "bb-$$")

# ---- Shrike in the image ----
# The container plugin's storage_roots, set explicitly, is used as written:
# the test's podman storage under /host.
ct podman run -d --name "shrike-$$" --privileged --pid=host --cgroupns=host --network=none \
	-v /:/host:ro,rslave "$img" -o json_output=true -o log_level=info \
	-o "plugins=[{name: container, library_path: container, init_config: {storage_roots: [/host$CT_DIR/storage]}}]" \
	-o "load_plugins=[container]" >/dev/null
# (podman logs gives the container's stdout and stderr as its own: not ct)
logs() { podman logs "shrike-$$" >"$T/out" 2>"$T/err"; }
started() { logs && grep -q "source 'ebpf' started" "$T/err"; }
if ! wait_for 150 started; then
	fail "shrike in the image starts the eBPF source" "$(tail -n 20 "$T/err")" \
		"podman: $(tail -n 5 "$CT_DIR/podman.err")"
	exit 1
fi
pass "shrike in the image starts the eBPF source"
like "$(grep -e 'host root' -e 'threads' "$T/err" | tr '\n' ' ')" \
	'host root /host \(HOST_ROOT\).*read [0-9]+ threads .* from /host/proc' \
	"it logs the host root /host and reads the host's processes from /host/proc"

# ---- the workload: /etc/shadow read on the host and in the container ----
cat /etc/shadow >/dev/null
# the host-only user, with /etc/shadow's group so that the open succeeds
setpriv --reuid="$hostuid" --regid="$hostuid" --groups="$(stat -c %g /etc/shadow)" \
	cat /etc/shadow >/dev/null
ct podman exec "bb-$$" cat /etc/shadow >/dev/null

# alerts NAME - "container.id container.name user.name user.uid" of every
# alert of the rule on /etc/shadow by cat
alerts() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    try:
        a = json.loads(line)
    except ValueError:
        continue
    f = a.get("output_fields", {})
    if a.get("rule") == "Read sensitive file untrusted" and f.get("fd.name") == "/etc/shadow" \
            and f.get("proc.name") == "cat":
        print(f.get("container.id"), f.get("container.name"), f.get("user.name"), f.get("user.uid"))
' "$T/out"
}
have() { logs && alerts | grep -q "^$1"; }
wait_for 10 have "$bbid " || true
wait_for 5 have "host host $hostuser " || true
got=$(alerts)
like "$got" "^host host root 0\$" "the host's cat as root: container.id host, user.name root"
like "$got" "^host host $hostuser $hostuid\$" \
	"the host's cat as $hostuser: user.name from the host's /etc/passwd"
like "$got" "^$bbid bb-$$ root 0\$" "the container's cat: its id $bbid and name bb-$$"

ct podman stop -t 10 "shrike-$$" >/dev/null
is "$(ct podman inspect --format '{{.State.ExitCode}}' "shrike-$$")" 0 "shrike stops cleanly"
[ "$_tap_failed" -eq 0 ] || { echo "# alerts:"; echo "$got" | sed 's/^/#   /'; tail -n 20 "$T/err" | sed 's/^/# /'; }
tap_done
