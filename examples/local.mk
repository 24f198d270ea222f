# examples/local.mk - the out-of-tree sample plugin (shipped, not built here:
# it builds against an installed Shrike with its own Makefile, and
# tests/integration/out_of_tree.sh does exactly that).
EXTRA_DIST += examples/sample/sample.c examples/sample/Makefile examples/sample/README.md

# A Grafana dashboard on the shrike_* Prometheus names (docs/metrics.md);
# tests/metrics/web.sh checks that every name it uses is on a real /metrics.
EXTRA_DIST += examples/grafana/shrike-dashboard.json
