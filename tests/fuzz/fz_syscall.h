/* tests/fuzz/fz_syscall.h - the syscall plugin (compiled into the target)
 * as the daemon has it: one instance that never reads the machine's /proc,
 * and a field registry over its fields, as `shrike -V` builds it.
 */
#ifndef SK_TESTS_FUZZ_FZ_SYSCALL_H
#define SK_TESTS_FUZZ_FZ_SYSCALL_H

#include "fuzz.h"
#include "plugins/syscall/syscall.h"
#include "log.h"
#include "rules/fields.h"

extern const struct sk_plugin shrike_plugin_entry;

/* fz_syscall_new - a syscall plugin instance with empty tables, or NULL. */
static inline void *fz_syscall_new(void)
{
	static struct sys_conf conf;
	conf = (struct sys_conf){.proc_root = (char *)"/nonexistent-fuzz-proc",
				 .scan_proc = false,
				 .max_threads = 4096,
				 .max_fds = 4096};
	struct sk_init_input in = {.struct_size = sizeof(in),
				   .api = &fz_api,
				   .config = &conf,
				   .config_json = "{}",
				   .instance_name = "syscall"};
	void *inst = NULL;
	char err[256];
	if (shrike_plugin_entry.init(&in, &inst, err, sizeof(err)) != SK_OK) {
		fprintf(stderr, "syscall init: %s\n", err);
		shrike_plugin_entry.destroy(inst);
		return NULL;
	}
	return inst;
}

/* fz_fields_new - a registry with the syscall plugin's fields, or NULL. */
static inline struct sk_fields *fz_fields_new(void *inst)
{
	char err[256];
	struct sk_fields *f = sk_fields_create();
	if (f == NULL ||
	    sk_fields_add_plugin(f, &shrike_plugin_entry, inst, err, sizeof(err)) != 0 ||
	    sk_fields_add_source(f, "syscall") != 0) {
		fprintf(stderr, "fields: %s\n", err);
		sk_fields_destroy(f);
		return NULL;
	}
	return f;
}

/* fz_syscall_setup - for LLVMFuzzerInitialize: the log silenced, then the
 * instance and the registry, kept for the whole run; aborts on failure. */
static inline struct sk_fields *fz_syscall_setup(void)
{
	sk_log_setup(0, false, false);
	void *inst = fz_syscall_new();
	struct sk_fields *f = inst ? fz_fields_new(inst) : NULL;
	if (f == NULL) {
		abort();
	}
	return f;
}

#endif /* SK_TESTS_FUZZ_FZ_SYSCALL_H */
