/* core/rules/test_extractor.c - the synthetic extractor plugin of the rule
 * engine's unit tests (see test_extractor.h). Compiled into each test.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "rules/test_extractor.h"

unsigned long tx_extract_calls;

enum {
	F_EVT_TYPE,
	F_EVT_NUM,
	F_EVT_TIME,
	F_EVT_LATENCY,
	F_EVT_RAWRES,
	F_EVT_BUFFER,
	F_EVT_ARG,
	F_PROC_NAME,
	F_PROC_EXE,
	F_PROC_CMDLINE,
	F_PROC_PID,
	F_PROC_ANAME,
	F_PROC_ENV,
	F_PROC_TTY,
	F_PROC_ARGS,
	F_PROC_PORTS,
	F_USER_UID,
	F_FD_NAME,
	F_FD_SIP,
	F_FD_NET,
	F_FD_SPORT,
	F_EVT_INFO,
	F_PROC_HIDDEN,
	F_CTR_HEALTHCHECK,
};

static const struct sk_field tx_fields[] = {
    [F_EVT_TYPE] = {"evt.type", SK_TYPE_STRING, 0, "Type", "event type name"},
    [F_EVT_NUM] = {"evt.num", SK_TYPE_U64, 0, NULL, "event number"},
    [F_EVT_TIME] = {"evt.time", SK_TYPE_ABSTIME, 0, NULL, "event time"},
    [F_EVT_LATENCY] = {"evt.latency", SK_TYPE_RELTIME, 0, NULL, "latency"},
    [F_EVT_RAWRES] = {"evt.rawres", SK_TYPE_I64, 0, NULL, "return value"},
    [F_EVT_BUFFER] = {"evt.buffer", SK_TYPE_BYTES, 0, NULL, "data buffer"},
    [F_EVT_ARG] = {"evt.arg", SK_TYPE_STRING,
		   SK_FIELD_ARG_INDEX | SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED, NULL,
		   "argument by index or name"},
    [F_PROC_NAME] = {"proc.name", SK_TYPE_STRING, 0, NULL, "process name"},
    [F_PROC_EXE] = {"proc.exe", SK_TYPE_STRING, 0, NULL, "executable"},
    [F_PROC_CMDLINE] = {"proc.cmdline", SK_TYPE_STRING, 0, NULL, "command line"},
    [F_PROC_PID] = {"proc.pid", SK_TYPE_I64, 0, NULL, "process id"},
    [F_PROC_ANAME] = {"proc.aname", SK_TYPE_STRING, SK_FIELD_ARG_INDEX, NULL, "ancestor name"},
    [F_PROC_ENV] = {"proc.env", SK_TYPE_STRING, SK_FIELD_ARG_KEY, NULL, "environment variable"},
    [F_PROC_TTY] = {"proc.tty", SK_TYPE_BOOL, 0, NULL, "has a terminal"},
    [F_PROC_ARGS] = {"proc.args", SK_TYPE_STRING, SK_FIELD_LIST, NULL, "arguments"},
    [F_PROC_PORTS] = {"proc.ports", SK_TYPE_PORT, SK_FIELD_LIST, NULL, "listening ports"},
    [F_USER_UID] = {"user.uid", SK_TYPE_U64, 0, NULL, "user id"},
    [F_FD_NAME] = {"fd.name", SK_TYPE_STRING, 0, NULL, "file name"},
    [F_FD_SIP] = {"fd.sip", SK_TYPE_IPADDR, 0, NULL, "server address"},
    [F_FD_NET] = {"fd.net", SK_TYPE_IPNET, 0, NULL, "network of the address"},
    [F_FD_SPORT] = {"fd.sport", SK_TYPE_PORT, 0, NULL, "server port"},
    [F_EVT_INFO] = {"evt.info", SK_TYPE_STRING, SK_FIELD_INFO, NULL, "summary"},
    [F_PROC_HIDDEN] = {"proc.hidden", SK_TYPE_STRING, SK_FIELD_HIDDEN, NULL, "hidden"},
    [F_CTR_HEALTHCHECK] = {"container.healthcheck", SK_TYPE_STRING, SK_FIELD_DEPRECATED, NULL,
			   "deprecated: no value"},
    {NULL, 0, 0, NULL, NULL},
};

static const char *const tx_sources[] = {"syscall", NULL};
static const char *const tx_sources_other[] = {"other", NULL};

static int tx_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	*ret_inst = NULL;
	return SK_OK;
}

static void tx_destroy(void *inst)
{
}

static const char *evt_name(uint16_t type)
{
	switch (type) {
	case TX_EVT_OPEN:
	case TX_EVT_OPEN_X:
		return "open";
	case TX_EVT_OPENAT:
		return "openat";
	case TX_EVT_EXECVE:
		return "execve";
	case TX_EVT_CONNECT:
		return "connect";
	default:
		return NULL;
	}
}

static int set_str(struct sk_value *v, const char *s)
{
	if (!s) {
		return SK_NA;
	}
	v->type = SK_TYPE_STRING;
	v->str.ptr = s;
	v->str.len = (uint32_t)strlen(s);
	return SK_OK;
}

static int set_u64(struct sk_value *v, uint32_t type, bool has, uint64_t x)
{
	if (!has) {
		return SK_NA;
	}
	v->type = type;
	v->u64 = x;
	return SK_OK;
}

static struct sk_value list_items[TX_MAX_LIST > TX_MAX_ANAME ? TX_MAX_LIST : TX_MAX_ANAME];

static int tx_extract(void *inst, const struct sk_event *sev, const struct sk_field_req *req,
		      struct sk_value *v)
{
	const struct tx_event *e =
	    (const struct tx_event *)((const char *)sev->rec - offsetof(struct tx_event, hdr));
	tx_extract_calls++;
	memset(v, 0, sizeof(*v));
	switch (req->field_idx) {
	case F_EVT_TYPE:
		return set_str(v, evt_name(e->hdr.type));
	case F_EVT_NUM:
		return set_u64(v, SK_TYPE_U64, true, sev->num);
	case F_EVT_TIME:
		return set_u64(v, SK_TYPE_ABSTIME, true, e->hdr.ts);
	case F_EVT_LATENCY:
		return set_u64(v, SK_TYPE_RELTIME, true, e->latency);
	case F_EVT_RAWRES:
		if (!e->has_rawres) {
			return SK_NA;
		}
		v->type = SK_TYPE_I64;
		v->i64 = e->rawres;
		return SK_OK;
	case F_EVT_BUFFER:
		if (!e->has_buf) {
			return SK_NA;
		}
		v->type = SK_TYPE_BYTES;
		v->str.ptr = e->buf;
		v->str.len = e->buflen;
		return SK_OK;
	case F_EVT_ARG:
		for (unsigned i = 0; i < TX_MAX_ARGS; i++) {
			if (!e->arg_names[i]) {
				break;
			}
			if (req->has_index ? req->arg_index == i
					   : strcmp(req->arg_key, e->arg_names[i]) == 0) {
				return set_str(v, e->arg_vals[i]);
			}
		}
		return SK_NA;
	case F_PROC_NAME:
		return set_str(v, e->proc_name);
	case F_PROC_EXE:
		return set_str(v, e->proc_exe);
	case F_PROC_CMDLINE:
		return set_str(v, e->proc_cmdline);
	case F_PROC_PID:
		if (!e->has_pid) {
			return SK_NA;
		}
		v->type = SK_TYPE_I64;
		v->i64 = e->pid;
		return SK_OK;
	case F_PROC_ANAME: {
		if (!req->arg_key) {
			/* every ancestor at once, as the syscall plugin does */
			uint32_t n = 0;
			for (unsigned i = 1; i < TX_MAX_ANAME && e->aname[i]; i++) {
				set_str(&list_items[n++], e->aname[i]);
			}
			if (!n) {
				return SK_NA;
			}
			v->type = SK_TYPE_LIST;
			v->list.items = list_items;
			v->list.n = n;
			return SK_OK;
		}
		if (req->arg_index >= TX_MAX_ANAME) {
			return SK_NA;
		}
		return set_str(v, e->aname[req->arg_index]);
	}
	case F_PROC_ENV:
		if (!req->arg_key) {
			return SK_NA;
		}
		for (unsigned i = 0; i < TX_MAX_ENV && e->env_keys[i]; i++) {
			if (strcmp(e->env_keys[i], req->arg_key) == 0) {
				return set_str(v, e->env_vals[i]);
			}
		}
		return SK_NA;
	case F_PROC_TTY:
		if (!e->has_tty) {
			return SK_NA;
		}
		v->type = SK_TYPE_BOOL;
		v->b = e->tty;
		return SK_OK;
	case F_PROC_ARGS:
		if (!e->has_list) {
			return SK_NA;
		}
		for (uint32_t i = 0; i < e->nargs; i++) {
			set_str(&list_items[i], e->args[i]);
		}
		v->type = SK_TYPE_LIST;
		v->list.items = list_items;
		v->list.n = e->nargs;
		return SK_OK;
	case F_PROC_PORTS:
		if (!e->has_list) {
			return SK_NA;
		}
		for (uint32_t i = 0; i < e->nports; i++) {
			set_u64(&list_items[i], SK_TYPE_PORT, true, e->ports[i]);
		}
		v->type = SK_TYPE_LIST;
		v->list.items = list_items;
		v->list.n = e->nports;
		return SK_OK;
	case F_USER_UID:
		return set_u64(v, SK_TYPE_U64, e->has_uid, e->uid);
	case F_FD_NAME:
		return set_str(v, e->fd_name);
	case F_FD_SIP:
		if (!e->has_sip) {
			return SK_NA;
		}
		v->type = SK_TYPE_IPADDR;
		v->ip = e->sip;
		return SK_OK;
	case F_FD_NET:
		if (!e->has_net) {
			return SK_NA;
		}
		v->type = SK_TYPE_IPNET;
		v->ip = e->net;
		return SK_OK;
	case F_FD_SPORT:
		return set_u64(v, SK_TYPE_PORT, e->has_sport, e->sport);
	case F_EVT_INFO:
		return set_str(v, e->proc_name ? "some info" : NULL);
	case F_PROC_HIDDEN:
		return set_str(v, "hidden");
	case F_CTR_HEALTHCHECK:
		return SK_NA;
	default:
		return SK_ERR;
	}
}

