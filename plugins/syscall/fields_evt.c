/* plugins/syscall/fields_evt.c - the syscall plugin's evt.* fields of
 * fields.h: the event's number, time (evt.time*, evt.datetime*,
 * evt.rawtime*, evt.reltime), type, category and source; its arguments as
 * Falco renders them (evt.args, evt.arg.NAME, evt.rawarg.NAME: fds, errno
 * names, flags, relative paths, socket addresses); its result (evt.res,
 * evt.rawres, evt.failed); the open-flag and I/O tests (evt.is_open_*,
 * evt.is_io*, evt.io_dir), evt.buffer, evt.buflen and evt.abspath*. Values
 * point into the instance's scratch buffer: valid until the next
 * extract(). */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include <shrike/syscall_names.h>

#include "common/sbuf.h"
#include "fields.h"
#include "names.h"
#include "syscall.h"

/* ---- event helpers ---- */

/* result - the return value of the event, when it has one. */
static bool result(const struct sys_inst *in, int64_t *ret)
{
	const struct sk_sc_event *e = in->ev.info;
	if (e == NULL || e->nparams == 0 || in->ev.rec->type == SK_SC_PROCEXIT) {
		return false;
	}
	uint8_t pt = e->params[0].type;
	if (pt != SK_PT_ERRNO && pt != SK_PT_FD && pt != SK_PT_PID && pt != SK_PT_HEX64) {
		return false;
	}
	return sys_param_i64(in->ev.rec, e, 0, ret);
}

static bool is_open_event(uint16_t type)
{
	return type == SK_SC_OPEN || type == SK_SC_OPENAT || type == SK_SC_OPENAT2 ||
	       type == SK_SC_CREAT || type == SK_SC_OPEN_BY_HANDLE_AT;
}

/* open_flags - flags (and mode) of an open-family event. */
static bool open_flags(const struct sys_inst *in, int64_t *ret_flags, int64_t *ret_mode)
{
	const struct sk_evt_hdr *rec = in->ev.rec;
	if (in->ev.info == NULL || !is_open_event(rec->type)) {
		return false;
	}
	*ret_flags = 0;
	*ret_mode = 0;
	int mi = sys_param_named(in->ev.info, "mode");
	if (mi >= 0) {
		sys_param_i64(rec, in->ev.info, (unsigned)mi, ret_mode);
	}
	if (rec->type == SK_SC_CREAT) {
		*ret_flags = O_CREAT | O_WRONLY | O_TRUNC;
		return true;
	}
	int fi = sys_param_named(in->ev.info, "flags");
	return fi >= 0 && sys_param_i64(rec, in->ev.info, (unsigned)fi, ret_flags);
}

enum io_kind { IO_NONE, IO_READ, IO_WRITE };

static enum io_kind io_kind(uint16_t type)
{
	switch (type) {
	case SK_SC_READ:
	case SK_SC_PREAD:
	case SK_SC_READV:
	case SK_SC_RECVFROM:
	case SK_SC_RECVMSG:
		return IO_READ;
	case SK_SC_WRITE:
	case SK_SC_PWRITE:
	case SK_SC_WRITEV:
	case SK_SC_SENDTO:
	case SK_SC_SENDMSG:
		return IO_WRITE;
	default:
		return IO_NONE;
	}
}

