# tests/fuzz/local.mk - fuzz targets (docs/fuzzing.md). Each target is one
# tests/fuzz/<target>.c defining LLVMFuzzerTestOneInput.
#
#  * `make fuzz` builds them with libFuzzer into tests/fuzz/fuzz-<target>:
#    $(FUZZ_CC) (clang) with -fsanitize=fuzzer,address,undefined, the code
#    under test compiled from its sources into tests/fuzz/obj/ with the same
#    flags (so it is instrumented), whatever CC configure chose.
#  * `make check` builds each target with the normal compiler and
#    tests/fuzz/replay_main.c as tests/fuzz/replay_<target> and
#    tests/fuzz/regress.sh runs every input of tests/fuzz/corpus/<target>/
#    and tests/fuzz/regress/<target>/ through it: in every CI stage, the
#    sanitizer one included.

FUZZ_CC = clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 -std=gnu11 -fno-omit-frame-pointer $(FUZZ_SAN) $(SK_WARN_CFLAGS)
FUZZ_CPPFLAGS = $(DEFS) $(AM_CPPFLAGS) $(YAML_CFLAGS) $(JSONC_CFLAGS) $(ZLIB_CFLAGS) \
	$(PCRE2_CFLAGS) $(MHD_CFLAGS) $(SYSTEMD_CFLAGS) $(RDKAFKA_CFLAGS) $(PTHREAD_CFLAGS)
FUZZ_LIBS = $(YAML_LIBS) $(JSONC_LIBS) $(ZLIB_LIBS) $(PCRE2_LIBS) $(MHD_LIBS) $(SYSTEMD_LIBS) \
	$(PTHREAD_LIBS) -lm

# The core (libshrike and the common libraries), as one archive: each
# target takes from it only what it uses.
FUZZ_CORE_SRCS = $(filter %.c,$(core_libshrike_la_SOURCES) $(common_libskcommon_la_SOURCES) \
	$(common_libskmhd_la_SOURCES))
FUZZ_SYS_SRCS = $(filter %.c,$(SYSCALL_PLUGIN_SOURCES) $(plugins_common_libskplugcommon_la_SOURCES))
FUZZ_K8S_SRCS = $(filter %.c,$(K8SAUDIT_SOURCES))
FUZZ_FMT_SRCS = outputs/syslog/syslog_format.c outputs/kafka/kafka_format.c
fz_objs = $(patsubst %.c,tests/fuzz/obj/%.o,$(1))

FUZZ_TARGETS = rules expr config capture
if BUILD_PLUGIN_K8SAUDIT
FUZZ_TARGETS += k8saudit webhook
endif
if BUILD_PLUGIN_KAFKA
FUZZ_TARGETS += alertfmt
endif

tests/fuzz/obj/%.o: $(srcdir)/%.c
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

tests/fuzz/obj/libcore.a: $(call fz_objs,$(FUZZ_CORE_SRCS))
	$(AM_V_AR)rm -f $@ && $(AR) cr $@ $^

FUZZ_LINK = $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LIBS)
tests/fuzz/fuzz-rules: $(call fz_objs,tests/fuzz/rules.c $(FUZZ_SYS_SRCS)) tests/fuzz/obj/libcore.a
	$(AM_V_CCLD)$(FUZZ_LINK)
tests/fuzz/fuzz-expr: $(call fz_objs,tests/fuzz/expr.c $(FUZZ_SYS_SRCS)) tests/fuzz/obj/libcore.a
	$(AM_V_CCLD)$(FUZZ_LINK)
tests/fuzz/fuzz-config: $(call fz_objs,tests/fuzz/config.c) tests/fuzz/obj/libcore.a
	$(AM_V_CCLD)$(FUZZ_LINK)
tests/fuzz/fuzz-capture: $(call fz_objs,tests/fuzz/capture.c $(FUZZ_SYS_SRCS)) tests/fuzz/obj/libcore.a
	$(AM_V_CCLD)$(FUZZ_LINK)
tests/fuzz/fuzz-k8saudit: $(call fz_objs,tests/fuzz/k8saudit.c $(FUZZ_K8S_SRCS)) tests/fuzz/obj/libcore.a
	$(AM_V_CCLD)$(FUZZ_LINK)
tests/fuzz/fuzz-webhook: $(call fz_objs,tests/fuzz/webhook.c $(FUZZ_K8S_SRCS)) tests/fuzz/obj/libcore.a
	$(AM_V_CCLD)$(FUZZ_LINK)
tests/fuzz/fuzz-alertfmt: $(call fz_objs,tests/fuzz/alertfmt.c $(FUZZ_FMT_SRCS)) tests/fuzz/obj/libcore.a
	$(AM_V_CCLD)$(FUZZ_LINK)