char tx_constants[1024];

/* records "field[arg]:v1,v2;" per call */
static void tx_field_constants(void *inst, const struct sk_field_req *req,
			       const char *const *values, size_t n)
{
	(void)inst;
	size_t l = strlen(tx_constants);
	l += (size_t)snprintf(tx_constants + l, sizeof(tx_constants) - l,
			      "%s%s%s%s:", tx_fields[req->field_idx].name, req->arg_key ? "[" : "",
			      req->arg_key ? req->arg_key : "", req->arg_key ? "]" : "");
	for (size_t i = 0; i < n && l < sizeof(tx_constants); i++) {
		l += (size_t)snprintf(tx_constants + l, sizeof(tx_constants) - l, "%s%s",
				      i ? "," : "", values[i]);
	}
	if (l < sizeof(tx_constants)) {
		snprintf(tx_constants + l, sizeof(tx_constants) - l, ";");
	}
}

static const struct sk_evt_name tx_event_names[] = {
    {"open", TX_EVT_OPEN},	   {"open", TX_EVT_OPEN_X},
    {"openat", TX_EVT_OPENAT},	   {"execve", TX_EVT_EXECVE},
    {"connect", TX_EVT_CONNECT},   {"openat2", TX_EVT_OPENAT2},
    {"execveat", TX_EVT_EXECVEAT}, {NULL, 0},
};

