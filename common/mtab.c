/* common/mtab.c - a plugin's table of metrics with names made at run time
 * (mtab.h).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mtab.h"

int sk_mtab_init(struct sk_mtab *t, size_t cap)
{
	memset(t, 0, sizeof(*t));
	t->m = calloc(cap ? cap : 1, sizeof(*t->m));
	t->names = calloc(cap ? cap : 1, sizeof(*t->names));
	if (t->m == NULL || t->names == NULL) {
		sk_mtab_fini(t);
		return -ENOMEM;
	}
	t->cap = cap;
	return 0;
}

static bool is_metric_name(const char *s)
{
	if (*s == '\0') {
		return false;
	}
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) {
			return false;
		}
	}
	return true;
}

int sk_mtab_add(struct sk_mtab *t, const char *fmt, ...)
{
	if (t->n >= t->cap) {
		return -ENOSPC;
	}
	char *name = t->names[t->n];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(name, SK_MTAB_NAME_MAX, fmt, ap);
	va_end(ap);
	if (len < 0 || len >= SK_MTAB_NAME_MAX) {
		return len < 0 ? -EINVAL : -ENAMETOOLONG;
	}
	if (!is_metric_name(name)) {
		return -EINVAL;
	}
	t->m[t->n] = (struct sk_metric){.name = name, .value = 0};
	return (int)t->n++;
}

int sk_mtab_add_cpus(struct sk_mtab *t, const unsigned *cpus, size_t n)
{
	int first = (int)t->n;
	for (size_t i = 0; i < n; i++) {
		unsigned cpu = cpus != NULL ? cpus[i] : (unsigned)i;
		int r = sk_mtab_add(t, "n_evts_cpu_%u", cpu);
		if (r >= 0) {
			r = sk_mtab_add(t, "n_drops_cpu_%u", cpu);
		}
		if (r < 0) {
			t->n = (size_t)first;
			return r;
		}
	}
	return first;
}

void sk_mtab_fini(struct sk_mtab *t)
{
	if (t == NULL) {
		return;
	}
	free(t->m);
	free(t->names);
	memset(t, 0, sizeof(*t));
}
