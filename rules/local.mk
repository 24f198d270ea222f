# rules/local.mk - default rule files, installed in $(rulesdir).

# Kubernetes audit rules (source k8s_audit, needs the k8saudit plugin).
dist_rules_DATA = rules/k8s_audit_rules.yaml
