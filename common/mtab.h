/* common/mtab.h - a plugin's table of metrics (struct sk_metric,
 * <shrike/plugin.h>) whose names it makes at run time: one per CPU, one
 * per BPF program. The table owns the names; metrics() hands out t->m as
 * is, valid until sk_mtab_fini. The per-CPU pair of the syscall sources
 * (ebpf, kmod) is here too: both report it under the same names. Not
 * thread-safe.
 */
#ifndef SK_COMMON_MTAB_H
#define SK_COMMON_MTAB_H

#include <stddef.h>

#include <shrike/plugin.h>

#define SK_MTAB_NAME_MAX 64 /* bytes of a name, its NUL included */

struct sk_mtab {
	struct sk_metric *m;		 /* n in use, room for cap */
	char (*names)[SK_MTAB_NAME_MAX]; /* m[i].name points to names[i] */
	size_t n, cap;
};

/* sk_mtab_init - room for cap metrics, none yet. 0 or -ENOMEM. */
int sk_mtab_init(struct sk_mtab *t, size_t cap);

/* sk_mtab_add - append a metric named by printf format fmt, value 0.
 * Returns its index, or -ENOSPC (the table is full), -ENAMETOOLONG (the
 * name needs more than SK_MTAB_NAME_MAX bytes), -EINVAL (the name is not
 * [a-z0-9_]+); the table is unchanged then. */
int sk_mtab_add(struct sk_mtab *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sk_mtab_add_cpus - the syscall sources' per-CPU counters, for each of
 * the n CPU numbers cpus[] (NULL: 0 .. n-1) a pair: n_evts_cpu_<N> then
 * n_drops_cpu_<N>. Returns the index of the first pair (the pair of
 * cpus[i] is at that index + 2 * i), or -errno as sk_mtab_add. */
int sk_mtab_add_cpus(struct sk_mtab *t, const unsigned *cpus, size_t n);

/* sk_mtab_fini - free the table; t is empty again. NULL-safe. */
void sk_mtab_fini(struct sk_mtab *t);

#endif /* SK_COMMON_MTAB_H */