static const char *category(uint16_t type)
{
	switch (type) {
	case SK_SC_EXECVE:
	case SK_SC_EXECVEAT:
	case SK_SC_CLONE:
	case SK_SC_FORK:
	case SK_SC_VFORK:
	case SK_SC_CLONE3:
	case SK_SC_PROCEXIT:
	case SK_SC_SETPGID:
	case SK_SC_SETSID:
	case SK_SC_PRCTL:
	case SK_SC_SETNS:
	case SK_SC_UNSHARE:
	case SK_SC_PTRACE:
	case SK_SC_CHROOT:
	case SK_SC_CHDIR:
	case SK_SC_FCHDIR:
	case SK_SC_CAPSET:
		return "process";
	case SK_SC_SETUID:
	case SK_SC_SETGID:
	case SK_SC_SETRESUID:
	case SK_SC_SETRESGID:
	case SK_SC_SETREUID:
	case SK_SC_SETREGID:
		return "user";
	case SK_SC_KILL:
	case SK_SC_TKILL:
	case SK_SC_TGKILL:
	case SK_SC_SIGNALFD:
	case SK_SC_SIGNALFD4:
		return "signal";
	case SK_SC_SOCKET:
	case SK_SC_SOCKETPAIR:
	case SK_SC_CONNECT:
	case SK_SC_ACCEPT:
	case SK_SC_ACCEPT4:
	case SK_SC_BIND:
	case SK_SC_LISTEN:
	case SK_SC_SHUTDOWN:
		return "net";
	case SK_SC_PIPE:
	case SK_SC_PIPE2:
	case SK_SC_EVENTFD:
	case SK_SC_EVENTFD2:
		return "ipc";
	case SK_SC_MMAP:
	case SK_SC_MPROTECT:
	case SK_SC_MUNMAP:
		return "memory";
	case SK_SC_INIT_MODULE:
	case SK_SC_FINIT_MODULE:
	case SK_SC_BPF:
	case SK_SC_USERFAULTFD:
	case SK_SC_MOUNT:
	case SK_SC_UMOUNT2:
		return "system";
	default:
		break;
	}
	switch (io_kind(type)) {
	case IO_READ:
		return "io_read";
	case IO_WRITE:
		return "io_write";
	default:
		return "file";
	}
}

/* ---- argument rendering ---- */

static void render_ip(struct sk_sbuf *b, int family, const uint8_t *ip, uint16_t port)
{
	char a[INET6_ADDRSTRLEN] = "";
	inet_ntop(family, ip, a, sizeof(a));
	sk_sbuf_printf(b, "%s:%u", a, port);
}

/* render_fd - an fd argument: the number; resolved, AT_FDCWD, the error
 * name of a negative value, or <type>name of an open fd. */
static void render_fd(struct sys_inst *in, int64_t x, struct sk_sbuf *val, struct sk_sbuf *res)
{
	sk_sbuf_printf(val, "%" PRId64, x);
	if (x == AT_FDCWD) {
		sk_sbuf_adds(res, "AT_FDCWD");
	} else if (x < 0) {
		const char *e = sk_errno_name(-x);
		if (e) {
			sk_sbuf_adds(res, e);
		}
	} else {
		const struct sk_fd *fd =
		    in->ev.fd && in->ev.fdnum == x ? in->ev.fd : sk_fd_get(in->ev.t, x);
		if (fd != NULL) {
			sk_sbuf_printf(res, "<%c>%s", sk_fd_type_char(fd->type),
				       fd->name ? fd->name : "");
		}
	}
}

/* render_path - a path argument as given; resolved, the absolute path of a
 * relative one. */
static void render_path(struct sys_inst *in, unsigned i, struct sk_sbuf *val, struct sk_sbuf *res)
{
	const char *s = sys_param_str(in->ev.rec, i);
	if (s == NULL) {
		return;
	}
	sk_sbuf_adds(val, s);
	if (s[0] != '/') {
		char path[PATH_MAX];
		int n = sys_resolve_path(in, i, path, sizeof(path));
		if (n >= 0) {
			sk_sbuf_add(res, path, (size_t)n);
		}
	}
}

/* render_sockaddr - a socket address parameter (family byte, address,
 * port): ip:port, or a unix path. */
static void render_sockaddr(const char *s, uint32_t len, struct sk_sbuf *val)
{
	int fam = (uint8_t)s[0];
	if (fam == AF_INET && len >= 7) {
		uint16_t port;
		memcpy(&port, s + 5, 2);
		render_ip(val, AF_INET, (const uint8_t *)s + 1, port);
	} else if (fam == AF_INET6 && len >= 19) {
		uint16_t port;
		memcpy(&port, s + 17, 2);
		render_ip(val, AF_INET6, (const uint8_t *)s + 1, port);
	} else if (fam == AF_UNIX && len >= 2 && s[len - 1] == '\0') {
		sk_sbuf_adds(val, s + 1);
	} else {
		sk_sbuf_printf(val, "family %d", fam);
	}
}

