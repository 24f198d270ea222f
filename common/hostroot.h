/* common/hostroot.h - the host's file system as this process sees it.
 *
 * Inside a container, Shrike reads the host through a mount (for example
 * `-v /:/host:ro`) that the environment variable HOST_ROOT names, as Falco
 * does. Every default host path the daemon and its plugins read (/proc,
 * /var/lib/containers/storage, /etc/passwd ...) is then taken under it;
 * paths the configuration sets are used as written. HOST_ROOT unset, empty
 * or "/" means the process runs on the host: paths stay as they are.
 */
#ifndef SK_COMMON_HOSTROOT_H
#define SK_COMMON_HOSTROOT_H

#include <stddef.h>

/* sk_hostroot - the host root from HOST_ROOT, read once (the first call;
 * thread-safe), normalised as sk_hostroot_norm() does: "" when there is
 * none, else an absolute or relative directory without a trailing slash.
 * The string is static. */
const char *sk_hostroot(void);

/* sk_hostroot_norm - the host root that the value `env` of HOST_ROOT names
 * (NULL: unset), written into buf: "" for NULL, "", "/" (or only slashes),
 * else env without its trailing slashes. Returns buf, or NULL when it does
 * not fit (cap counts the NUL). Pure. */
char *sk_hostroot_norm(const char *env, char *buf, size_t cap);

/* sk_hostroot_join - the host path `path` ("/proc", "/etc/passwd")
 * under `root` (as sk_hostroot_norm() gives it) into buf: root + path,
 * with one slash between them whatever path starts with; path itself when
 * root is "". Returns buf, or NULL when it does not fit. Pure. */
char *sk_hostroot_join(const char *root, const char *path, char *buf, size_t cap);

/* sk_hostroot_path - sk_hostroot_join(sk_hostroot(), path, ...). */
char *sk_hostroot_path(const char *path, char *buf, size_t cap);

/* sk_hostroot_dup - the same, malloc'd (NULL: out of memory). The caller
 * frees it. */
char *sk_hostroot_dup(const char *path);

#endif /* SK_COMMON_HOSTROOT_H */
