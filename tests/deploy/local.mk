# tests/deploy/local.mk - what deploys Shrike: the Kubernetes manifests, and
# the container image (Containerfile, scripts/build-image.sh). image.sh is
# not in TESTS: it needs the Debian packages (SK_DEBS_DIR), so the CI stage
# that builds them runs it by name:
#   make check TESTS=tests/deploy/image.sh SK_DEBS_DIR=/path/to/debs
TESTS += tests/deploy/manifests.sh
EXTRA_DIST += tests/deploy/manifests.sh deploy/kubernetes/namespace.yaml \
	deploy/kubernetes/serviceaccount.yaml deploy/kubernetes/configmap.yaml \
	deploy/kubernetes/daemonset.yaml deploy/kubernetes/service.yaml \
	tests/deploy/image.sh Containerfile scripts/build-image.sh