SK_PLUGIN_OPS(sk_extract_ops, tx_extract_ops, .sources = tx_sources, .fields = tx_fields,
	      .extract = tx_extract, .event_names = tx_event_names,
	      .field_constants = tx_field_constants);
const struct sk_plugin tx_plugin = {
    .abi_major = SK_PLUGIN_ABI_MAJOR,
    .abi_minor = SK_PLUGIN_ABI_MINOR,
    .struct_size = sizeof(struct sk_plugin),
    .name = "tx",
    .version = "1.2.3",
    .description = "synthetic test extractor",
    .init = tx_init,
    .destroy = tx_destroy,
    .extract = &tx_extract_ops,
};

SK_PLUGIN_OPS(sk_extract_ops, tx_other_extract_ops, .sources = tx_sources_other,
	      .fields = tx_fields, .extract = tx_extract);
const struct sk_plugin tx_plugin_other = {
    .abi_major = SK_PLUGIN_ABI_MAJOR,
    .abi_minor = SK_PLUGIN_ABI_MINOR,
    .struct_size = sizeof(struct sk_plugin),
    .name = "tx2",
    .version = "0.1.0",
    .description = "synthetic test extractor for another source",
    .init = tx_init,
    .destroy = tx_destroy,
    .extract = &tx_other_extract_ops,
};

/* many more syscall-style field names, all without values: for loading
 * Falco-style rule files */
