/* sources/ebpf/ebpf_conf_test.c - the ebpf source's syscall table agrees
 * with the event table (every parameter source writes the bytes its
 * parameter type needs, counts match), the default set, `syscalls:` with
 * its errors, run-time enabling, and ring buffer sizing.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include <shrike/syscall_events.h>

#include "ebpf_conf.h"

static struct sk_ebpf_sc tab[SK_EBPF_MAX_SYSCALLS];

/* Does parameter source `k` produce a value of type `pt`? */
static bool kind_fits(const struct sk_ebpf_pspec *k, unsigned pt)
{
	unsigned sz = sk_sc_pt_size(pt);
	switch (k->kind) {
	case SK_K_EMPTY:
		return true;
	case SK_K_RET:
	case SK_K_ARG_INT:
	case SK_K_ARG_I64:
	case SK_K_ARG_FDPAIR:
	case SK_K_PRCTL_INT:
		return sz == 8 && pt != SK_PT_CAPS;
	case SK_K_FD_INO:
	case SK_K_PAIR_INO:
		return pt == SK_PT_U64;
	case SK_K_CAPS:
		return pt == SK_PT_CAPS;
	case SK_K_ARG_U32:
	case SK_K_HOW:
	case SK_K_VM:
		return sz == 4 && pt != SK_PT_DEV;
	case SK_K_FD_DEV:
		return pt == SK_PT_DEV;
	case SK_K_ARG_U8:
		return sz == 1;
	case SK_K_ARG_STR:
	case SK_K_PRCTL_STR:
		return pt == SK_PT_PATH || pt == SK_PT_RELPATH || pt == SK_PT_CHARBUF;
	case SK_K_ARG_SOCKADDR:
		return pt == SK_PT_SOCKADDR;
	case SK_K_TUPLE:
		return pt == SK_PT_SOCKTUPLE;
	case SK_K_FD_LAYER:
		return pt == SK_PT_U8;
	case SK_K_FDLIST:
		return pt == SK_PT_FDLIST;
	default:
		return false;
	}
}

static void test_rows_match_event_table(void **state)
{
	(void)state;
	size_t n;
	const struct ebpf_sc_row *rows = ebpf_sc_rows(&n);
	bool seen[SK_SC_COUNT] = {false};
	assert_true(n > 80);
	for (size_t i = 0; i < n; i++) {
		const struct ebpf_sc_row *r = &rows[i];
		const struct sk_sc_event *e = sk_sc_event_info(r->type);
		assert_non_null(e);
		assert_true(r->nr >= 0 && r->nr < (int)SK_EBPF_MAX_SYSCALLS);
		seen[r->type - SK_EVT_SYSCALL_BASE] = true;
		/* only these have an entry program (probe.bpf.c: sk_enter_*) */
		if (r->save_str != 0 || r->save_sa != 0) {
			assert_true(r->type == SK_SC_EXECVE || r->type == SK_SC_EXECVEAT ||
				    r->type == SK_SC_CONNECT || r->type == SK_SC_BIND);
		}
		/* no syscall number twice */
		for (size_t j = 0; j < i; j++) {
			if (rows[j].nr == r->nr) {
				fail_msg("syscall %d has two rows (%s)", r->nr, e->name);
			}
		}
		if (r->special != SK_SP_NONE) {
			continue;
		}
		if (r->nparams != e->nparams) {
			fail_msg("%s: %u parameter sources, the event has %u", e->name, r->nparams,
				 e->nparams);
		}
		for (unsigned k = 0; k < r->nparams; k++) {
			if (!kind_fits(&r->p[k], e->params[k].type)) {
				fail_msg("%s: parameter %s (type %u) cannot come from kind %u",
					 e->name, e->params[k].name, e->params[k].type,
					 r->p[k].kind);
			}
			/* copies taken at entry are the exec family's and the
			 * sockaddrs of connect and bind: the probe saves at the
			 * entry of those syscalls only */
			assert_false(r->p[k].kind == SK_K_ARG_STR && r->p[k].b);
			if (r->p[k].kind == SK_K_TUPLE && r->p[k].c) {
				/* takes the sockaddr copied at entry */
				assert_int_not_equal(r->save_sa, 0);
			}
			if (r->p[k].kind == SK_K_ARG_SOCKADDR && r->p[k].c) {
				assert_int_equal(r->save_sa, r->p[k].a + 1u);
				assert_int_equal(r->save_sa_len, r->p[k].b);
			}
		}
	}
	/* every syscall event of the table has a row on x86-64 (procexit is
	 * not a syscall) */
#if defined(__x86_64__)
	for (unsigned t = 0; t < SK_SC_COUNT; t++) {
		if (t + SK_EVT_SYSCALL_BASE == SK_SC_PROCEXIT) {
			continue;
		}
		if (!seen[t]) {
			fail_msg("event %s has no syscall row", sk_sc_events[t].name);
		}
	}
#endif
}

