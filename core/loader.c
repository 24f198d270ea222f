/* core/loader.c - load plugin shared objects, check their table against the
 * ABI in <shrike/plugin.h>, configure them from their section and call
 * init(); also the host API (log, hostname) that every plugin receives.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "loader.h"
#include "log.h"
#include "schema.h"

#ifndef SK_PLUGINS_DIR
#define SK_PLUGINS_DIR "/usr/local/lib/shrike/plugins"
#endif

/* Repeats of one line within this window are counted, not printed. */
#define SK_LOADER_REPEAT_NS (10ull * 1000000000ull)

/* The host side of one plugin instance (opaque to plugins). */
struct sk_host {
	char *instance_name; /* prefix of every log line, owned */
	const char *plugin;  /* the plugin's name (its static table) */
	pthread_mutex_t lock;
	char last_msg[1024]; /* last line written, for repeat folding */
	int last_level;
	uint64_t last_ns; /* when last_msg was written */
	unsigned long repeats;
};

/* ---- host API ---------------------------------------------------------- */


/* Goes through sk_logv() so the daemon's sinks and levels apply. */
static void host_emit(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void host_emit(int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sk_logv(level, fmt, ap);
	va_end(ap);
}

/* Caller holds host->lock. */
static void host_flush_repeats(struct sk_host *host)
{
	if (host->repeats > 0) {
		host_emit(host->last_level, "[plugin:%s] last message repeated %lu times",
			  host->instance_name, host->repeats);
		host->repeats = 0;
	}
}

static void host_log(struct sk_host *host, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void host_log(struct sk_host *host, int level, const char *fmt, ...)
{
	if (level < SK_LOG_ERROR) {
		level = SK_LOG_ERROR;
	} else if (level > SK_LOG_DEBUG) {
		level = SK_LOG_DEBUG;
	}
	if (host == NULL || fmt == NULL || !sk_log_enabled(level)) {
		return;
	}
	char msg[sizeof(host->last_msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	size_t n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n') {
		msg[--n] = '\0';
	}

	uint64_t now = sk_mono_ns();
	pthread_mutex_lock(&host->lock);
	if (host->last_ns != 0 && level == host->last_level && strcmp(msg, host->last_msg) == 0 &&
	    now - host->last_ns < SK_LOADER_REPEAT_NS) {
		host->repeats++;
		pthread_mutex_unlock(&host->lock);
		return;
	}
	host_flush_repeats(host);
	host_emit(level, "[plugin:%s] %s", host->instance_name, msg);
	memcpy(host->last_msg, msg, n + 1);
	host->last_level = level;
	host->last_ns = now;
	pthread_mutex_unlock(&host->lock);
}

static char host_name_buf[256];
static pthread_once_t host_name_once = PTHREAD_ONCE_INIT;

static void host_name_init(void)
{
	if (gethostname(host_name_buf, sizeof(host_name_buf) - 1) != 0) {
		strcpy(host_name_buf, "localhost");
	}
	host_name_buf[sizeof(host_name_buf) - 1] = '\0';
}

static const char *host_hostname(struct sk_host *host)
{
	(void)host;
	pthread_once(&host_name_once, host_name_init);
	return host_name_buf;
}

/* Where save_state() goes: the daemon's capture writer, or nowhere. Set
 * and used on the event-loop thread only. */
static sk_loader_state_fn state_sink;
static void *state_sink_ctx;

void sk_loader_set_state_sink(sk_loader_state_fn fn, void *ctx)
{
	state_sink = fn;
	state_sink_ctx = ctx;
}

static int host_save_state(struct sk_host *host, const void *data, size_t len)
{
	if (host == NULL || state_sink == NULL) {
		return SK_NA;
	}
	if (len == 0) {
		return SK_OK; /* the plugin only asked whether a capture is on */
	}
	if (data == NULL) {
		return SK_ERR;
	}
	return state_sink(state_sink_ctx, host->plugin, data, len);
}

static const struct sk_host_api host_api = {
    .struct_size = sizeof(struct sk_host_api),
    .abi_minor = SK_PLUGIN_ABI_MINOR,
    .log = host_log,
    .hostname = host_hostname,
    .save_state = host_save_state,
};

const struct sk_host_api *sk_loader_host_api(void)
{
	return &host_api;
}

static struct sk_host *host_create(const char *instance_name, const char *plugin)
{
	struct sk_host *host = calloc(1, sizeof(*host));
	if (host == NULL) {
		return NULL;
	}
	host->instance_name = strdup(instance_name);
	if (host->instance_name == NULL) {
		free(host);
		return NULL;
	}
	host->plugin = plugin;
	pthread_mutex_init(&host->lock, NULL);
	return host;
}

static void host_destroy(struct sk_host *host)
{
	if (host == NULL) {
		return;
	}
	pthread_mutex_lock(&host->lock);
	host_flush_repeats(host);
	pthread_mutex_unlock(&host->lock);
	pthread_mutex_destroy(&host->lock);
	free(host->instance_name);
	free(host);
}

/* ---- resolving and opening --------------------------------------------- */

char *sk_loader_resolve(const char *dir, const char *name_or_path)
{
	static const char *const libs[] = {"", "lib"};
	char *path = NULL;

	if (strchr(name_or_path, '/') != NULL) {
		return strdup(name_or_path);
	}
	if (dir == NULL || dir[0] == '\0') {
		dir = SK_PLUGINS_DIR;
	}
	/* A file name as Falco writes library_path ("libk8saudit.so"). */
	size_t len = strlen(name_or_path);
	if (len > 3 && strcmp(name_or_path + len - 3, ".so") == 0) {
		if (asprintf(&path, "%s/%s", dir, name_or_path) < 0) {
			return NULL;
		}
		return path;
	}
	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		free(path);
		if (asprintf(&path, "%s/%s%s.so", dir, libs[i], name_or_path) < 0) {
			return NULL;
		}
		if (access(path, F_OK) == 0) {
			return path;
		}
	}
	/* Neither exists: name the usual form in the "No such file" message. */
	free(path);
	if (asprintf(&path, "%s/%s.so", dir, name_or_path) < 0) {
		return NULL;
	}
	return path;
}

/* Plugin and parameter names are [a-z0-9_]+; field names are [A-Za-z0-9_.]+
 * (is_field true), because Falco's own have capitals
 * (ka.req.pod.initContainers.name). */
static bool name_is_valid(const char *s, bool is_field)
{
	if (s == NULL || *s == '\0') {
		return false;
	}
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      (is_field && (*s == '.' || (*s >= 'A' && *s <= 'Z'))))) {
			return false;
		}
	}
	return true;
}

