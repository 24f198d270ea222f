/* core/outputs.c - placeholder until implemented. */
