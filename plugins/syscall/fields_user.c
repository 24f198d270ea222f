/* plugins/syscall/fields_user.c - the syscall plugin's user.* and group.*
 * fields of fields.h: the thread's effective user and group ids, the audit
 * login user, and their names, home directories and shells from the
 * passwd and group files of the process's own root (userdb.h). Values
 * point into the state: valid until the next extract(). */
#include "config.h"

#include <stdint.h>

#include "fields.h"
#include "syscall.h"

int sys_user_field(struct sys_inst *in, const struct sk_event *ev, unsigned id, struct sk_value *v)
{
	struct sk_thread *t = in->ev.t;
	uint32_t uid = id == F_USER_LOGINNAME ? t->loginuid : t->euid;
	switch (id) {
	case F_USER_UID:
		return sys_ret_u64(v, SK_TYPE_U64, t->euid);
	case F_USER_LOGINUID:
		return sys_ret_i64(v, t->loginuid == SK_LOGINUID_NONE ? -1 : (int64_t)t->loginuid);
	case F_GROUP_GID:
		return sys_ret_u64(v, SK_TYPE_U64, t->egid);
	case F_GROUP_NAME: {
		const struct sk_userdb *db = sk_state_userdb(&in->st, t, ev->rec->ts, false);
		const struct sk_group *g = db ? sk_userdb_group(db, t->egid) : NULL;
		if (g == NULL && db != NULL) {
			db = sk_state_userdb(&in->st, t, ev->rec->ts, true);
			g = db ? sk_userdb_group(db, t->egid) : NULL;
		}
		return g ? sys_ret_str(v, g->name) : SK_NA;
	}
	default:
		break;
	}
	if (id == F_USER_LOGINNAME && uid == SK_LOGINUID_NONE) {
		return SK_NA;
	}
	const struct sk_userdb *db = sk_state_userdb(&in->st, t, ev->rec->ts, false);
	const struct sk_user *u = db ? sk_userdb_user(db, uid) : NULL;
	if (u == NULL && db != NULL) {
		db = sk_state_userdb(&in->st, t, ev->rec->ts, true);
		u = db ? sk_userdb_user(db, uid) : NULL;
	}
	if (u == NULL) {
		return SK_NA;
	}
	switch (id) {
	case F_USER_NAME:
	case F_USER_LOGINNAME:
		return sys_ret_str(v, u->name);
	case F_USER_HOMEDIR:
		return sys_ret_str(v, u->home);
	case F_USER_SHELL:
		return sys_ret_str(v, u->shell);
	default:
		return SK_NA;
	}
}
