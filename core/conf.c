/* core/conf.c - placeholder until implemented. */
