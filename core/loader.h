/* core/loader.h - load plugin shared objects, check them against the ABI,
 * configure and initialise them.
 *
 * Order (see docs/plugin-authoring.md): dlopen(RTLD_NOW|RTLD_LOCAL) ->
 * dlsym("shrike_plugin_entry") -> ABI major/minor -> struct_size -> role
 * tables and their callbacks -> name -> schema-validate the config section -> init().
 */
#ifndef SK_CORE_LOADER_H
#define SK_CORE_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include <shrike/plugin.h>

#include "cfg.h"

/* One loaded plugin instance. */
struct sk_plugin_handle {
	char *path;	      /* resolved file path, owned */
	char *instance_name;  /* name used in logs: "output:file", owned */
	void *dl;	      /* dlopen handle */
	struct sk_plugin def; /* copy of the plugin's table, zero-extended; its
			       * role members point to the copies below */
	struct sk_source_ops source; /* zero-extended copies of the role tables */
	struct sk_extract_ops extract;
	struct sk_parse_ops parse;
	struct sk_output_ops output;
	void *config;	      /* host-owned config struct (def.config_size), or NULL */
	char *config_json;    /* the section as JSON, owned */
	void *inst;	      /* plugin-owned instance after init() */
	bool initialised;
	uint64_t parse_errors;	  /* parse() failures (the daemon counts them) */
	uint64_t parse_logged_ns; /* when the last one was logged, monotonic */
	struct sk_host *host; /* the host-side context passed to the plugin */
};

/* sk_loader_resolve - the file to load for `name_or_path`: a path containing
 * '/' is used as is; a file name ending in ".so" ("libk8saudit.so", as
 * falco.yaml writes library_path) is looked up in <dir>; a bare name tries
 * "<dir>/<name>.so", then "<dir>/lib<name>.so" as Falco names its plugins.
 * Returns a malloc'd path or NULL (ENOMEM). */
char *sk_loader_resolve(const char *dir, const char *name_or_path);

/* sk_loader_open - dlopen `path` and check the table, without calling init().
 *
 * Checks, in this order, each refusing with one line in err:
 *   -ENOENT (or the errno of stat(2)) when the file is missing:
 *     "/x/file.so: cannot load plugin: No such file or directory"
 *   -ENOEXEC when dlopen(RTLD_NOW|RTLD_LOCAL) fails; missing symbols and
 *   libraries get a hint:
 *     "/x/file.so: cannot load plugin: undefined symbol: foo (use ldd(1) to check its libraries)"
 *   -ENOEXEC when the entry symbol is missing:
 *     "/x/file.so: not a Shrike plugin: it does not export 'shrike_plugin_entry' (define it with
 * SK_PLUGIN_DEFINE)" -EPROTONOSUPPORT on another ABI major or a newer minor:
 *     "/x/file.so: plugin ABI 2.0 is not supported by this shrike (ABI 1.0): rebuild the plugin
 * against this version's headers"
 *     "/x/file.so: plugin built for a newer shrike (plugin ABI 1.3, this shrike 1.0): upgrade
 * shrike or rebuild the plugin against this version's headers" -EINVAL for a malformed table:
 *     "/x/file.so: plugin table too small (40 bytes, ABI 1.0 needs at least N): define it with
 * SK_PLUGIN_DEFINE"
 *     "/x/file.so: plugin 'foo' has no init(): every plugin needs init() and destroy()"
 *     "/x/file.so: plugin 'foo' output table too small (8 bytes, ABI 1.0 needs at least N): define
 * it with SK_PLUGIN_OPS"
 *     "/x/file.so: plugin 'foo' has an output table but no write()"
 *     "/x/file.so: plugin 'foo' plays no role: set .source, .extract, .parse and/or .output to a
 * table defined with SK_PLUGIN_OPS"
 *     "/x/file.so: plugin 'foo' sets flags 0x1 this shrike does not know: rebuild ..."
 *     "/x/file.so: plugin 'foo' field 3 has an invalid name 'f-o' (use [A-Za-z0-9_.]+)"
 *     "/x/file.so: plugin 'foo' parameter 'port' lies outside config_size (offset 16 + 8 > 16)"
 *     "/x/file.so: invalid plugin name 'Foo!' (use [a-z0-9_]+)"
 *     "/x/file.so: plugin 'foo' has no version: set .version, e.g. \"1.0.0\""
 * -ENOMEM when out of memory. *ret_h is owned by the caller:
 * sk_loader_close(). Not thread-safe (dlerror). */
