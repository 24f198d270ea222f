# tests/metrics/local.mk - the metrics snapshot, the web server's pages and
# --profile-rules, with real clients (curl, promtool).
SK_METRICS_TESTS = tests/metrics/snapshot.sh tests/metrics/health.sh \
	tests/metrics/web.sh tests/metrics/dashboard.sh
TESTS += $(SK_METRICS_TESTS)
EXTRA_DIST += $(SK_METRICS_TESTS)
EXTRA_DIST += tests/metrics/dashboard.py
EXTRA_DIST += tests/metrics/lib.sh
