# docs/local.mk - documentation shipped in the tarball.
