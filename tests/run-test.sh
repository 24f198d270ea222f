#!/bin/sh
# tests/run-test.sh - runs one compiled test program; under valgrind's
# memcheck when VALGRIND=1 (`VALGRIND=1 make check`).
if [ "${VALGRIND:-0}" = 1 ]; then
	exec "${top_builddir:-.}/libtool" --mode=execute valgrind --quiet --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite "$@"
fi
exec "$@"
