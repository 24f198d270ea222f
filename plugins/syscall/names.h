/* plugins/syscall/names.h - text for numbers: errno names (evt.res),
 * capability sets as Falco prints them (thread.cap_*), socket families,
 * fd types. Static tables, no state. */
#ifndef SK_PLUGINS_SYSCALL_NAMES_H
#define SK_PLUGINS_SYSCALL_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* sk_errno_name - "ENOENT" for 2, NULL for numbers without a name. */
const char *sk_errno_name(int64_t err);

/* sk_cap_name - "CAP_CHOWN" for 0, NULL past the last known capability. */
const char *sk_cap_name(unsigned bit);

/* sk_caps_format - the capabilities set in `mask` as Falco prints them:
 * names separated by one space, in bit order ("CAP_CHOWN CAP_KILL"), "" for
 * none; unknown bits print as "CAP_<bit>". Writes at most cap bytes
 * (NUL-terminated, cut if needed); returns the length written. */
size_t sk_caps_format(uint64_t mask, char *buf, size_t cap);

/* sk_sockfamily_name - Falco's fd.sockfamily text: "ip" for AF_INET and
 * AF_INET6, "unix" for AF_UNIX, NULL otherwise. */
const char *sk_sockfamily_name(int family);

#endif /* SK_PLUGINS_SYSCALL_NAMES_H */
