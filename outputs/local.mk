# outputs/local.mk - alert output plugins.