/* Storage a parameter of this type takes in the config struct (0: unknown
 * type). */
static size_t param_size(uint32_t type)
{
	switch (type) {
	case SK_PARAM_STR:
		return sizeof(char *);
	case SK_PARAM_BOOL:
		return sizeof(bool);
	case SK_PARAM_INT:
		return sizeof(int64_t);
	case SK_PARAM_UINT:
	case SK_PARAM_DURATION:
	case SK_PARAM_SIZE:
		return sizeof(uint64_t);
	case SK_PARAM_ENUM:
		return sizeof(int);
	case SK_PARAM_STRLIST:
		return sizeof(struct sk_strlist);
	case SK_PARAM_STRMAP:
		return sizeof(struct sk_strmap);
	default:
		return 0;
	}
}

/* The role member of struct sk_plugin that is set without the callback its
 * role requires, or NULL when every set role is complete. */
static const char *missing_member(const struct sk_plugin *p, const char **ret_role)
{
	const char *missing = NULL;
	if (p->source != NULL) {
		*ret_role = "a source";
		missing = p->source->open == NULL	  ? "open()"
			  : p->source->next_batch == NULL ? "next_batch()"
			  : p->source->close == NULL	  ? "close()"
							  : NULL;
	}
	if (missing == NULL && p->extract != NULL) {
		*ret_role = "an extract";
		missing = p->extract->fields == NULL	? "fields table"
			  : p->extract->extract == NULL ? "extract()"
							: NULL;
	}
	if (missing == NULL && p->parse != NULL) {
		*ret_role = "a parse";
		missing = p->parse->parse == NULL ? "parse()" : NULL;
	}
	if (missing == NULL && p->output != NULL) {
		*ret_role = "an output";
		missing = p->output->write == NULL ? "write()" : NULL;
	}
	return missing;
}

