/* core/daemon.c - placeholder until implemented. */
