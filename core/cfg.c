/* core/cfg.c - placeholder until implemented. */
