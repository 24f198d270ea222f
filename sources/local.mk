# sources/local.mk - event source plugins.
