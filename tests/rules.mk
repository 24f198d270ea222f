# tests/rules.mk - the rule engine inside the daemon: the ticker test source
# (tests/plugins/ticker.c, never installed), daemon-level rules tests, the
# Falco compatibility check for developers (tests/compat/falco_rules.sh,
# not in `make check`: Falco's rule files cannot be shipped) and the rules
# benchmark over a replayed capture (bench/rules_replay.sh).

EXTRA_DIST += tests/compat/falco_rules.sh