static void test_default_set(void **state)
{
	(void)state;
	struct ebpf_conf c = {.buf_size_preset = 4};
	char err[256] = "";
	assert_int_equal(ebpf_build_table(&c, tab, err, sizeof(err)), 0);
	assert_int_equal(tab[SYS_openat].type, SK_SC_OPENAT);
	assert_true(tab[SYS_openat].enabled);
	assert_int_equal(tab[SYS_openat].save_str, 0); /* read at exit */
	assert_int_equal(tab[SYS_openat].nparams, SK_SC_OPENAT_NPARAMS);
	assert_true(tab[SYS_execve].enabled);
	assert_int_equal(tab[SYS_execve].special, SK_SP_EXEC);
	assert_true(tab[SYS_connect].enabled);
	assert_int_equal(tab[SYS_connect].save_sa, 2);
	assert_true(tab[SYS_clone].enabled);
	assert_false(tab[SYS_read].enabled);
	assert_false(tab[SYS_write].enabled);
	assert_false(tab[SYS_mmap].enabled);
	assert_int_equal(tab[SYS_read].type, SK_SC_READ); /* known, just off */
	assert_int_equal(tab[SYS_getpid].type, 0);	  /* not in the table */
	assert_false(tab[SYS_getpid].enabled);

	/* run-time change: one row, no reload */
	assert_int_equal(ebpf_set_enabled(tab, "read", true), 1);
	assert_true(tab[SYS_read].enabled);
	assert_int_equal(ebpf_set_enabled(tab, "openat", false), 1);
	assert_false(tab[SYS_openat].enabled);
	assert_int_equal(ebpf_set_enabled(tab, "nosuch", true), -ENOENT);
}

/* paths_at_entry: one-path calls copy their path at entry and write that
 * copy; two-path calls and those saving something already are left. */
static void test_paths_at_entry(void **state)
{
	(void)state;
	struct ebpf_conf c = {.buf_size_preset = 4, .paths_at_entry = true};
	char err[256] = "";
	assert_int_equal(ebpf_build_table(&c, tab, err, sizeof(err)), 0);
	/* openat: R, dirfd, name (argument 1) */
	assert_int_equal(tab[SYS_openat].save_str, 2);
	assert_int_equal(tab[SYS_openat].p[2].kind, SK_K_ARG_STR);
	assert_int_equal(tab[SYS_openat].p[2].b, 1);
	assert_int_equal(tab[SYS_open].save_str, 1);
	assert_int_equal(tab[SYS_unlink].save_str, 1);
	assert_int_equal(tab[SYS_rename].save_str, 0); /* two paths: both at exit */
	assert_int_equal(tab[SYS_connect].save_str, 0);
	assert_int_equal(tab[SYS_connect].save_sa, 2);
	assert_int_equal(tab[SYS_execve].special, SK_SP_EXEC);
	/* the 32-bit open follows its row */
	__u32 compat[SK_EBPF_COMPAT_MAX];
	ebpf_build_compat(tab, compat);
	assert_true(compat[5 /* ia32 open */] & SK_CNR_SAVES);
	c.paths_at_entry = false;
	assert_int_equal(ebpf_build_table(&c, tab, err, sizeof(err)), 0);
	assert_int_equal(tab[SYS_openat].save_str, 0);
	assert_int_equal(tab[SYS_openat].p[2].b, 0);
	ebpf_build_compat(tab, compat);
	assert_false(compat[5] & SK_CNR_SAVES);
}

