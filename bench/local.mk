# bench/local.mk - benchmarks: print figures, never pass or fail on time.
