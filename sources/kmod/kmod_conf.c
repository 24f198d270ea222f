/* sources/kmod/kmod_conf.c - the kmod source's configuration schema and
 * the syscall bitmap it gives the module. Which syscall numbers make which
 * event is the ebpf source's table (sources/ebpf/ebpf_conf.c), used as is:
 * the module writes the same records for the same numbers.
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
    {.name = NULL},
};

int kmod_conf_syscalls(const struct kmod_conf *c, const uint16_t *types, size_t n,
		       struct sk_kmod_syscalls *ret, unsigned *ret_count, char *err, size_t errlen)
{
	struct ebpf_conf ec = {
	    .syscalls = c->syscalls,
	    .all_syscalls = c->all_syscalls,
	    .drop_failed_exit = c->drop_failed_exit,
	};
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
