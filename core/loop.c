/* core/loop.c - placeholder until implemented. */
