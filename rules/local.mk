# rules/local.mk - default rule files, installed in $(rulesdir).

# Kubernetes audit rules (source k8s_audit, needs the k8saudit plugin).
dist_rules_DATA = rules/k8s_audit_rules.yaml

# The default syscall ruleset. Replaced on upgrade: users tune it from the
# files below, which are loaded after it (rules_files in shrike.yaml).
dist_rules_DATA += rules/shrike_rules.yaml

# Local tuning, in the configuration directory: an empty, commented file
# (packages keep the user's copy on upgrade), and rules.d/ for drop-in files
# (installed with its README so the directory exists).
shrikelocalrulesdir = $(confdir)
dist_shrikelocalrules_DATA = rules/shrike_rules.local.yaml
shrikerulesddir = $(confdir)/rules.d
dist_shrikerulesd_DATA = rules/rules.d/README

# The end-to-end detection suite: the default rules against real attacks in
# podman containers and on the host (tests/integration/detect/).
include tests/integration/detect/local.mk
