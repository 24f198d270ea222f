/* core/lib/uuid.c - placeholder until implemented. */