/* render_socktuple - a socket tuple parameter: src->dst for IP, the
 * kernel's socket ids and the path for unix sockets. */
static void render_socktuple(const char *s, uint32_t len, struct sk_sbuf *val)
{
	int fam = (uint8_t)s[0];
	uint16_t sp, dp;
	if (fam == AF_INET && len >= 13) {
		memcpy(&sp, s + 5, 2);
		memcpy(&dp, s + 11, 2);
		render_ip(val, AF_INET, (const uint8_t *)s + 1, sp);
		sk_sbuf_adds(val, "->");
		render_ip(val, AF_INET, (const uint8_t *)s + 7, dp);
	} else if (fam == AF_INET6 && len >= 37) {
		memcpy(&sp, s + 17, 2);
		memcpy(&dp, s + 35, 2);
		render_ip(val, AF_INET6, (const uint8_t *)s + 1, sp);
		sk_sbuf_adds(val, "->");
		render_ip(val, AF_INET6, (const uint8_t *)s + 19, dp);
	} else if (fam == AF_UNIX && len >= 18 && s[len - 1] == '\0') {
		uint64_t a, b;
		memcpy(&a, s + 1, 8);
		memcpy(&b, s + 9, 8);
		sk_sbuf_printf(val, "%" PRIx64 "->%" PRIx64 " %s", a, b, s + 17);
	} else {
		sk_sbuf_printf(val, "family %d", fam);
	}
}

/* render_fdlist - poll's fd list: fd:events pairs separated by spaces. */
static void render_fdlist(const char *s, uint32_t len, struct sk_sbuf *val)
{
	uint16_t n = 0;
	if (len >= 2) {
		memcpy(&n, s, 2);
	}
	for (uint32_t k = 0; k < n && 2 + (k + 1) * 10 <= len; k++) {
		int64_t fdn;
		uint16_t fl;
		memcpy(&fdn, s + 2 + k * 10, 8);
		memcpy(&fl, s + 10 + k * 10, 2);
		sk_sbuf_printf(val, "%s%" PRId64 ":%u", k ? " " : "", fdn, fl);
	}
}

/* render_param - param i of the current event: its plain text into `val`
 * and, for types Falco resolves (fds, errnos, flags, relative paths,
 * signals), the resolved text into `res` (left empty otherwise). */
