# tests/deploy/local.mk - what deploys Shrike: the Kubernetes manifests.
TESTS += tests/deploy/manifests.sh
EXTRA_DIST += tests/deploy/manifests.sh deploy/kubernetes/namespace.yaml \
	deploy/kubernetes/serviceaccount.yaml deploy/kubernetes/configmap.yaml \
	deploy/kubernetes/daemonset.yaml deploy/kubernetes/service.yaml
