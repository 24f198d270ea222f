# examples/local.mk - the out-of-tree sample plugin (shipped, not built here).
