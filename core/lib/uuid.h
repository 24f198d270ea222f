/* core/lib/uuid.h - random (version 4) UUIDs for alert ids, RFC 4122 text
 * form, from getrandom(2) through a small per-thread random pool.
 */
#ifndef SK_CORE_LIB_UUID_H
#define SK_CORE_LIB_UUID_H

#define SK_UUID_STR_LEN 37 /* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" + NUL */

/* sk_uuid_v4 - write a fresh RFC 4122 version 4 UUID in lower-case text form
 * into out (SK_UUID_STR_LEN bytes). Returns 0, or -errno when the kernel's
 * random source fails (out then holds ""). Thread-safe (the pool is
 * per-thread); never blocks once the kernel's pool is initialised. */
int sk_uuid_v4(char out[SK_UUID_STR_LEN]);

#endif /* SK_CORE_LIB_UUID_H */
