# core/rules/local.mk - the rule engine (Falco rules language): field
# registry, condition parser, compiler and evaluator, rule files, output
# formatting. Part of libshrike.

core_libshrike_la_SOURCES += \
	core/rules/fields.c core/rules/fields.h \
	core/rules/filter.h core/rules/filter_parser.c core/rules/filter_tree.c \
	core/rules/filter_priv.h core/rules/filter_compile.c core/rules/filter_eval.c \
	core/rules/filter_values.c core/rules/filter_evttypes.c \
	core/rules/format.c core/rules/format.h \
	core/rules/engine.h core/rules/engine_priv.h \
	core/rules/rules_diag.c core/rules/rules_reader.c core/rules/rules_collector.c \
	core/rules/rules_compiler.c core/rules/rules_ruleset.c

EXTRA_DIST += core/rules/README.md core/rules/test_extractor.h \
	core/rules/testdata/falco_style.yaml \
	core/rules/testdata/dir/a.yaml core/rules/testdata/dir/b.yml \
	core/rules/testdata/dir/ignored.txt

if HAVE_CMOCKA
check_PROGRAMS += core/rules/fields_test
TESTS += core/rules/fields_test
core_rules_fields_test_SOURCES = core/rules/fields_test.c core/rules/test_extractor.c
core_rules_fields_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_rules_fields_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
check_PROGRAMS += core/rules/filter_test
TESTS += core/rules/filter_test
core_rules_filter_test_SOURCES = core/rules/filter_test.c core/rules/test_extractor.c
core_rules_filter_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_rules_filter_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
check_PROGRAMS += core/rules/engine_test
TESTS += core/rules/engine_test
core_rules_engine_test_SOURCES = core/rules/engine_test.c core/rules/test_extractor.c
core_rules_engine_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_rules_engine_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
check_PROGRAMS += core/rules/oom_test
TESTS += core/rules/oom_test
core_rules_oom_test_SOURCES = core/rules/oom_test.c core/rules/test_extractor.c
core_rules_oom_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_rules_oom_test_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc \
	-Wl,--wrap=strdup,--wrap=strndup
core_rules_oom_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
check_PROGRAMS += core/rules/format_test
TESTS += core/rules/format_test
core_rules_format_test_SOURCES = core/rules/format_test.c core/rules/test_extractor.c
core_rules_format_test_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
core_rules_format_test_LDADD = core/libshrike.la $(CMOCKA_LIBS)
endif

# Benchmark: prints figures, never fails on time: ./bench/rules_bench [EVENTS [RULES]]
noinst_PROGRAMS += bench/rules_bench
bench_rules_bench_SOURCES = bench/rules_bench.c core/rules/test_extractor.c
bench_rules_bench_LDADD = core/libshrike.la