static int check_fields(const char *path, const char *name, const struct sk_field *fields,
			char *err, size_t errlen)
{
	size_t i = 0;
	for (; fields[i].name != NULL; i++) {
		const struct sk_field *f = &fields[i];
		if (!name_is_valid(f->name, true)) {
			snprintf(err, errlen,
				 "%s: plugin '%s' field %zu has an invalid name '%s' (use "
				 "[A-Za-z0-9_.]+)",
				 path, name, i, f->name);
			return -EINVAL;
		}
		if (f->type == SK_TYPE_NONE || f->type > SK_TYPE_LIST) {
			snprintf(err, errlen,
				 "%s: plugin '%s' field '%s' has an unknown type %u (use an "
				 "SK_TYPE_* value)",
				 path, name, f->name, (unsigned)f->type);
			return -EINVAL;
		}
	}
	if (i == 0) {
		snprintf(err, errlen, "%s: plugin '%s' has an extract table but no fields", path,
			 name);
		return -EINVAL;
	}
	return 0;
}

/* Checks of the copied table after the ABI checks; err gets the reason
 * after "PATH: ". */
static int check_table(const char *path, const struct sk_plugin *p, char *err, size_t errlen)
{
	const char *name = p->name != NULL ? p->name : "";

	if (p->init == NULL || p->destroy == NULL) {
		snprintf(err, errlen,
			 "%s: plugin '%s' has no %s: every plugin needs init() and destroy()", path,
			 name, p->init == NULL ? "init()" : "destroy()");
		return -EINVAL;
	}
	if (p->flags != 0) {
		snprintf(err, errlen,
			 "%s: plugin '%s' sets flags 0x%x this shrike does not know: rebuild the "
			 "plugin against this version's headers",
			 path, name, (unsigned)p->flags);
		return -EINVAL;
	}
	if (p->source == NULL && p->extract == NULL && p->parse == NULL && p->output == NULL) {
		snprintf(err, errlen,
			 "%s: plugin '%s' plays no role: set .source, .extract, .parse and/or "
			 ".output to a table defined with SK_PLUGIN_OPS",
			 path, name);
		return -EINVAL;
	}
	const char *role = "";
	const char *missing = missing_member(p, &role);
	if (missing != NULL) {
		snprintf(err, errlen, "%s: plugin '%s' has %s table but no %s", path, name, role,
			 missing);
		return -EINVAL;
	}
	if (p->extract != NULL) {
		int rc = check_fields(path, name, p->extract->fields, err, errlen);
		if (rc < 0) {
			return rc;
		}
	}

	if (p->params != NULL) {
		for (size_t i = 0; p->params[i].name != NULL; i++) {
			const struct sk_param *pa = &p->params[i];
			size_t sz = param_size(pa->type);
			if (!name_is_valid(pa->name, false)) {
				snprintf(err, errlen,
					 "%s: plugin '%s' parameter %zu has an invalid name '%s' "
					 "(use [a-z0-9_]+)",
					 path, name, i, pa->name);
				return -EINVAL;
			}
			if (sz == 0) {
				snprintf(
				    err, errlen,
				    "%s: plugin '%s' parameter '%s' has an unknown type %u (use "
				    "an SK_PARAM_* value)",
				    path, name, pa->name, (unsigned)pa->type);
				return -EINVAL;
			}
			if (pa->offset > p->config_size || sz > p->config_size - pa->offset) {
				snprintf(err, errlen,
					 "%s: plugin '%s' parameter '%s' lies outside config_size "
					 "(offset %zu + %zu > %zu)",
					 path, name, pa->name, pa->offset, sz, p->config_size);
				return -EINVAL;
			}
			if (pa->type == SK_PARAM_ENUM && pa->enum_values == NULL) {
				snprintf(
				    err, errlen,
				    "%s: plugin '%s' parameter '%s' is an SK_PARAM_ENUM without "
				    "enum_values",
				    path, name, pa->name);
				return -EINVAL;
			}
		}
	}

	if (!name_is_valid(p->name, false)) {
		snprintf(err, errlen, "%s: invalid plugin name '%s' (use [a-z0-9_]+)", path,
			 p->name != NULL ? p->name : "");
		return -EINVAL;
	}
	if (p->version == NULL || p->version[0] == '\0') {
		snprintf(err, errlen,
			 "%s: plugin '%s' has no version: set .version, e.g. \"1.0.0\"", path,
			 name);
		return -EINVAL;
	}
	return 0;
}

