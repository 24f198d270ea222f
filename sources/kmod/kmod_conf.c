/* sources/kmod/kmod_conf.c - the kmod source's configuration schema, the
 * syscall table it gives the module and the syscall bitmap that selects
 * from it. Which syscall numbers make which event, and where each
 * parameter comes from, is the ebpf source's table (sources/ebpf/
 * ebpf_conf.c), used as is: the module writes the same records, from the
 * same sources, for the same numbers.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ebpf_conf.h"
#include "kmod_priv.h"

const struct sk_param kmod_params[] = {
    {.name = "drop_failed_exit",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = offsetof(struct kmod_conf, drop_failed_exit),
     .desc = "drop the records of failed syscalls in the kernel (process events are kept)"},
    {.name = "syscalls",
     .type = SK_PARAM_STRLIST,
     .offset = offsetof(struct kmod_conf, syscalls),
     .desc = "event names (evt.type) to record besides the default set, e.g. [read, write]"},
    {.name = "all_syscalls",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = offsetof(struct kmod_conf, all_syscalls),
     .desc = "record every syscall Shrike knows, the high-volume ones included"},
    {.name = "capture_env",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = offsetof(struct kmod_conf, capture_env),
     .desc = "execve records carry the new process's environment (proc.env)"},
    {.name = NULL},
};

_Static_assert(SK_KMOD_MAX_SYSCALLS == SK_EBPF_MAX_SYSCALLS, "one table for both sources");
_Static_assert(SK_KMOD_COMPAT_MAX == SK_EBPF_COMPAT_MAX, "one ia32 map for both sources");

static void to_ebpf_conf(const struct kmod_conf *c, struct ebpf_conf *ec)
{
	memset(ec, 0, sizeof(*ec));
	ec->syscalls = c->syscalls;
	ec->all_syscalls = c->all_syscalls;
	ec->drop_failed_exit = c->drop_failed_exit;
	ec->capture_env = c->capture_env;
}

int kmod_conf_table(const struct kmod_conf *c, struct sk_ebpf_sc *rows, __u32 *compat, char *err,
		    size_t errlen)
{
	struct ebpf_conf ec;
	to_ebpf_conf(c, &ec);
	memset(rows, 0, SK_KMOD_MAX_SYSCALLS * sizeof(*rows));
	int r = ebpf_build_table(&ec, rows, err, errlen);
	if (r < 0) {
		return r;
	}
	ebpf_build_compat(rows, compat);
	return 0;
}

__u32 kmod_conf_flags(const struct kmod_conf *c)
{
	return (c->drop_failed_exit ? SK_KMOD_F_DROP_FAILED_EXIT : 0) |
	       (c->capture_env ? SK_KMOD_F_CAPTURE_ENV : 0);
}

int kmod_conf_syscalls(const struct kmod_conf *c, const uint16_t *types, size_t n,
		       struct sk_kmod_syscalls *ret, unsigned *ret_count, char *err, size_t errlen)
{
	struct ebpf_conf ec;
	to_ebpf_conf(c, &ec);
	struct sk_ebpf_sc *tab = calloc(SK_EBPF_MAX_SYSCALLS, sizeof(*tab));
	if (tab == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int r = ebpf_build_table(&ec, tab, err, errlen);
	if (r < 0) {
		free(tab);
		return r;
	}
	ebpf_select_types(&ec, tab, types, n);
	memset(ret, 0, sizeof(*ret));
	*ret_count = 0;
	for (unsigned i = 0; i < SK_EBPF_MAX_SYSCALLS && i < SK_KMOD_MAX_SYSCALLS; i++) {
		if (tab[i].type != 0 && tab[i].enabled) {
			ret->bits[i / 64] |= (__u64)1 << (i % 64);
			(*ret_count)++;
		}
	}
	free(tab);
	return 0;
}
