/* plugins/syscall/syscall.h - internals of the `syscall` plugin shared by
 * its files: the instance, the per-event context that parse() leaves for
 * extract(), and typed parameter access to a syscall record. */
#ifndef SK_PLUGINS_SYSCALL_SYSCALL_H
#define SK_PLUGINS_SYSCALL_SYSCALL_H

#include <stdbool.h>
#include <stdint.h>

#include <shrike/plugin.h>
#include <shrike/syscall_events.h>

#include "dns.h"
#include "fields_evtproc.h"
#include "../common/staterec.h"
#include "state.h"

/* Configuration (the plugin's init_config). */
struct sys_conf {
	char *proc_root;
	bool scan_proc;
	uint64_t max_threads;
	uint64_t max_fds;
	uint64_t stats_interval_ms; /* log table sizes this often (event time); 0: never */
};

/* What parse() found out about the current event, for extract(). */
struct sys_evctx {
	uint64_t num; /* sk_event.num of the event parsed last; 0: none */
	const struct sk_evt_hdr *rec;
	const struct sk_sc_event *info;	  /* table entry, NULL: not a syscall event */
	struct sk_thread *t;		  /* the thread, NULL when unknown */
	struct sk_fd *fd;		  /* the event's fd (in the table or fd_scratch) */
	struct sk_fd fd_scratch;	  /* a closed fd or a failed open's would-be fd */
	char *scratch_name, *scratch_raw; /* owned strings of fd_scratch */
	int64_t fdnum;			  /* the event's fd number, -1: none */
	bool open_failed;		  /* fd is the would-be fd of a failed open */
	bool fd_name_changed;		  /* parsing gave fd a new name (fd.name_changed) */
};

/* Capture support (snapshot.c). */
struct sys_snap {
	struct sk_staterec_buf out; /* the record being saved */
	struct sk_staterec_buf in;  /* the record being loaded (aligned copy) */
	struct sk_evt_hdr **deferred; /* loaded, applied after the next event */
	size_t ndeferred, deferred_cap;
	bool replaying;	   /* state records arrived: the state is offline */
	bool capturing;	   /* snapshot() ran: a capture file is being written */
	uint64_t saved;	   /* records saved */
	uint64_t failures; /* records that could not be saved */
	uint64_t bad;	   /* records that could not be loaded */
};

struct sys_inst {
	const struct sk_host_api *api;
	struct sk_host *host;
	const struct sys_conf *conf;
	char *proc_root; /* in use: the configuration's, or <HOST_ROOT>/proc (owned) */
	struct sk_state st;
	struct sys_evctx ev;
	uint64_t first_ts;   /* time of the first event, for evt.reltime */
	uint64_t next_stats; /* next table-size log line (event time) */
	uint64_t next_purge; /* next sweep for threads whose exit was lost */
	uint64_t purged;
	struct sk_metric metrics[13]; /* sys_metrics() output */
	struct sys_snap snap;
	struct sys_dns *dns; /* names for fd.*ip.name (dns.c), NULL until a rule uses one */
	char *oldname;	     /* parse scratch: the event's fd's name before the event */
	size_t oldname_cap;
	/* extraction scratch: valid until the next extract() */
	char *buf;
	size_t bufcap;
	struct sk_value items[2];
	struct sys_evtproc evtproc; /* fields_evtproc.c's bookkeeping */
};

/* ---- record access ---- */

/* sys_param - parameter i of the record: pointer and length; false when the
 * record has no such parameter or it is empty (NA). */
bool sys_param(const struct sk_evt_hdr *rec, unsigned i, const void **ret_p, uint32_t *ret_len);

/* sys_param_i64 - a numeric parameter (any fixed-size type) widened to
 * int64 (signed types sign-extend). */
bool sys_param_i64(const struct sk_evt_hdr *rec, const struct sk_sc_event *info, unsigned i,
		   int64_t *ret);

/* sys_param_str - a string parameter (NUL-terminated inside the record). */
const char *sys_param_str(const struct sk_evt_hdr *rec, unsigned i);

/* sys_param_named - index of the parameter called `name`, or -1. `name`
 * must be a string literal (results are cached by its address). */
int sys_param_named(const struct sk_sc_event *info, const char *name);

/* ---- parse.c (its parts: parse.h) ---- */

/* sys_parse_event - update the state from one record and fill inst->ev. */
void sys_parse_event(struct sys_inst *in, const struct sk_event *ev);

/* sys_resolve_path - the absolute path of string parameter i of the
 * current event (relative to its dirfd parameter or the cwd), into buf.
 * Returns the length or -1. */
int sys_resolve_path(struct sys_inst *in, unsigned i, char *buf, size_t cap);

/* ---- fields.c and its parts (fields.h, fields_*.h) ---- */

extern const struct sk_field sys_fields[];

/* sys_scratch - the instance's extraction scratch buffer, grown to at least
 * `need` bytes (its old content kept); NULL without memory. Valid until the
 * next extract(). */
char *sys_scratch(struct sys_inst *in, size_t need);

/* sys_ret_str, sys_ret_u64, sys_ret_i64, sys_ret_bool - set *v to a string
 * (NA for NULL), a number of the given SK_TYPE_*, an I64, a boolean; return
 * SK_OK (SK_NA). */
int sys_ret_str(struct sk_value *v, const char *s);
int sys_ret_u64(struct sk_value *v, uint32_t type, uint64_t x);
int sys_ret_i64(struct sk_value *v, int64_t x);
int sys_ret_bool(struct sk_value *v, bool b);

/* sys_ret_fmt - set *v to a formatted string in the scratch buffer. */
int sys_ret_fmt(struct sys_inst *in, struct sk_value *v, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* sys_fd_is_inet - an IPv4 or IPv6 socket with its addresses
 * (fields_fdcore.c, as the two below). */
bool sys_fd_is_inet(const struct sk_fd *fd);

/* sys_fd_has_client - the socket knows its client end: connected, a client
 * itself, or a datagram server that has heard from one (a listening or only
 * bound socket has none). */
bool sys_fd_has_client(const struct sk_fd *fd);

/* sys_fd_side - which end of an inet fd the client ('c'), server ('s'),
 * local ('l') or remote ('r') fields (fd.cip, fd.lport ...) read: 'c' or
 * 's'; 0 when the fd is not inet or that end is a client it does not know. */
char sys_fd_side(const struct sk_fd *fd, char which);

/* sys_extract - the plugin's extract(). */
int sys_extract(void *inst, const struct sk_event *ev, const struct sk_field_req *req,
		struct sk_value *ret_val);

/* sys_field_constants - the plugin's field_constants(): learns the domain
 * names conditions compare fd.*ip.name with (fields_fdcore.c). */
void sys_field_constants(void *inst, const struct sk_field_req *req, const char *const *values,
			 size_t n);

#endif /* SK_PLUGINS_SYSCALL_SYSCALL_H */
