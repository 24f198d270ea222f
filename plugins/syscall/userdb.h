/* plugins/syscall/userdb.h - users and groups read from a root directory's
 * etc/passwd and etc/group: the host's ("/") or a container's
 * ("/proc/PID/root"). Loaded once, looked up by id. Not thread-safe. */
#ifndef SK_PLUGINS_SYSCALL_USERDB_H
#define SK_PLUGINS_SYSCALL_USERDB_H

#include <stddef.h>
#include <stdint.h>

struct sk_user {
	uint32_t uid;
	uint32_t gid;
	const char *name;
	const char *home;
	const char *shell;
};

struct sk_group {
	uint32_t gid;
	const char *name;
};

struct sk_userdb {
	struct sk_user *users; /* sorted by uid; strings point into passwd */
	size_t nusers;
	struct sk_group *groups; /* sorted by gid; strings point into group */
	size_t ngroups;
	char *passwd; /* file text, owned */
	char *group;
};

/* sk_userdb_load - read <root>/etc/passwd and <root>/etc/group (each at
 * most 4 MiB; a missing file gives no entries). Returns NULL only when out
 * of memory. Lines that are not well-formed are skipped; the first entry of
 * a duplicated id wins, as getpwuid(3) does. */
struct sk_userdb *sk_userdb_load(const char *root);

/* sk_userdb_parse - the same from the files' text: takes ownership of
 * `passwd` and `group` (malloc'd, NUL-terminated; NULL: out of memory, and
 * the result is NULL). */
struct sk_userdb *sk_userdb_parse(char *passwd, char *group);

/* sk_userdb_free - NULL-safe. */
void sk_userdb_free(struct sk_userdb *db);

/* Lookups: NULL when the id is unknown. Results live as long as db. */
const struct sk_user *sk_userdb_user(const struct sk_userdb *db, uint32_t uid);
const struct sk_group *sk_userdb_group(const struct sk_userdb *db, uint32_t gid);

#endif /* SK_PLUGINS_SYSCALL_USERDB_H */
