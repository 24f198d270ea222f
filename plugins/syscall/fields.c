/* plugins/syscall/fields.c - the syscall source's field table and its
 * extract(): the list of fields.h (evt.*, proc.*, thread.*, fd.*, user.*,
 * group.*), then fields_fd.h's and fields_evtproc.h's, with Falco's names,
 * types and meaning; extract() hands each field to the file of its group.
 * Also the value helpers all of them use (syscall.h). Values point into the
 * instance's scratch buffer or into the state: valid until the next
 * extract(). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "fields_evtproc.h"
#include "fields_fd.h"
#include "syscall.h"

/* fields_evtproc.c's fields come after these: index F_COUNT + FE_* */
const struct sk_field sys_fields[] = {
#define X(id, name, type, flags, desc) {name, SK_TYPE_##type, flags, NULL, desc},
    SYS_FIELDS(X) SYS_FD_FIELDS(X) SYS_FIELDS_EVTPROC(X)
#undef X
    {NULL, 0, 0, NULL, NULL},
};

/* ---- value helpers ---- */

char *sys_scratch(struct sys_inst *in, size_t need)
{
	if (need > in->bufcap) {
		size_t cap = in->bufcap ? in->bufcap : 256;
		while (cap < need) {
			cap *= 2;
		}
		char *b = realloc(in->buf, cap);
		if (b == NULL) {
			return NULL;
		}
		in->buf = b;
		in->bufcap = cap;
	}
	return in->buf;
}

int sys_ret_str(struct sk_value *v, const char *s)
{
	if (s == NULL) {
		return SK_NA;
	}
	v->type = SK_TYPE_STRING;
	v->str.ptr = s;
	v->str.len = (uint32_t)strlen(s);
	return SK_OK;
}

int sys_ret_fmt(struct sys_inst *in, struct sk_value *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *b = n >= 0 ? sys_scratch(in, (size_t)n + 1) : NULL;
	if (b == NULL) {
		return SK_ERR;
	}
	va_start(ap, fmt);
	vsnprintf(b, (size_t)n + 1, fmt, ap);
	va_end(ap);
	v->type = SK_TYPE_STRING;
	v->str.ptr = b;
	v->str.len = (uint32_t)n;
	return SK_OK;
}

int sys_ret_u64(struct sk_value *v, uint32_t type, uint64_t x)
{
	v->type = type;
	v->u64 = x;
	return SK_OK;
}

int sys_ret_i64(struct sk_value *v, int64_t x)
{
	v->type = SK_TYPE_I64;
	v->i64 = x;
	return SK_OK;
}

int sys_ret_bool(struct sk_value *v, bool b)
{
	v->type = SK_TYPE_BOOL;
	v->b = b;
	return SK_OK;
}

int sys_extract(void *inst, const struct sk_event *ev, const struct sk_field_req *req,
		struct sk_value *ret_val)
{
	struct sys_inst *in = inst;
	unsigned id = req->field_idx;
	memset(ret_val, 0, sizeof(*ret_val));
	if (id >= F_COUNT + FX_COUNT + FE_COUNT) {
		return SK_ERR;
	}
	if (in->ev.num != ev->num || in->ev.rec != ev->rec) {
		/* not parsed (should not happen: parse() runs first) */
		sys_parse_event(in, ev);
	}
	if (id >= F_COUNT) {
		if (id - F_COUNT < FX_COUNT) {
			return sys_fdx_extract(in, id - F_COUNT, req, ret_val);
		}
		return sys_evtproc_extract(in, ev, id - F_COUNT - FX_COUNT, req, ret_val);
	}
	if (id <= F_EVT_PLUGINNAME) {
		return sys_evt_field(in, ev, id, req, ret_val);
	}
	if (in->ev.t == NULL) {
		return SK_NA;
	}
	if (id >= F_FD_NUM && id <= F_FD_TYPES) {
		return sys_fd_field(in, id, req, ret_val);
	}
	if (id >= F_USER_UID) {
		return sys_user_field(in, ev, id, ret_val);
	}
	return sys_proc_field(in, ev, id, req, ret_val);
}
