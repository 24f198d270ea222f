# examples/local.mk - the out-of-tree sample plugin (shipped, not built here:
# it builds against an installed Shrike with its own Makefile, and
# tests/integration/out_of_tree.sh does exactly that).
EXTRA_DIST += examples/sample/sample.c examples/sample/Makefile examples/sample/README.md
