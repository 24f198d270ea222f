# rules/local.mk - default rule files, installed in $(rulesdir).