static const struct sk_field wide_fields[] = {
    {"evt.dir", SK_TYPE_STRING, 0, NULL, "direction"},
    {"evt.is_open_write", SK_TYPE_BOOL, 0, NULL, "opened for writing"},
    {"evt.is_open_read", SK_TYPE_BOOL, 0, NULL, "opened for reading"},
    {"evt.res", SK_TYPE_STRING, 0, NULL, "result"},
    {"evt.args", SK_TYPE_STRING, 0, NULL, "all arguments"},
    {"evt.hostname", SK_TYPE_STRING, 0, NULL, "host name"},
    {"fd.typechar", SK_TYPE_STRING, 0, NULL, "fd type letter"},
    {"fd.num", SK_TYPE_I64, 0, NULL, "fd number"},
    {"fd.directory", SK_TYPE_STRING, 0, NULL, "directory"},
    {"fd.filename", SK_TYPE_STRING, 0, NULL, "base name"},
    {"fd.nameraw", SK_TYPE_STRING, 0, NULL, "raw name"},
    {"fd.l4proto", SK_TYPE_STRING, 0, NULL, "protocol"},
    {"fd.connected", SK_TYPE_BOOL, 0, NULL, "connected"},
    {"fd.name_changed", SK_TYPE_BOOL, 0, NULL, "name changed"},
    {"fd.ip", SK_TYPE_IPADDR, 0, NULL, "address"},
    {"fd.snet", SK_TYPE_IPNET, 0, NULL, "server network"},
    {"fd.cnet", SK_TYPE_IPNET, 0, NULL, "client network"},
    {"fd.cip", SK_TYPE_IPADDR, 0, NULL, "client address"},
    {"fd.sip.name", SK_TYPE_STRING, 0, NULL, "server name"},
    {"fd.cip.name", SK_TYPE_STRING, 0, NULL, "client name"},
    {"fd.lport", SK_TYPE_PORT, 0, NULL, "local port"},
    {"fd.rport", SK_TYPE_PORT, 0, NULL, "remote port"},
    {"fd.type", SK_TYPE_STRING, 0, NULL, "fd type"},
    {"user.name", SK_TYPE_STRING, 0, NULL, "user name"},
    {"user.loginuid", SK_TYPE_I64, 0, NULL, "login uid"},
    {"container.id", SK_TYPE_STRING, 0, NULL, "container id"},
    {"container.image.repository", SK_TYPE_STRING, 0, NULL, "image"},
    {"proc.pname", SK_TYPE_STRING, 0, NULL, "parent name"},
    {"proc.pcmdline", SK_TYPE_STRING, 0, NULL, "parent command line"},
    {"proc.exepath", SK_TYPE_STRING, 0, NULL, "executable path"},
    {"proc.vpid", SK_TYPE_I64, 0, NULL, "pid in namespace"},
    {"proc.duration", SK_TYPE_RELTIME, 0, NULL, "age"},
    {"proc.pexe", SK_TYPE_STRING, 0, NULL, "parent executable"},
    {"k8s.pod.name", SK_TYPE_STRING, 0, NULL, "pod"},
    {NULL, 0, 0, NULL, NULL},
};

static int wide_extract(void *inst, const struct sk_event *sev, const struct sk_field_req *req,
			struct sk_value *v)
{
	tx_extract_calls++;
	return SK_NA;
}

SK_PLUGIN_OPS(sk_extract_ops, tx_wide_extract_ops, .sources = tx_sources, .fields = wide_fields,
	      .extract = wide_extract);
const struct sk_plugin tx_plugin_wide = {
    .abi_major = SK_PLUGIN_ABI_MAJOR,
    .abi_minor = SK_PLUGIN_ABI_MINOR,
    .struct_size = sizeof(struct sk_plugin),
    .name = "txwide",
    .version = "1.0.0",
    .description = "synthetic field names without values",
    .init = tx_init,
    .destroy = tx_destroy,
    .extract = &tx_wide_extract_ops,
};

size_t tx_evttypes(void *ctx, const char *name, uint16_t *ret_types, size_t max)
{
	static const struct {
		const char *name;
		uint16_t type;
	} table[] = {
	    {"open", TX_EVT_OPEN},     {"open", TX_EVT_OPEN_X},	    {"openat", TX_EVT_OPENAT},
	    {"execve", TX_EVT_EXECVE}, {"connect", TX_EVT_CONNECT},
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(table[i].name, name) == 0) {
			if (n < max) {
				ret_types[n] = table[i].type;
			}
			n++;
		}
	}
	return n;
}

void tx_event_init(struct tx_event *e, uint16_t type)
{
	memset(e, 0, sizeof(*e));
	e->hdr.ts = 1700000000123456789ull;
	e->hdr.tid = 42;
	e->hdr.len = SK_EVT_HDR_SIZE;
	e->hdr.type = type;
}

struct sk_event tx_sk_event(const struct tx_event *e)
{
	return (struct sk_event){.rec = &e->hdr, .num = 7, .source = "syscall"};
}
