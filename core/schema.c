/* core/schema.c - placeholder until implemented. */