static void test_syscalls_option(void **state)
{
	(void)state;
	char *names[] = {"write", "procexit", "mprotect"};
	struct ebpf_conf c = {.buf_size_preset = 4, .syscalls = {names, 3}};
	char err[256] = "";
	assert_int_equal(ebpf_build_table(&c, tab, err, sizeof(err)), 0);
	assert_true(tab[SYS_write].enabled);
	assert_true(tab[SYS_mprotect].enabled);
	assert_false(tab[SYS_read].enabled);

	char *bad[] = {"opnat"};
	struct ebpf_conf c2 = {.buf_size_preset = 4, .syscalls = {bad, 1}};
	assert_int_equal(ebpf_build_table(&c2, tab, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "syscalls: unknown syscall 'opnat' (did you mean 'openat'?)");
	char *worse[] = {"xyzzy_frobnicate"};
	struct ebpf_conf c3 = {.buf_size_preset = 4, .syscalls = {worse, 1}};
	assert_int_equal(ebpf_build_table(&c3, tab, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "syscalls: unknown syscall 'xyzzy_frobnicate'");

	struct ebpf_conf all = {.buf_size_preset = 4, .all_syscalls = true};
	assert_int_equal(ebpf_build_table(&all, tab, err, sizeof(err)), 0);
	assert_true(tab[SYS_read].enabled);
	assert_true(tab[SYS_mmap].enabled);
}

/* The ia32 row of event `type` (the first: fcntl has two). */
static int ia32_nr(unsigned type)
{
	size_t n;
	const struct ebpf_ia32_row *r = ebpf_ia32_rows(&n);
	for (size_t i = 0; i < n; i++) {
		if (r[i].type == type && r[i].nr < (int)SK_EBPF_SOCKETCALL_BASE) {
			return r[i].nr;
		}
	}
	return -1;
}

static void test_ia32_map(void **state)
{
	(void)state;
#if defined(__x86_64__)
	struct ebpf_conf c = {.buf_size_preset = 4};
	char err[256] = "";
	static __u32 map[SK_EBPF_COMPAT_MAX];
	assert_int_equal(ebpf_build_table(&c, tab, err, sizeof(err)), 0);
	ebpf_build_compat(tab, map);
	/* every ia32 row names an event that has an x86-64 row */
	size_t n;
	const struct ebpf_ia32_row *r = ebpf_ia32_rows(&n);
	assert_true(n > 80);
	for (size_t i = 0; i < n; i++) {
		assert_true(r[i].nr >= 0 && r[i].nr < (int)SK_EBPF_COMPAT_MAX);
		if (map[r[i].nr] == 0) {
			fail_msg("ia32 row %d (%s) maps to no x86-64 row", r[i].nr,
				 sk_sc_event_info(r[i].type)->name);
		}
		assert_int_equal(tab[(map[r[i].nr] & SK_CNR_NR) - 1].type, r[i].type);
	}
	int open32 = ia32_nr(SK_SC_OPEN);
	assert_true(open32 >= 0 && open32 != SYS_open); /* 5 against 2 */
	assert_int_equal(map[open32], (SYS_open + 1) | SK_CNR_ENABLED);
	int exec32 = ia32_nr(SK_SC_EXECVE);
	assert_int_equal(map[exec32], (SYS_execve + 1) | SK_CNR_ENABLED | SK_CNR_SAVES);
	/* socketcall: the sub-call decides; connect copies its sockaddr */
	int sock = ebpf_ia32_socketcall_nr();
	assert_true(sock > 0);
	assert_int_equal(map[sock], SK_CNR_SOCKETCALL | SK_CNR_ENABLED | SK_CNR_SAVES);
	assert_int_equal(map[SK_EBPF_SOCKETCALL_BASE + 3 /* SYS_CONNECT */],
			 (SYS_connect + 1) | SK_CNR_ENABLED | SK_CNR_SAVES);
	/* a disabled event is not enabled for 32-bit callers either */
	int read32 = ia32_nr(SK_SC_READ);
	assert_int_equal(map[read32], SYS_read + 1);
	ebpf_set_enabled(tab, "read", true);
	ebpf_build_compat(tab, map);
	assert_int_equal(map[read32], (SYS_read + 1) | SK_CNR_ENABLED);
#else
	size_t n;
	assert_null(ebpf_ia32_rows(&n));
	assert_int_equal(n, 0);
#endif
}

static void test_buf_size(void **state)
{
	(void)state;
	char err[256] = "";
	uint64_t sz = 0;
	struct ebpf_conf c = {.buf_size_preset = 4};
	assert_int_equal(ebpf_buf_size(&c, &sz, err, sizeof(err)), 0);
	assert_int_equal(sz, 8u << 20);
	c.buf_size_preset = 1;
	assert_int_equal(ebpf_buf_size(&c, &sz, err, sizeof(err)), 0);
	assert_int_equal(sz, 1u << 20);
	c.buf_size_preset = 10;
	assert_int_equal(ebpf_buf_size(&c, &sz, err, sizeof(err)), 0);
	assert_int_equal(sz, 512u << 20);
	c.buf_size = 65536; /* bytes win over the preset */
	assert_int_equal(ebpf_buf_size(&c, &sz, err, sizeof(err)), 0);
	assert_int_equal(sz, 65536);
	c.buf_size = 100000;
	assert_int_equal(ebpf_buf_size(&c, &sz, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "buf_size 100000: a ring buffer is a power of two between 4096 "
				 "and 1G bytes");
	c.buf_size = 2048;
	assert_int_equal(ebpf_buf_size(&c, &sz, err, sizeof(err)), -EINVAL);
	struct ebpf_conf z = {.buf_size_preset = 0};
	assert_int_equal(ebpf_buf_size(&z, &sz, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "buf_size_preset is 0 but buf_size is not set");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows_match_event_table),
	    cmocka_unit_test(test_default_set),
	    cmocka_unit_test(test_paths_at_entry),
	    cmocka_unit_test(test_syscalls_option),
	    cmocka_unit_test(test_ia32_map),
	    cmocka_unit_test(test_buf_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
