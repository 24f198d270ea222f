# bench/local.mk - benchmarks: print figures, never pass or fail on time.
EXTRA_DIST += bench/replay.sh
EXTRA_DIST += bench/outputs_net.sh
EXTRA_DIST += bench/outputs.sh