/* Copy one role table of the plugin into the host's zeroed `dst` (dstsize
 * bytes), after checking its size against the ABI 1.0 size `min`. A NULL
 * table leaves *ret_role NULL. */
static int copy_role(const char *path, const char *plugin, const char *role, const void *src,
		     void *dst, size_t dstsize, size_t min, const void **ret_role, char *err,
		     size_t errlen)
{
	*ret_role = NULL;
	if (src == NULL) {
		return 0;
	}
	uint32_t size = *(const uint32_t *)src; /* every role table starts with it */
	if (size < min) {
		snprintf(err, errlen,
			 "%s: plugin '%s' %s table too small (%u bytes, ABI 1.0 needs at least "
			 "%zu): define it with SK_PLUGIN_OPS",
			 path, plugin, role, (unsigned)size, min);
		return -EINVAL;
	}
	memcpy(dst, src, size < dstsize ? size : dstsize);
	*ret_role = dst;
	return 0;
}

/* Point h->def's role members to the host's zero-extended copies of the
 * plugin's role tables, so members a plugin built for an older minor does
 * not know read as NULL/0. */
static int copy_roles(const char *path, struct sk_plugin_handle *h, char *err, size_t errlen)
{
	struct sk_plugin *d = &h->def;
	const char *name = d->name != NULL ? d->name : "";
	const void *r;
	int rc = copy_role(path, name, "source", d->source, &h->source, sizeof(h->source),
			   SK_SOURCE_OPS_V1_0_SIZE, &r, err, errlen);
	d->source = r;
	if (rc == 0) {
		rc = copy_role(path, name, "extract", d->extract, &h->extract, sizeof(h->extract),
			       SK_EXTRACT_OPS_V1_0_SIZE, &r, err, errlen);
		d->extract = r;
	}
	if (rc == 0) {
		rc = copy_role(path, name, "parse", d->parse, &h->parse, sizeof(h->parse),
			       SK_PARSE_OPS_V1_0_SIZE, &r, err, errlen);
		d->parse = r;
	}
	if (rc == 0) {
		rc = copy_role(path, name, "output", d->output, &h->output, sizeof(h->output),
			       SK_OUTPUT_OPS_V1_0_SIZE, &r, err, errlen);
		d->output = r;
	}
	return rc;
}

/* dlerror() text without the leading "PATH: " it usually repeats. */
static const char *dl_reason(const char *path, const char *dlpath, const char *msg)
{
	if (msg == NULL) {
		return "unknown dlopen error";
	}
	const char *prefixes[] = {dlpath, path};
	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(prefixes[i]);
		if (strncmp(msg, prefixes[i], n) == 0 && strncmp(msg + n, ": ", 2) == 0) {
			return msg + n + 2;
		}
	}
	return msg;
}

