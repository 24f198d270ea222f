/* core/lib/timefmt.c - placeholder until implemented. */
