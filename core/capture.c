/* core/capture.c - placeholder until implemented. */
