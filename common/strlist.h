/* common/strlist.h - freeing a struct sk_strlist (shrike/plugin.h), the list
 * of malloc'd strings that configuration structs hold.
 */
#ifndef SK_COMMON_STRLIST_H
#define SK_COMMON_STRLIST_H

#include <shrike/plugin.h>

/* sk_strlist_free - free the strings and the array; l is empty again. */
void sk_strlist_free(struct sk_strlist *l);

#endif /* SK_COMMON_STRLIST_H */
