#!/bin/sh
# scripts/install-deps.sh - install what Shrike needs from Debian 12's
# packages: to build it (default), or to build and run the whole test suite
# (--test). Needs root (apt-get). Safe to run again.
set -eu

mode=build
case "${1:-}" in
--test) mode=test ;;
--build | "") ;;
*)
	echo "usage: $0 [--build|--test]" >&2
	exit 2
	;;
esac

# Build: compiler, autotools, and the libraries configure looks for.
pkgs="build-essential autoconf automake libtool pkg-config
      libyaml-dev libjson-c-dev zlib1g-dev libpcre2-dev
      libbpf-dev libelf-dev clang llvm bpftool
      libcurl4-openssl-dev librdkafka-dev libmicrohttpd-dev libsystemd-dev"
# Tests: unit-test framework, memory checker, and the tools tests drive.
if [ "$mode" = test ]; then
	pkgs="$pkgs libcmocka-dev valgrind python3 binutils procps psmisc"
	# scripts/run-tests.sh builds the whole tree with clang too (listed
	# above for the eBPF probe); the sanitizer build needs gcc's ASan and
	# UBSan runtimes (libasan, libubsan: build-essential's gcc has them)
	pkgs="$pkgs clang"
	# the fuzz stage (`make fuzz`, tests/fuzz): clang's libFuzzer, ASan and
	# UBSan runtimes (libclang_rt.fuzzer-x86_64.a ...)
	pkgs="$pkgs libclang-rt-14-dev"
	# outputs_kafka.sh consumes with kcat; outputs_http.sh makes certificates with
	# openssl; tests/tools/http_sink checks client certificates with GnuTLS.
	pkgs="$pkgs kcat openssl libgnutls28-dev"
	# syslog output tests: a real rsyslogd, started by the test itself
	pkgs="$pkgs rsyslog"
	# tests/integration/detect: podman with runc (cgroupfs, CNI bridge networks),
	# busybox-static for the image, debugfs (e2fsprogs), an ssh client, and
	# libc6-dev's libc.a for the static sk_attack helper
	pkgs="$pkgs podman runc containernetworking-plugins iptables busybox-static
	      e2fsprogs openssh-client libc6-dev"
	# tests/ebpf/kernels.sh: the eBPF probe on five kernels, four of them
	# Debian's booted in QEMU with a busybox initramfs. The test downloads
	# those kernels itself (apt-get download into its own cache, with the
	# Debian archive keyring): none is installed on the host.
	pkgs="$pkgs qemu-system-x86 busybox-static cpio debian-archive-keyring"
	# k8saudit tests post audit events to the webhook with curl;
	# core/websrv_test drives the web server with curl and makes its TLS
	# key and certificate with openssl (listed above)
	pkgs="$pkgs curl"
	# container field tests: real podman containers (runc, a busybox image
	# the test imports itself); setpriv (util-linux) runs a program as nobody
	pkgs="$pkgs podman runc busybox-static util-linux"
	# tests/integration/containerd_fields.sh: a private containerd and ctr
	pkgs="$pkgs containerd"
	# tests/ebpf/ia32.sh: a -m32 static program (32-bit syscalls)
	pkgs="$pkgs gcc-multilib"
	# tests/kmod/vm_module.sh: `dkms build` of the installed module source
	# (a private dkms tree; nothing is installed into /lib/modules)
	pkgs="$pkgs dkms"
	# tests/kmod: the module built for trixie's kernel in a trixie root
	# (its headers ask for gcc 14 and a newer glibc than Debian 12's)
	pkgs="$pkgs mmdebstrap"
	# tests/metrics: Prometheus' own promtool checks /metrics (Debian ships
	# it in the prometheus package); gnuplot draws the dashboard picture
	# of docs/metrics.md from a scrape series a test records
	pkgs="$pkgs prometheus gnuplot-nox"
	# tests/deploy/manifests.sh reads the Kubernetes manifests with PyYAML
	pkgs="$pkgs python3-yaml"
	# tests/deploy/image.sh (scripts/build-image.sh): the image's Debian
	# base from mmdebstrap, built and run with podman and runc, a busybox
	# container beside it, setpriv to read /etc/shadow as a host-only user
	# (useradd: passwd, essential), python3 to read the JSON alerts
	pkgs="$pkgs mmdebstrap podman runc busybox-static util-linux python3"
	# tests/integration/manpages.sh: groff renders the man pages with all
	# its warnings on (-ww), and the test fails on any of them
	pkgs="$pkgs groff-base"
	# the Debian packages (scripts/build-debs.sh) and their tests
	pkgs="$pkgs debhelper dh-dkms lintian dpkg-dev"
	# `make static-check` (scripts/static-check.sh): cppcheck, and
	# clang-tidy 14 (the clang-tidy package has clang-tidy and
	# run-clang-tidy); tests/integration/hardening.sh: hardening-check
	# (devscripts)
	pkgs="$pkgs cppcheck clang-tidy devscripts"
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "$0: run as root (it calls apt-get install)" >&2
	exit 1
fi
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "dependencies for '$mode' are installed"