static void render_param(struct sys_inst *in, unsigned i, struct sk_sbuf *val, struct sk_sbuf *res)
{
	const struct sk_evt_hdr *rec = in->ev.rec;
	const struct sk_sc_param *p = &in->ev.info->params[i];
	const void *data;
	uint32_t len;
	int64_t x = 0;
	if (!sys_param(rec, i, &data, &len)) {
		sk_sbuf_adds(val, "<NA>");
		return;
	}
	bool num = sk_sc_pt_size(p->type) != 0 && sys_param_i64(rec, in->ev.info, i, &x);
	if (sk_sc_pt_size(p->type) != 0 && !num) {
		sk_sbuf_adds(val, "<NA>"); /* a fixed-size parameter of the wrong length */
		return;
	}
	switch (p->type) {
	case SK_PT_FD:
		render_fd(in, x, val, res);
		return;
	case SK_PT_ERRNO:
		sk_sbuf_printf(val, "%" PRId64, x);
		if (x < 0 && sk_errno_name(-x)) {
			sk_sbuf_adds(res, sk_errno_name(-x));
		}
		return;
	case SK_PT_MODE:
		sk_sbuf_printf(val, "0%" PRIo64, (uint64_t)x & 0xffffffffu);
		return;
	case SK_PT_FLAGS32:
	case SK_PT_ENUM32: {
		sk_sbuf_printf(val, "%" PRIu64, (uint64_t)x & 0xffffffffu);
		if (sk_flag_table(p->aux) != NULL) {
			char tmp[1024];
			sk_flags_render(p->aux, (uint32_t)x, tmp, sizeof(tmp));
			sk_sbuf_adds(res, tmp);
		}
		return;
	}
	case SK_PT_SIGNAL:
		sk_sbuf_printf(val, "%" PRId64, x);
		if (x > 0 && (uint64_t)x < SK_SIGNAL_COUNT) {
			sk_sbuf_adds(res, sk_signal_names[x]);
		}
		return;
	case SK_PT_DEV:
		sk_sbuf_printf(val, "%" PRIx64, (uint64_t)x & 0xffffffffu);
		return;
	case SK_PT_HEX64:
		sk_sbuf_printf(val, "%" PRIx64, (uint64_t)x);
		return;
	case SK_PT_CAPS: {
		char tmp[1024];
		sk_sbuf_printf(val, "%" PRIx64, (uint64_t)x);
		sk_caps_format((uint64_t)x, tmp, sizeof(tmp));
		sk_sbuf_adds(res, tmp);
		return;
	}
	case SK_PT_I64:
	case SK_PT_I32:
	case SK_PT_PID:
		sk_sbuf_printf(val, "%" PRId64, x);
		return;
	case SK_PT_U64:
	case SK_PT_U32:
	case SK_PT_U16:
	case SK_PT_U8:
	case SK_PT_UID:
	case SK_PT_GID:
	case SK_PT_ABSTIME:
		if (num) {
			sk_sbuf_printf(val, "%" PRIu64, (uint64_t)x);
		}
		return;
	case SK_PT_PATH:
	case SK_PT_RELPATH:
		render_path(in, i, val, res);
		return;
	case SK_PT_CHARBUF: {
		const char *s = sys_param_str(rec, i);
		sk_sbuf_adds(val, s ? s : "");
		return;
	}
	case SK_PT_CHARBUFARRAY: {
		/* as Falco prints its byte buffers: each NUL as '.' (so execve's
		 * args read "-c.cat /etc/shadow.") */
		const char *s = data;
		for (uint32_t k = 0; k < len; k++) {
			sk_sbuf_add(val, s[k] ? &s[k] : ".", 1);
		}
		return;
	}
	case SK_PT_BYTES: {
		const unsigned char *s = data;
		for (uint32_t k = 0; k < len; k++) {
			char c = isprint(s[k]) ? (char)s[k] : '.';
			sk_sbuf_add(val, &c, 1);
		}
		return;
	}
	case SK_PT_SOCKADDR:
		render_sockaddr(data, len, val);
		return;
	case SK_PT_SOCKTUPLE:
		render_socktuple(data, len, val);
		return;
	case SK_PT_FDLIST:
		render_fdlist(data, len, val);
		return;
	default:
		return;
	}
}

static int arg_index(const struct sys_inst *in, const struct sk_field_req *req)
{
	if (req->arg_key == NULL) {
		return -1;
	}
	int i = sk_sc_param_index(in->ev.info, req->arg_key);
	if (i < 0 && req->has_index && req->arg_index < in->ev.info->nparams) {
		i = (int)req->arg_index;
	}
	return i;
}

static int extract_arg(struct sys_inst *in, const struct sk_field_req *req, struct sk_value *v)
{
	int i = arg_index(in, req);
	if (i < 0) {
		return SK_NA;
	}
	struct sk_sbuf val = {0}, res = {0};
	render_param(in, (unsigned)i, &val, &res);
	int r = SK_ERR;
	if (!val.oom && !res.oom) {
		r = sys_ret_fmt(in, v, "%s", res.len ? res.p : val.p ? val.p : "");
	}
	free(val.p);
	free(res.p);
	return r;
}

static int extract_args(struct sys_inst *in, struct sk_value *v)
{
	struct sk_sbuf all = {0};
	for (unsigned i = 0; i < in->ev.info->nparams; i++) {
		struct sk_sbuf val = {0}, res = {0};
		render_param(in, i, &val, &res);
		sk_sbuf_printf(&all, "%s%s=", i ? " " : "", in->ev.info->params[i].name);
		sk_sbuf_adds(&all, val.p ? val.p : "");
		if (res.len) {
			sk_sbuf_adds(&all, "(");
			sk_sbuf_adds(&all, res.p);
			sk_sbuf_adds(&all, ")");
		}
		all.oom |= val.oom || res.oom;
		free(val.p);
		free(res.p);
	}
	int r = SK_ERR;
	if (!all.oom) {
		r = sys_ret_fmt(in, v, "%s", all.p ? all.p : "");
	}
	free(all.p);
	return r;
}

