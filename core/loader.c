/* core/loader.c - placeholder until implemented. */