int sk_loader_open(const char *path, struct sk_plugin_handle **ret_h, char *err, size_t errlen)
{
	struct sk_plugin_handle *h = NULL;
	char *dlpath = NULL;
	int rc = 0;
	struct stat st;

	*ret_h = NULL;
	if (stat(path, &st) != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot load plugin: %s", path, strerror(errno));
		goto out;
	}
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: cannot load plugin: out of memory", path);
		goto out;
	}
	h->path = strdup(path);
	/* A bare file name would make dlopen search the library path. */
	if (strchr(path, '/') == NULL) {
		if (asprintf(&dlpath, "./%s", path) < 0) {
			dlpath = NULL;
		}
	} else {
		dlpath = strdup(path);
	}
	if (h->path == NULL || dlpath == NULL) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: cannot load plugin: out of memory", path);
		goto out;
	}

	dlerror();
	h->dl = dlopen(dlpath, RTLD_NOW | RTLD_LOCAL);
	if (h->dl == NULL) {
		const char *why = dl_reason(path, dlpath, dlerror());
		bool hint = strstr(why, "undefined symbol") != NULL ||
			    strstr(why, "cannot open shared object file") != NULL ||
			    strstr(why, "version `") != NULL;
		snprintf(err, errlen, "%s: cannot load plugin: %s%s", path, why,
			 hint ? " (use ldd(1) to check its libraries)" : "");
		rc = -ENOEXEC;
		goto out;
	}

	dlerror();
	const struct sk_plugin *p = dlsym(h->dl, SHRIKE_PLUGIN_ENTRY);
	if (p == NULL) {
		snprintf(err, errlen,
			 "%s: not a Shrike plugin: it does not export '%s' (define it with "
			 "SK_PLUGIN_DEFINE)",
			 path, SHRIKE_PLUGIN_ENTRY);
		rc = -ENOEXEC;
		goto out;
	}

	/* The header (abi_major, abi_minor, struct_size, flags) is fixed forever. */
	if (p->abi_major != SK_PLUGIN_ABI_MAJOR) {
		snprintf(
		    err, errlen,
		    "%s: plugin ABI %u.%u is not supported by this shrike (ABI %u.%u): rebuild "
		    "the plugin against this version's headers",
		    path, (unsigned)p->abi_major, (unsigned)p->abi_minor, SK_PLUGIN_ABI_MAJOR,
		    SK_PLUGIN_ABI_MINOR);
		rc = -EPROTONOSUPPORT;
		goto out;
	}
	if (p->abi_minor > SK_PLUGIN_ABI_MINOR) {
		snprintf(err, errlen,
			 "%s: plugin built for a newer shrike (plugin ABI %u.%u, this shrike "
			 "%u.%u): upgrade shrike or rebuild the plugin against this version's "
			 "headers",
			 path, (unsigned)p->abi_major, (unsigned)p->abi_minor, SK_PLUGIN_ABI_MAJOR,
			 SK_PLUGIN_ABI_MINOR);
		rc = -EPROTONOSUPPORT;
		goto out;
	}
	if (p->struct_size < SK_PLUGIN_V1_0_SIZE) {
		snprintf(
		    err, errlen,
		    "%s: plugin table too small (%u bytes, ABI 1.0 needs at least %zu): define "
		    "it with SK_PLUGIN_DEFINE",
		    path, (unsigned)p->struct_size, (size_t)SK_PLUGIN_V1_0_SIZE);
		rc = -EINVAL;
		goto out;
	}
	/* Members the plugin does not know read as NULL/0. */
	memset(&h->def, 0, sizeof(h->def));
	memcpy(&h->def, p,
	       p->struct_size < sizeof(h->def) ? (size_t)p->struct_size : sizeof(h->def));
	rc = copy_roles(path, h, err, errlen);
	if (rc == 0) {
		rc = check_table(path, &h->def, err, errlen);
	}
	if (rc < 0) {
		goto out;
	}
	*ret_h = h;
	h = NULL;
out:
	free(dlpath);
	sk_loader_close(h);
	return rc;
}

/* ---- configuration and init -------------------------------------------- */

static void free_config(struct sk_plugin_handle *h)
{
	if (h->config != NULL) {
		sk_schema_free(h->def.params, h->config);
		free(h->config);
		h->config = NULL;
	}
	free(h->config_json);
	h->config_json = NULL;
}

int sk_loader_configure(struct sk_plugin_handle *h, const struct sk_cfg_node *section,
			const char *prefix, const char *const *skip, char *err, size_t errlen)
{
	void *config = NULL;
	char *json = NULL;
	int rc = 0;

	if (h->initialised) {
		snprintf(err, errlen, "plugin '%s' is already initialised", h->def.name);
		return -EALREADY;
	}
	if (prefix == NULL) {
		prefix = h->def.name;
	}
	if (section != NULL && section->kind == SK_CFG_SCALAR && section->is_null) {
		section = NULL; /* `file_output:` with nothing after it */
	}
	if (h->def.params != NULL) {
		config = calloc(1, h->def.config_size > 0 ? h->def.config_size : 1);
		if (config == NULL) {
			rc = -ENOMEM;
			snprintf(err, errlen, "%s: out of memory", prefix);
			goto out;
		}
		rc = sk_schema_fill(h->def.params, section, prefix, skip, config, err, errlen);
		if (rc < 0) {
			free(config); /* sk_schema_fill released what it stored */
			config = NULL;
			goto out;
		}
	}
	json = section != NULL ? sk_cfg_to_json(section) : strdup("{}");
	if (json == NULL) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", prefix);
		goto out;
	}
	free_config(h);
	h->config = config;
	h->config_json = json;
	config = NULL;
	json = NULL;