fuzz: $(patsubst %,tests/fuzz/fuzz-%,$(FUZZ_TARGETS))
.PHONY: fuzz
clean-local: clean-local-fuzz
clean-local-fuzz:
	rm -rf tests/fuzz/obj tests/fuzz/fuzz-* tests/fuzz/findings
.PHONY: clean-local-fuzz

# The same targets without libFuzzer, for `make check`.
check_LTLIBRARIES += tests/fuzz/libfzsyscall.la
tests_fuzz_libfzsyscall_la_SOURCES = $(SYSCALL_PLUGIN_SOURCES)
tests_fuzz_libfzsyscall_la_CPPFLAGS = -I$(top_builddir) -I$(top_srcdir)/include -I$(top_srcdir)
tests_fuzz_libfzsyscall_la_LIBADD = plugins/common/libskplugcommon.la

FUZZ_REPLAY_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fuzz
check_PROGRAMS += tests/fuzz/replay_rules tests/fuzz/replay_expr tests/fuzz/replay_config \
	tests/fuzz/replay_capture
tests_fuzz_replay_rules_SOURCES = tests/fuzz/rules.c tests/fuzz/replay_main.c
tests_fuzz_replay_rules_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_rules_LDADD = tests/fuzz/libfzsyscall.la core/libshrike.la $(PTHREAD_LIBS)
tests_fuzz_replay_expr_SOURCES = tests/fuzz/expr.c tests/fuzz/replay_main.c
tests_fuzz_replay_expr_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_expr_LDADD = tests/fuzz/libfzsyscall.la core/libshrike.la $(PTHREAD_LIBS)
tests_fuzz_replay_config_SOURCES = tests/fuzz/config.c tests/fuzz/replay_main.c
tests_fuzz_replay_config_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_config_LDADD = core/libshrike.la $(PTHREAD_LIBS)
tests_fuzz_replay_capture_SOURCES = tests/fuzz/capture.c tests/fuzz/replay_main.c
tests_fuzz_replay_capture_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_capture_CFLAGS = $(AM_CFLAGS) $(ZLIB_CFLAGS)
tests_fuzz_replay_capture_LDADD = tests/fuzz/libfzsyscall.la core/libshrike.la $(ZLIB_LIBS) \
	$(PTHREAD_LIBS)
if BUILD_PLUGIN_K8SAUDIT
check_PROGRAMS += tests/fuzz/replay_k8saudit tests/fuzz/replay_webhook
tests_fuzz_replay_k8saudit_SOURCES = tests/fuzz/k8saudit.c tests/fuzz/replay_main.c \
	$(K8SAUDIT_SOURCES)
tests_fuzz_replay_k8saudit_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_k8saudit_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JSONC_CFLAGS)
tests_fuzz_replay_k8saudit_LDADD = common/libskmhd.la $(MHD_LIBS) $(JSONC_LIBS) $(PTHREAD_LIBS)
tests_fuzz_replay_webhook_SOURCES = tests/fuzz/webhook.c tests/fuzz/replay_main.c \
	$(K8SAUDIT_SOURCES)
tests_fuzz_replay_webhook_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_webhook_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(JSONC_CFLAGS)
tests_fuzz_replay_webhook_LDADD = common/libskmhd.la $(MHD_LIBS) $(JSONC_LIBS) $(PTHREAD_LIBS)
endif
if BUILD_PLUGIN_KAFKA
check_PROGRAMS += tests/fuzz/replay_alertfmt
tests_fuzz_replay_alertfmt_SOURCES = tests/fuzz/alertfmt.c tests/fuzz/replay_main.c \
	$(FUZZ_FMT_SRCS)
tests_fuzz_replay_alertfmt_CPPFLAGS = $(FUZZ_REPLAY_CPPFLAGS)
tests_fuzz_replay_alertfmt_CFLAGS = $(AM_CFLAGS) $(RDKAFKA_CFLAGS)
tests_fuzz_replay_alertfmt_LDADD = core/libshrike.la $(PTHREAD_LIBS)
endif

TESTS += tests/fuzz/regress.sh
EXTRA_DIST += tests/fuzz/regress.sh tests/fuzz/fuzz.h tests/fuzz/fz_syscall.h \
	tests/fuzz/replay_main.c tests/fuzz/rules.c tests/fuzz/expr.c tests/fuzz/config.c \
	tests/fuzz/capture.c tests/fuzz/k8saudit.c tests/fuzz/webhook.c tests/fuzz/alertfmt.c \
	tests/fuzz/yaml.dict tests/fuzz/rules.dict tests/fuzz/corpus tests/fuzz/regress \
	tests/fuzz/run.sh