/* abspath - the absolute path of the first PATH/RELPATH parameter named in
 * `names` (NULL: the first path parameter of the event). */
static int abspath(struct sys_inst *in, const char *const *names, struct sk_value *v)
{
	const struct sk_sc_event *e = in->ev.info;
	int idx = -1;
	if (names == NULL) {
		for (unsigned i = 0; i < e->nparams; i++) {
			if (e->params[i].type == SK_PT_PATH || e->params[i].type == SK_PT_RELPATH) {
				idx = (int)i;
				break;
			}
		}
	} else {
		for (const char *const *n = names; *n && idx < 0; n++) {
			idx = sys_param_named(e, *n);
			if (idx >= 0 && e->params[idx].type != SK_PT_PATH &&
			    e->params[idx].type != SK_PT_RELPATH) {
				idx = -1;
			}
		}
	}
	char path[PATH_MAX];
	int n = idx >= 0 ? sys_resolve_path(in, (unsigned)idx, path, sizeof(path)) : -1;
	if (n < 0) {
		return SK_NA;
	}
	return sys_ret_fmt(in, v, "%s", path);
}

/* ---- time ---- */

enum tfmt { T_TIME, T_DATETIME, T_ISO };

static int time_str(struct sys_inst *in, struct sk_value *v, uint64_t ts, enum tfmt f, bool ns)
{
	time_t sec = (time_t)(ts / 1000000000ULL);
	struct tm tm;
	bool utc = f == T_ISO;
	if ((utc ? gmtime_r(&sec, &tm) : localtime_r(&sec, &tm)) == NULL) {
		return SK_NA;
	}
	char b[64];
	size_t n;
	switch (f) {
	case T_TIME:
		n = strftime(b, sizeof(b), "%H:%M:%S", &tm);
		break;
	case T_DATETIME:
		n = strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S", &tm);
		break;
	default:
		n = strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
		break;
	}
	if (ns) {
		snprintf(b + n, sizeof(b) - n, ".%09llu%s",
			 (unsigned long long)(ts % 1000000000ULL), utc ? "Z" : "");
	}
	return sys_ret_fmt(in, v, "%s", b);
}

/* ---- extract ---- */

