/* core/schema.h - check a configuration section against a parameter table
 * (struct sk_param from <shrike/plugin.h>) and fill the typed struct it
 * describes. Used for plugin sections and the core's own sections alike.
 */
#ifndef SK_CORE_SCHEMA_H
#define SK_CORE_SCHEMA_H

#include <stddef.h>

#include <shrike/plugin.h>

#include "cfg.h"

/* sk_schema_fill - fill `out` (zeroed by the caller, at least as large as the
 * table needs) from `section`.
 *
 * section: a map node, or NULL (all defaults). prefix: the key path of the
 * section for messages ("file_output"). Keys in `skip` (NULL-terminated, may
 * be NULL) are accepted and ignored (e.g. "enabled", handled by the caller).
 *
 * Errors (-EINVAL, message in err, first problem only):
 *   unknown key:   "shrike.yaml:12:3: file_output.filname: unknown key (valid keys: enabled,
 * filename, keep_alive)" wrong type:    "shrike.yaml:13:14: file_output.keep_alive: expected a
 * boolean (true or false), got 'maybe'" bad enum:      "...: expected one of json, text, got 'xml'"
 *   out of range:  "...: 70000 is out of range (1..65535)"
 *   missing:       "shrike.yaml:11:1: file_output: missing required key 'filename'"
 * Defaults (sk_param.def) are parsed as YAML with the same rules ("" is the
 * empty string, list or map). A key written with no value (`key:`) counts as
 * absent. The valid keys listed are the table's and `skip`'s, sorted; long
 * tables make long lines, so give err at least 1 KiB. Numeric bounds: min and
 * max both 0 means unbounded, max 0 with min > 0 means "at least min". Values
 * of SK_PARAM_SECRET keys never appear in messages.
 * On error everything filled so far is released (sk_schema_free). */
int sk_schema_fill(const struct sk_param *params, const struct sk_cfg_node *section,
		   const char *prefix, const char *const *skip, void *out, char *err,
		   size_t errlen);

/* sk_schema_fill_at - sk_schema_fill() with `where`, the node a "missing
 * required key" error points at (usually the section's key, so the message
 * reads "shrike.yaml:11:1: file_output: missing required key 'filename'"
 * even when the section is empty). where NULL: the section itself. */
int sk_schema_fill_at(const struct sk_param *params, const struct sk_cfg_node *section,
		      const struct sk_cfg_node *where, const char *prefix, const char *const *skip,
		      void *out, char *err, size_t errlen);

/* sk_schema_free - free the strings and lists sk_schema_fill() stored in
 * `out` (not `out` itself), and zero those members. */
void sk_schema_free(const struct sk_param *params, void *out);

/* sk_schema_describe - a human description of the table (one key a line, in
 * aligned columns: name, type, default, description) as a malloc'd string,
 * for --help-plugin. Defaults of secret keys read "(hidden)". Returns NULL on
 * ENOMEM. */
char *sk_schema_describe(const struct sk_param *params);

#endif /* SK_CORE_SCHEMA_H */
