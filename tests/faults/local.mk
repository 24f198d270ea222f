# tests/faults/local.mk - delivery under faults, as figures (issue 17,
# part 3, network half): real peers (librdkafka's mock cluster, http_sink,
# TCP receivers), faults injected mid-stream, numbers printed as TAP
# diagnostics and asserted. docs/faults-network.md has the figures.
SK_FAULTS_NET_TESTS = tests/faults/faults_kafka.sh tests/faults/faults_http.sh \
	tests/faults/faults_stall.sh
if BUILD_PLUGIN_KAFKA
SK_FAULT_NET_TESTS += tests/faults/faults_kafka.sh
endif
if BUILD_PLUGIN_HTTP
if BUILD_PLUGIN_K8SAUDIT
# http_sink needs libmicrohttpd, found for the k8saudit plugin
SK_FAULT_NET_TESTS += tests/faults/faults_http.sh tests/faults/faults_stall.sh
endif
endif
EXTRA_DIST += $(SK_FAULTS_NET_TESTS) tests/faults/lib.sh docs/faults-network.md