out:
	if (config != NULL) {
		sk_schema_free(h->def.params, config);
		free(config);
	}
	free(json);
	return rc;
}

int sk_loader_init(struct sk_plugin_handle *h, const char *instance_name, char *err, size_t errlen)
{
	char perr[1024] = "";
	void *inst = NULL;
	int rc = 0;

	if (h->initialised) {
		snprintf(err, errlen, "plugin '%s' is already initialised", h->def.name);
		return -EALREADY;
	}
	if (instance_name == NULL) {
		instance_name = h->def.name;
	}
	if (h->config_json == NULL) {
		rc = sk_loader_configure(h, NULL, h->def.name, NULL, err, errlen);
		if (rc < 0) {
			return rc;
		}
	}
	free(h->instance_name);
	h->instance_name = strdup(instance_name);
	host_destroy(h->host);
	h->host = host_create(instance_name, h->def.name);
	if (h->instance_name == NULL || h->host == NULL) {
		snprintf(err, errlen, "plugin '%s' failed to initialise: out of memory",
			 h->def.name);
		return -ENOMEM;
	}

	struct sk_init_input in = {
	    .struct_size = sizeof(struct sk_init_input),
	    .api = &host_api,
	    .host = h->host,
	    .config = h->config,
	    .config_json = h->config_json,
	    .instance_name = h->instance_name,
	};
	int prc = h->def.init(&in, &inst, perr, sizeof(perr));
	if (prc != SK_OK) {
		perr[sizeof(perr) - 1] = '\0';
		size_t n = strlen(perr);
		while (n > 0 && (perr[n - 1] == '\n' || perr[n - 1] == ' ')) {
			perr[--n] = '\0';
		}
		if (n == 0) {
			snprintf(perr, sizeof(perr), "init() returned %d without a message", prc);
		}
		snprintf(err, errlen, "plugin '%s' failed to initialise: %s", h->def.name, perr);
		if (inst != NULL) {
			h->def.destroy(inst);
		}
		return -EINVAL;
	}
	h->inst = inst;
	h->initialised = true;
	return 0;
}

void sk_loader_close(struct sk_plugin_handle *h)
{
	if (h == NULL) {
		return;
	}
	if (h->initialised) {
		h->def.destroy(h->inst);
		h->inst = NULL;
		h->initialised = false;
	}
	free_config(h);
	host_destroy(h->host);
	if (h->dl != NULL) {
#ifndef SK_SANITIZERS
		dlclose(h->dl);
#else
		/* Under --enable-sanitizers the module stays mapped, so that
		 * LeakSanitizer can name the library an allocation came from
		 * (and tests/lsan.supp can match it) instead of "<unknown
		 * module>". */
#endif
	}
	free(h->instance_name);
	free(h->path);
	free(h);
}

unsigned sk_loader_caps(const struct sk_plugin_handle *h)
{
	if (h == NULL) {
		return 0;
	}
	return (h->def.source != NULL ? SK_CAP_SOURCE : 0u) |
	       (h->def.extract != NULL ? SK_CAP_EXTRACT : 0u) |
	       (h->def.parse != NULL ? SK_CAP_PARSE : 0u) |
	       (h->def.output != NULL ? SK_CAP_OUTPUT : 0u);
}

const char *sk_loader_last_error(const struct sk_plugin_handle *h)
{
	return sk_loader_reason(h->def.last_error, h->inst);
}

const char *sk_loader_event_source(const struct sk_plugin_handle *h)
{
	return h != NULL && h->def.source != NULL ? h->def.source->event_source : NULL;
}

bool sk_loader_has_cap(const struct sk_plugin_handle *h, unsigned cap)
{
	return (sk_loader_caps(h) & cap) == cap;
}

struct sk_plugin_handle *sk_loader_find(struct sk_plugin_handle *const *hs, size_t n,
					const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (hs[i] != NULL && hs[i]->def.name != NULL &&
		    strcmp(hs[i]->def.name, name) == 0) {
			return hs[i];
		}
	}
	return NULL;
}
