/* common/strlist.c - freeing a struct sk_strlist (see strlist.h). */
#include "config.h"

#include <stdlib.h>

#include "strlist.h"

void sk_strlist_free(struct sk_strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i]);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}
