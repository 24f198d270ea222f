# tests/deploy/local.mk - what deploys Shrike: the Kubernetes manifests.
TESTS += tests/deploy/manifests.sh
EXTRA_DIST += tests/deploy/manifests.sh deploy/kubernetes/namespace.yaml \
	deploy/kubernetes/serviceaccount.yaml deploy/kubernetes/configmap.yaml \
	deploy/kubernetes/daemonset.yaml deploy/kubernetes/service.yaml
# The Debian packages (scripts/run-tests.sh's pkg stage builds them and runs
# this with SK_DEBS_DIR set: `make check TESTS=tests/deploy/packages.sh`).
EXTRA_DIST += tests/deploy/packages.sh scripts/build-debs.sh
