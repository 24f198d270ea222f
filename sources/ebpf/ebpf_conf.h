/* sources/ebpf/ebpf_conf.h - the ebpf source's configuration and its
 * syscall table: which syscall numbers make which event (<shrike/
 * syscall_events.h>) and where the probe takes each parameter from
 * (probe.h). Pure code, no BPF: unit-tested by ebpf_conf_test.c.
 */
#ifndef SK_SOURCES_EBPF_EBPF_CONF_H
#define SK_SOURCES_EBPF_EBPF_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include <shrike/plugin.h>

#include "probe.h"

/* engine.ebpf in shrike.yaml, filled by the host from ebpf_params. */
struct ebpf_conf {
	uint64_t buf_size_preset;      /* 1..10 as Falco's; 0: use buf_size */
	uint64_t buf_size;	       /* bytes per ring buffer; overrides the preset when set */
	uint64_t cpus_for_each_buffer; /* CPUs sharing one ring; 0: one ring for all */
	bool drop_failed_exit;	       /* drop failed syscalls in the kernel */
	struct sk_strlist syscalls;    /* event names to record besides the default set */
	bool all_syscalls;	       /* record every syscall of the table */
	bool capture_env;	       /* execve records carry the environment */
	bool paths_at_entry;	       /* copy one-path syscalls' path at entry */
	bool bpf_stats;		       /* the kernel counts each program's runs and time */
};

extern const struct sk_param ebpf_params[];

/* One syscall number's row of the table the plugin loads into the probe. */
struct ebpf_sc_row {
	int nr;		  /* syscall number on this architecture */
	unsigned type;	  /* SK_SC_* event type */
	unsigned special; /* SK_SP_* */
	unsigned save_str, save_sa, save_sa_len;
	unsigned nparams;
	struct sk_ebpf_pspec p[SK_EBPF_MAX_PSPEC];
};

/* The rows for this architecture; *ret_n is set to their number. Static. */
const struct ebpf_sc_row *ebpf_sc_rows(size_t *ret_n);

/* ebpf_buf_size - the ring buffer size `c` asks for: buf_size when set,
 * else 1 MiB << (preset - 1). Returns 0 and sets *ret, or -EINVAL with a
 * message in err (not a power of two, below one page, preset 0 without
 * buf_size, above 1 GiB). */
int ebpf_buf_size(const struct ebpf_conf *c, uint64_t *ret, char *err, size_t errlen);

/* ebpf_build_table - fill `out` (SK_EBPF_MAX_SYSCALLS rows, zeroed by the
 * caller or not) with the probe's table for configuration `c`: every known
 * syscall gets its event type and parameter sources; enabled are the
 * state-tracking and security-relevant events (everything but the
 * SK_SCF_HIGHVOL ones), the events named in c->syscalls, or all with
 * c->all_syscalls. Returns 0, or -EINVAL with "unknown syscall 'x'" (and the
 * closest name) in err. */
int ebpf_build_table(const struct ebpf_conf *c, struct sk_ebpf_sc *out, char *err, size_t errlen);

/* ebpf_set_enabled - enable or disable every syscall number of event
 * `name` in `tab`. Returns the number of rows changed, or -ENOENT. This is
 * how the set changes at run time: the plugin writes the changed rows into
 * the probe's map; the probe needs no reload. */
int ebpf_set_enabled(struct sk_ebpf_sc *tab, const char *name, bool on);

/* ebpf_select_types - narrow `tab` (from ebpf_build_table) to what the
 * rules use: the rows of the n event types `types`, the events the state
 * tracker needs (SK_SCF_STATE) and those c->syscalls forces on. NULL
 * types, or c->all_syscalls: `tab` is left as the configuration built it.
 * The ebpf source writes the result into its probe's map, the kmod source
 * turns it into the module's syscall bitmap. */
void ebpf_select_types(const struct ebpf_conf *c, struct sk_ebpf_sc *tab, const uint16_t *types,
		       size_t n);

/* One 32-bit (ia32) syscall number, or SK_EBPF_SOCKETCALL_BASE + a
 * socketcall sub-call, and the event it records (ebpf_ia32.c). */
struct ebpf_ia32_row {
	int nr;
	unsigned type; /* SK_SC_* */
};

/* The ia32 rows (none but on x86-64); *ret_n is set to their number. */
const struct ebpf_ia32_row *ebpf_ia32_rows(size_t *ret_n);

/* ia32's socketcall number, or -1 where there is none. */
int ebpf_ia32_socketcall_nr(void);

/* ebpf_build_compat - fill `out` (SK_EBPF_COMPAT_MAX entries) with the
 * probe's compat_nr map for the x86-64 table `tab`: each ia32 number maps
 * to the row of the same event, with that row's enabled and save bits
 * (probe.h SK_CNR_*); socketcall's own entry is enabled (saves) when one
 * of its sub-calls is. */
void ebpf_build_compat(const struct sk_ebpf_sc *tab, __u32 *out);

#endif /* SK_SOURCES_EBPF_EBPF_CONF_H */
