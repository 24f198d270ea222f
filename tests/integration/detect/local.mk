# tests/integration/detect/local.mk - the end-to-end detection suite
# (included from rules/local.mk): the default rules against real attacks in
# podman containers and on the host. sk_attack is linked statically so the
# same file runs in the busybox image and on the host.

check_PROGRAMS += tests/integration/detect/sk_attack
tests_integration_detect_sk_attack_SOURCES = tests/integration/detect/sk_attack.c
# Static, so no sanitizer runtime (it cannot be linked statically):
# --enable-sanitizers leaves this helper out.
tests_integration_detect_sk_attack_CFLAGS = -std=gnu11 $(SK_WARN_CFLAGS)
tests_integration_detect_sk_attack_LDFLAGS = -all-static

TESTS += tests/integration/detect/ruleset.sh tests/integration/detect/detect.sh
EXTRA_DIST += tests/integration/detect/detect.sh tests/integration/detect/ruleset.sh \
	tests/integration/detect/check_alerts.py \
	tests/integration/detect/local.mk tests/lib/containers.sh \
	tests/lib/alerts_norm.py