int sys_evt_field(struct sys_inst *in, const struct sk_event *ev, unsigned id,
		  const struct sk_field_req *req, struct sk_value *v)
{
	const struct sk_evt_hdr *rec = ev->rec;
	int64_t res, flags, mode;
	switch (id) {
	case F_EVT_NUM:
		return sys_ret_u64(v, SK_TYPE_U64, ev->num);
	case F_EVT_TIME:
		return time_str(in, v, rec->ts, T_TIME, true);
	case F_EVT_TIME_S:
		return time_str(in, v, rec->ts, T_TIME, false);
	case F_EVT_TIME_ISO:
		return time_str(in, v, rec->ts, T_ISO, true);
	case F_EVT_DATETIME:
		return time_str(in, v, rec->ts, T_DATETIME, true);
	case F_EVT_DATETIME_S:
		return time_str(in, v, rec->ts, T_DATETIME, false);
	case F_EVT_RAWTIME:
		return sys_ret_u64(v, SK_TYPE_ABSTIME, rec->ts);
	case F_EVT_RAWTIME_S:
		return sys_ret_u64(v, SK_TYPE_U64, rec->ts / 1000000000ULL);
	case F_EVT_RAWTIME_NS:
		return sys_ret_u64(v, SK_TYPE_U64, rec->ts % 1000000000ULL);
	case F_EVT_RELTIME:
		return sys_ret_u64(v, SK_TYPE_RELTIME,
				   rec->ts >= in->first_ts ? rec->ts - in->first_ts : 0);
	case F_EVT_HOSTNAME:
		return in->api && in->api->hostname ? sys_ret_str(v, in->api->hostname(in->host))
						    : SK_NA;
	case F_EVT_SOURCE:
		return sys_ret_str(v, ev->source ? ev->source : "syscall");
	case F_EVT_PLUGINNAME:
		return SK_NA;
	default:
		break;
	}
	if (in->ev.info == NULL) {
		return SK_NA;
	}
	switch (id) {
	case F_EVT_DIR:
		return sys_ret_str(v, "<");
	case F_EVT_TYPE:
		return sys_ret_str(v, in->ev.info->name);
	case F_EVT_CATEGORY:
		return sys_ret_str(v, category(rec->type));
	case F_EVT_ARGS:
		return extract_args(in, v);
	case F_EVT_ARG:
		return extract_arg(in, req, v);
	case F_EVT_RAWARG: {
		int i = arg_index(in, req);
		int64_t x;
		if (i < 0 || !sys_param_i64(rec, in->ev.info, (unsigned)i, &x)) {
			return SK_NA;
		}
		return sys_ret_i64(v, x);
	}
	case F_EVT_RES:
		if (!result(in, &res)) {
			return SK_NA;
		}
		if (res >= 0) {
			return sys_ret_str(v, "SUCCESS");
		}
		return sk_errno_name(-res) ? sys_ret_str(v, sk_errno_name(-res))
					   : sys_ret_fmt(in, v, "E%" PRId64, -res);
	case F_EVT_RAWRES:
		return result(in, &res) ? sys_ret_i64(v, res) : SK_NA;
	case F_EVT_FAILED:
		return result(in, &res) ? sys_ret_bool(v, res < 0) : SK_NA;
	case F_EVT_IS_OPEN_READ:
		return sys_ret_bool(
		    v, open_flags(in, &flags, &mode) &&
			   ((flags & O_ACCMODE) == O_RDONLY || (flags & O_ACCMODE) == O_RDWR));
	case F_EVT_IS_OPEN_WRITE:
		return sys_ret_bool(
		    v, open_flags(in, &flags, &mode) &&
			   ((flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR));
	case F_EVT_IS_OPEN_EXEC:
		return sys_ret_bool(v, open_flags(in, &flags, &mode) &&
					   (flags & (O_CREAT | O_TMPFILE)) &&
					   (mode & (S_IXUSR | S_IXGRP | S_IXOTH)));
	case F_EVT_IS_OPEN_CREATE:
		return sys_ret_bool(v, open_flags(in, &flags, &mode) &&
					   (flags & (O_CREAT | O_TMPFILE)));
	case F_EVT_IS_IO:
		return sys_ret_bool(v, io_kind(rec->type) != IO_NONE);
	case F_EVT_IS_IO_READ:
		return sys_ret_bool(v, io_kind(rec->type) == IO_READ);
	case F_EVT_IS_IO_WRITE:
		return sys_ret_bool(v, io_kind(rec->type) == IO_WRITE);
	case F_EVT_IO_DIR:
		switch (io_kind(rec->type)) {
		case IO_READ:
			return sys_ret_str(v, "r");
		case IO_WRITE:
			return sys_ret_str(v, "w");
		default:
			return SK_NA;
		}
	case F_EVT_BUFFER: {
		int i = sys_param_named(in->ev.info, "data");
		const void *p;
		uint32_t len;
		if (i < 0 || !sys_param(rec, (unsigned)i, &p, &len)) {
			return SK_NA;
		}
		v->type = SK_TYPE_BYTES;
		v->str.ptr = p;
		v->str.len = len;
		return SK_OK;
	}
	case F_EVT_BUFLEN:
		if (io_kind(rec->type) == IO_NONE || !result(in, &res) || res < 0) {
			return SK_NA;
		}
		return sys_ret_u64(v, SK_TYPE_U64, (uint64_t)res);
	case F_EVT_ABSPATH:
		return abspath(in, NULL, v);
	case F_EVT_ABSPATH_SRC: {
		static const char *const src[] = {"oldpath", NULL};
		return abspath(in, src, v);
	}
	case F_EVT_ABSPATH_DST: {
		static const char *const dst[] = {"newpath", "linkpath", NULL};
		return abspath(in, dst, v);
	}
	default:
		return SK_NA;
	}
}
