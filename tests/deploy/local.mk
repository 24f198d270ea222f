# tests/deploy/local.mk - what deploys Shrike: the Kubernetes manifests, the
# Debian packages (debian/, scripts/build-debs.sh) and the container image
# (Containerfile, scripts/build-image.sh). packages.sh and image.sh are not
# in TESTS: they need the packages (SK_DEBS_DIR), so scripts/run-tests.sh's
# pkg stage, which builds them, runs them by name:
#   make check TESTS="tests/deploy/packages.sh tests/deploy/image.sh" SK_DEBS_DIR=/path/to/debs
TESTS += tests/deploy/manifests.sh
EXTRA_DIST += tests/deploy/manifests.sh deploy/kubernetes/namespace.yaml \
	deploy/kubernetes/serviceaccount.yaml deploy/kubernetes/configmap.yaml \
	deploy/kubernetes/daemonset.yaml deploy/kubernetes/service.yaml \
	tests/deploy/packages.sh scripts/build-debs.sh \
	tests/deploy/image.sh Containerfile scripts/build-image.sh
