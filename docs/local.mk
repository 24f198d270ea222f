# docs/local.mk - documentation shipped in the tarball.
EXTRA_DIST += docs/capture-format.md
EXTRA_DIST += docs/architecture.md
EXTRA_DIST += docs/configuration.md
EXTRA_DIST += docs/ebpf-source.md
EXTRA_DIST += docs/outputs.md
EXTRA_DIST += docs/plugin-authoring.md
EXTRA_DIST += docs/fields.md
EXTRA_DIST += docs/rules.md
EXTRA_DIST += docs/plugin-abi.md
EXTRA_DIST += docs/kmod-source.md
EXTRA_DIST += docs/metrics.md
EXTRA_DIST += docs/metrics-dashboard.png
EXTRA_DIST += docs/kubernetes.md
EXTRA_DIST += docs/install.md
EXTRA_DIST += docs/security.md
EXTRA_DIST += docs/static-checks.md
