/* core/outq.c - placeholder until implemented. */