int sk_loader_open(const char *path, struct sk_plugin_handle **ret_h, char *err, size_t errlen);

/* sk_loader_configure - validate `section` (a map node or NULL) against the
 * plugin's params and fill its config struct; also keep the section as JSON.
 * prefix names the section in messages ("file_output"); skip lists keys the
 * host handles itself ("enabled"). Error messages are sk_schema_fill()'s.
 * Without params only config_json is kept ("{}" for a NULL or null section).
 * May be called again before sk_loader_init() (the previous result is
 * released). Returns 0, -EINVAL or -ENOMEM. */
int sk_loader_configure(struct sk_plugin_handle *h, const struct sk_cfg_node *section,
			const char *prefix, const char *const *skip, char *err, size_t errlen);

/* sk_loader_init - call the plugin's init(). instance_name is for logs and
 * init's instance_name (NULL: the plugin's name). When sk_loader_configure()
 * was not called, the configuration is filled from defaults first.
 * On failure (-EINVAL): "plugin 'file' failed to initialise: <the plugin's
 * message>"; if init() set *ret_inst before failing, destroy() has been
 * called. -EALREADY when already initialised. */
int sk_loader_init(struct sk_plugin_handle *h, const char *instance_name, char *err, size_t errlen);

/* sk_loader_close - destroy() the instance (if initialised), free the config,
 * dlclose(). NULL is a no-op. Never call while a callback may still run. */
void sk_loader_close(struct sk_plugin_handle *h);

/* The roles a plugin plays, as the host names them (a plugin plays a role by
 * setting that role's table in struct sk_plugin). */
#define SK_CAP_SOURCE  (1u << 0)
#define SK_CAP_EXTRACT (1u << 1)
#define SK_CAP_PARSE   (1u << 2)
#define SK_CAP_OUTPUT  (1u << 3)

/* sk_loader_caps - the SK_CAP_* roles of the plugin (0 for NULL). */
unsigned sk_loader_caps(const struct sk_plugin_handle *h);

/* sk_loader_event_source - the source name a source plugin's events carry
 * (sk_source_ops.event_source), or NULL (not a source, or records that name
 * it themselves). */
const char *sk_loader_event_source(const struct sk_plugin_handle *h);

/* sk_loader_reason - what a plugin's last_error() (may be NULL) says about
 * inst's last failure, or "no reason given". Same thread as the failure. */
static inline const char *sk_loader_reason(const char *(*last_error)(void *), void *inst)
{
	const char *e = last_error != NULL ? last_error(inst) : NULL;
	return e != NULL && e[0] != '\0' ? e : "no reason given";
}

/* sk_loader_last_error - the plugin's reason for the failure of its last
 * call (last_error()), or "no reason given" when it has none. Call right
 * after the failing call, on the same thread. */
const char *sk_loader_last_error(const struct sk_plugin_handle *h);

/* sk_loader_has_cap - whether the plugin plays every role in `cap`. */
bool sk_loader_has_cap(const struct sk_plugin_handle *h, unsigned cap);

/* sk_loader_find - the first of the n handles whose plugin is named `name`
 * (def.name), or NULL. Plugin names must be unique: a caller that loads a
 * second plugin of the same name reports
 *   "/x/b.so: plugin name 'foo' is already used by /x/a.so" */
struct sk_plugin_handle *sk_loader_find(struct sk_plugin_handle *const *hs, size_t n,
					const char *name);

/* The host API table handed to every plugin (log, hostname). Its log()
 * writes "[plugin:INSTANCE] message" through sk_logv() and folds exact
 * repeats of the previous line (same level and text, within 10 s) into one
 * "[plugin:INSTANCE] last message repeated N times". */
const struct sk_host_api *sk_loader_host_api(void);

/* sk_loader_set_state_sink - where plugins' api->save_state() goes: fn gets
 * the plugin's name and the bytes, and returns SK_OK, SK_NA (not
 * capturing) or SK_ERR. NULL (the default): nowhere, save_state() answers
 * SK_NA. Event-loop thread only. */
typedef int (*sk_loader_state_fn)(void *ctx, const char *plugin, const void *data, size_t len);
void sk_loader_set_state_sink(sk_loader_state_fn fn, void *ctx);

#endif /* SK_CORE_LOADER_H */
