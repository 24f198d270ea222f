/* core/schema.c - check a configuration section against a struct sk_param
 * table and fill the typed struct it describes (see schema.h). Unknown keys,
 * wrong types, bad enum values, out-of-range numbers and missing required
 * keys are errors with file:line:col and the key path.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strlist.h"
#include "schema.h"

#define KEYPATH_MAX 256

static void *member(void *out, const struct sk_param *p)
{
	return (char *)out + p->offset;
}

static size_t count_params(const struct sk_param *params)
{
	size_t n = 0;
	while (params && params[n].name) {
		n++;
	}
	return n;
}

static void keypath(char *buf, size_t len, const char *prefix, const char *key)
{
	if (prefix && *prefix) {
		snprintf(buf, len, "%s.%s", prefix, key);
	} else {
		snprintf(buf, len, "%s", key);
	}
}

static void strmap_free(struct sk_strmap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	m->keys = NULL;
	m->values = NULL;
	m->n = 0;
}

void sk_schema_free(const struct sk_param *params, void *out)
{
	if (!params || !out) {
		return;
	}
	for (const struct sk_param *p = params; p->name; p++) {
		switch (p->type) {
		case SK_PARAM_STR: {
			char **s = member(out, p);
			free(*s);
			*s = NULL;
			break;
		}
		case SK_PARAM_STRLIST:
			sk_strlist_free(member(out, p));
			break;
		case SK_PARAM_STRMAP:
			strmap_free(member(out, p));
			break;
		default:
			break;
		}
	}
}

/* "json, text" into buf */
static void enum_list(const struct sk_param *p, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; p->enum_values && p->enum_values[i]; i++) {
		int w = snprintf(buf + off, len - off, "%s%s", i ? ", " : "", p->enum_values[i]);
		if (w < 0 || (size_t)w >= len - off) {
			break;
		}
		off += (size_t)w;
	}
}

static const char *type_word(const struct sk_param *p)
{
	switch (p->type) {
	case SK_PARAM_STR:
		return "a string";
	case SK_PARAM_BOOL:
		return "a boolean (true or false)";
	case SK_PARAM_INT:
		return "an integer";
	case SK_PARAM_UINT:
		return "a non-negative integer";
	case SK_PARAM_DURATION:
		return "a duration (e.g. 250ms, 5s, 2m, 1h)";
	case SK_PARAM_SIZE:
		return "a size (e.g. 4096, 64k, 8M, 1G)";
	case SK_PARAM_ENUM:
		return "one of the listed values";
	case SK_PARAM_STRLIST:
		return "a string or a list of strings";
	case SK_PARAM_STRMAP:
		return "a map of strings";
	}
	return "a value";
}

static int set_str(char **dst, const char *s)
{
	char *copy = strdup(s);
	if (!copy) {
		return -ENOMEM;
	}
	free(*dst);
	*dst = copy;
	return 0;
}

static int fill_strlist(const struct sk_cfg_node *n, const char *path, struct sk_strlist *dst,
			char *err, size_t errlen)
{
	struct sk_strlist l = {0};
	int rc = 0;
	size_t count = n->kind == SK_CFG_SEQ ? n->n : 1;

	if (n->kind == SK_CFG_MAP) {
		sk_cfg_errpos(err, errlen, n,
			      "%s: expected a string or a list of strings, got a map", path);
		return -EINVAL;
	}
	l.items = calloc(count ? count : 1, sizeof(char *));
	if (!l.items) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		const struct sk_cfg_node *item = n->kind == SK_CFG_SEQ ? n->items[i] : n;
		char ipath[KEYPATH_MAX];
		const char *s = NULL;
		if (n->kind == SK_CFG_SEQ) {
			snprintf(ipath, sizeof(ipath), "%s[%zu]", path, i);
		} else {
			snprintf(ipath, sizeof(ipath), "%s", path);
		}
		rc = sk_cfg_as_str(item, ipath, &s, err, errlen);
		if (rc < 0) {
			goto out;
		}
		l.items[i] = strdup(s);
		if (!l.items[i]) {
			rc = -ENOMEM;
			goto out;
		}
		l.n++;
	}
	sk_strlist_free(dst);
	*dst = l;
	l.items = NULL;
	l.n = 0;
out:
	sk_strlist_free(&l);
	return rc;
}

static int fill_strmap(const struct sk_cfg_node *n, const char *path, struct sk_strmap *dst,
		       char *err, size_t errlen)
{
	struct sk_strmap m = {0};
	int rc = 0;

	if (n->kind != SK_CFG_MAP) {
		char buf[80];
		const char *what = sk_cfg_kind_name(n);
		if (n->kind == SK_CFG_SCALAR && !n->is_null) {
			snprintf(buf, sizeof(buf), "'%.60s'", n->scalar);
			what = buf;
		}
		sk_cfg_errpos(err, errlen, n, "%s: expected a map of strings, got %s", path, what);
		return -EINVAL;
	}
	size_t cap = n->n ? n->n : 1;
	m.keys = calloc(cap, sizeof(char *));
	m.values = calloc(cap, sizeof(char *));
	if (!m.keys || !m.values) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n->n; i++) {
		const struct sk_cfg_node *v = n->items[i];
		if (v->kind != SK_CFG_SCALAR) {
			sk_cfg_errpos(err, errlen, v, "%s.%s: expected a string, got %s", path,
				      n->keys[i], sk_cfg_kind_name(v));
			rc = -EINVAL;
			goto out;
		}
		m.keys[i] = strdup(n->keys[i]);
		m.values[i] = strdup(v->is_null ? "" : v->scalar);
		m.n++;
		if (!m.keys[i] || !m.values[i]) {
			rc = -ENOMEM;
			goto out;
		}
	}
	strmap_free(dst);
	*dst = m;
	m.keys = NULL;
	m.values = NULL;
	m.n = 0;
out:
	strmap_free(&m);
	return rc;
}

/* A value out of the parameter's min..max (both 0: unbounded)? */
static int check_range(const struct sk_param *p, const struct sk_cfg_node *n, const char *path,
		       uint64_t v, const char *unit, char *err, size_t errlen)
{
	if (p->min == 0 && p->max == 0) {
		return 0;
	}
	uint64_t lo = p->min < 0 ? 0 : (uint64_t)p->min;
	uint64_t hi = p->max <= 0 ? UINT64_MAX : (uint64_t)p->max;
	if (v >= lo && v <= hi) {
		return 0;
	}
	if (hi == UINT64_MAX) {
		sk_cfg_errpos(err, errlen, n,
			      "%s: '%s' (%" PRIu64 "%s) is out of range (at least %" PRIu64 "%s)",
			      path, n->scalar, v, unit, lo, unit);
	} else {
		sk_cfg_errpos(err, errlen, n,
			      "%s: '%s' (%" PRIu64 "%s) is out of range (%" PRIu64 "%s..%" PRIu64
			      "%s)",
			      path, n->scalar, v, unit, lo, unit, hi, unit);
	}
	return -EINVAL;
}

/* Store the value of `n` for parameter `p`. */
static int set_value(const struct sk_param *p, const struct sk_cfg_node *n, const char *path,
		     void *out, char *err, size_t errlen)
{
	void *dst = member(out, p);
	int rc = 0;

	switch (p->type) {
	case SK_PARAM_STR: {
		const char *s = NULL;
		rc = sk_cfg_as_str(n, path, &s, err, errlen);
		if (rc == 0) {
			rc = set_str(dst, s);
		}
		break;
	}
	case SK_PARAM_BOOL:
		rc = sk_cfg_as_bool(n, path, dst, err, errlen);
		break;
	case SK_PARAM_INT: {
		int64_t hi = p->max == 0 && p->min > 0 ? INT64_MAX : p->max;
		rc = sk_cfg_as_int(n, path, p->min, hi, dst, err, errlen);
		break;
	}
	case SK_PARAM_UINT: {
		uint64_t lo = p->min < 0 ? 0 : (uint64_t)p->min;
		uint64_t hi = p->max <= 0 ? UINT64_MAX : (uint64_t)p->max;
		if (p->min == 0 && p->max == 0) {
			hi = UINT64_MAX;
		}
		rc = sk_cfg_as_uint(n, path, lo, hi, dst, err, errlen);
		break;
	}
	case SK_PARAM_DURATION: {
		uint64_t v = 0;
		rc = sk_cfg_as_duration_ms(n, path, &v, err, errlen);
		if (rc == 0) {
			rc = check_range(p, n, path, v, "ms", err, errlen);
		}
		if (rc == 0) {
			*(uint64_t *)dst = v;
		}
		break;
	}
	case SK_PARAM_SIZE: {
		uint64_t v = 0;
		rc = sk_cfg_as_size(n, path, &v, err, errlen);
		if (rc == 0) {
			rc = check_range(p, n, path, v, " bytes", err, errlen);
		}
		if (rc == 0) {
			*(uint64_t *)dst = v;
		}
		break;
	}
	case SK_PARAM_ENUM: {
		char list[512];
		const char *s = NULL;
		enum_list(p, list, sizeof(list));
		if (!(n->kind == SK_CFG_SCALAR && !n->is_null)) {
			sk_cfg_errpos(err, errlen, n, "%s: expected one of %s, got %s", path, list,
				      sk_cfg_kind_name(n));
			return -EINVAL;
		}
		s = n->scalar;
		for (int i = 0; p->enum_values && p->enum_values[i]; i++) {
			if (strcmp(s, p->enum_values[i]) == 0) {
				*(int *)dst = i;
				return 0;
			}
		}
		if (p->flags & SK_PARAM_SECRET) {
			sk_cfg_errpos(err, errlen, n,
				      "%s: expected one of %s (value not shown: secret)", path,
				      list);
		} else {
			sk_cfg_errpos(err, errlen, n, "%s: expected one of %s, got '%.60s'", path,
				      list, s);
		}
		return -EINVAL;
	}
	case SK_PARAM_STRLIST:
		rc = fill_strlist(n, path, dst, err, errlen);
		break;
	case SK_PARAM_STRMAP:
		rc = fill_strmap(n, path, dst, err, errlen);
		break;
	default:
		sk_cfg_errpos(err, errlen, n, "%s: parameter table has unknown type %u", path,
			      p->type);
		return -EINVAL;
	}
	if (rc == -ENOMEM) {
		sk_cfg_errpos(err, errlen, n, "%s: out of memory", path);
	} else if (rc < 0 && (p->flags & SK_PARAM_SECRET) && n->kind == SK_CFG_SCALAR) {
		/* the conversion message may quote the value: replace it */
		sk_cfg_errpos(err, errlen, n, "%s: expected %s (value not shown: secret)", path,
			      type_word(p));
	}
	return rc;
}

static int set_default(const struct sk_param *p, const char *path, void *out, char *err,
		       size_t errlen)
{
	struct sk_cfg_node *n = NULL;
	int rc = 0;

	if (p->def[0] == '\0') {
		/* "" is the empty string (or list, or map) */
		switch (p->type) {
		case SK_PARAM_STR:
			rc = set_str(member(out, p), "");
			if (rc < 0) {
				sk_cfg_errpos(err, errlen, NULL, "%s: out of memory", path);
			}
			return rc;
		case SK_PARAM_STRLIST:
		case SK_PARAM_STRMAP:
			return 0;
		default:
			break;
		}
	}
	rc = sk_cfg_parse_string("<default>", p->def, strlen(p->def), &n, err, errlen);
	if (rc < 0) {
		return rc;
	}
	if (p->type == SK_PARAM_STR && n->kind == SK_CFG_SCALAR) {
		rc = set_str(member(out, p), n->scalar);
		if (rc < 0) {
			sk_cfg_errpos(err, errlen, NULL, "%s: out of memory", path);
		}
	} else {
		rc = set_value(p, n, path, out, err, errlen);
	}
	sk_cfg_free(n);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "unknown key (valid keys: a, b, c)" at the key. */
static void unknown_key(const struct sk_param *params, const char *const *skip,
			const struct sk_cfg_node *key_node, const char *path, char *err,
			size_t errlen)
{
	size_t np = count_params(params), ns = 0;
	while (skip && skip[ns]) {
		ns++;
	}
	const char **names = calloc(np + ns + 1, sizeof(char *));
	if (!names) {
		sk_cfg_errpos(err, errlen, key_node, "%s: unknown key", path);
		return;
	}
	for (size_t i = 0; i < np; i++) {
		names[i] = params[i].name;
	}
	for (size_t i = 0; i < ns; i++) {
		names[np + i] = skip[i];
	}
	size_t n = np + ns;
	qsort(names, n, sizeof(char *), cmp_str);

	char list[2048];
	size_t off = 0;
	list[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(names[i], names[i - 1]) == 0) {
			continue;
		}
		int w = snprintf(list + off, sizeof(list) - off, "%s%s", off ? ", " : "", names[i]);
		if (w < 0 || (size_t)w >= sizeof(list) - off) {
			break;
		}
		off += (size_t)w;
	}
	if (n == 0) {
		sk_cfg_errpos(err, errlen, key_node, "%s: unknown key (no keys are valid here)",
			      path);
	} else {
		sk_cfg_errpos(err, errlen, key_node, "%s: unknown key (valid keys: %s)", path,
			      list);
	}
	free(names);
}

static bool in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list && list[i]; i++) {
		if (strcmp(list[i], s) == 0) {
			return true;
		}
	}
	return false;
}

int sk_schema_fill_at(const struct sk_param *params, const struct sk_cfg_node *section,
		      const struct sk_cfg_node *where, const char *prefix, const char *const *skip,
		      void *out, char *err, size_t errlen)
{
	size_t np = count_params(params);
	bool *seen = NULL;
	char path[KEYPATH_MAX];
	int rc = 0;

	if (section && section->kind == SK_CFG_SCALAR && section->is_null) {
		section = NULL;
	}
	if (!where) {
		where = section;
	}
	if (section && section->kind != SK_CFG_MAP) {
		char buf[80];
		const char *what = sk_cfg_kind_name(section);
		if (section->kind == SK_CFG_SCALAR) {
			snprintf(buf, sizeof(buf), "'%.60s'", section->scalar);
			what = buf;
		}
		sk_cfg_errpos(err, errlen, section, "%s: expected a map, got %s",
			      prefix && *prefix ? prefix : "(top level)", what);
		return -EINVAL;
	}
	seen = calloc(np + 1, sizeof(bool));
	if (!seen) {
		sk_cfg_errpos(err, errlen, section, "out of memory");
		return -ENOMEM;
	}

	/* keys present, in file order */
	for (size_t i = 0; section && i < section->n; i++) {
		const char *key = section->keys[i];
		keypath(path, sizeof(path), prefix, key);
		if (in_list(skip, key)) {
			continue;
		}
		size_t k = 0;
		while (k < np && strcmp(params[k].name, key) != 0) {
			k++;
		}
		if (k == np) {
			unknown_key(params, skip, section->key_nodes[i], path, err, errlen);
			rc = -EINVAL;
			goto out;
		}
		const struct sk_cfg_node *v = section->items[i];
		if (v->kind == SK_CFG_SCALAR && v->is_null) {
			continue; /* `key:` with nothing: as if absent */
		}
		rc = set_value(&params[k], v, path, out, err, errlen);
		if (rc < 0) {
			goto out;
		}
		seen[k] = true;
	}

	/* keys absent: required or default */
	for (size_t k = 0; k < np; k++) {
		const struct sk_param *p = &params[k];
		if (seen[k]) {
			continue;
		}
		if (p->flags & SK_PARAM_REQUIRED) {
			sk_cfg_errpos(err, errlen, where, "%s: missing required key '%s'",
				      prefix && *prefix ? prefix : "(top level)", p->name);
			rc = -EINVAL;
			goto out;
		}
		if (p->def) {
			keypath(path, sizeof(path), prefix, p->name);
			rc = set_default(p, path, out, err, errlen);
			if (rc < 0) {
				goto out;
			}
		}
	}
out:
	free(seen);
	if (rc < 0) {
		sk_schema_free(params, out);
	}
	return rc;
}

int sk_schema_fill(const struct sk_param *params, const struct sk_cfg_node *section,
		   const char *prefix, const char *const *skip, void *out, char *err, size_t errlen)
{
	return sk_schema_fill_at(params, section, NULL, prefix, skip, out, err, errlen);
}

/* ---- description ---------------------------------------------------------- */

static void type_text(const struct sk_param *p, char *buf, size_t len)
{
	static const char *const names[] = {
	    [SK_PARAM_STR] = "string",
	    [SK_PARAM_BOOL] = "bool",
	    [SK_PARAM_INT] = "int",
	    [SK_PARAM_UINT] = "uint",
	    [SK_PARAM_DURATION] = "duration",
	    [SK_PARAM_SIZE] = "size",
	    [SK_PARAM_ENUM] = "enum",
	    [SK_PARAM_STRLIST] = "list of strings",
	    [SK_PARAM_STRMAP] = "map of strings",
	};
	const char *name =
	    p->type < sizeof(names) / sizeof(names[0]) && names[p->type] ? names[p->type] : "?";
	if (p->type == SK_PARAM_ENUM) {
		char list[256];
		size_t off = 0;
		list[0] = '\0';
		for (size_t i = 0; p->enum_values && p->enum_values[i]; i++) {
			int w = snprintf(list + off, sizeof(list) - off, "%s%s", i ? "|" : "",
					 p->enum_values[i]);
			if (w < 0 || (size_t)w >= sizeof(list) - off) {
				break;
			}
			off += (size_t)w;
		}
		snprintf(buf, len, "%s", list);
		return;
	}
	if ((p->min != 0 || p->max != 0) &&
	    (p->type == SK_PARAM_INT || p->type == SK_PARAM_UINT || p->type == SK_PARAM_DURATION ||
	     p->type == SK_PARAM_SIZE)) {
		const char *unit = p->type == SK_PARAM_DURATION ? "ms" : "";
		if (p->max == 0 && p->type != SK_PARAM_INT) {
			snprintf(buf, len, "%s >= %" PRId64 "%s", name, p->min, unit);
		} else {
			snprintf(buf, len, "%s %" PRId64 "%s..%" PRId64 "%s", name, p->min, unit,
				 p->max, unit);
		}
		return;
	}
	snprintf(buf, len, "%s", name);
}

char *sk_schema_describe(const struct sk_param *params)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		return NULL;
	}
	int wname = 4, wtype = 4, wdef = 7;
	for (const struct sk_param *p = params; p && p->name; p++) {
		char t[300];
		type_text(p, t, sizeof(t));
		int l = (int)strlen(p->name);
		wname = l > wname ? l : wname;
		l = (int)strlen(t);
		wtype = l > wtype ? l : wtype;
		if (p->def && !(p->flags & SK_PARAM_SECRET)) {
			l = (int)strlen(p->def) + (p->def[0] ? 0 : 2);
			wdef = l > wdef ? l : wdef;
		}
	}
	if (wdef < 10) {
		wdef = 10; /* "(required)" */
	}
	for (const struct sk_param *p = params; p && p->name; p++) {
		char t[300];
		const char *def = "-";
		type_text(p, t, sizeof(t));
		if (p->flags & SK_PARAM_REQUIRED) {
			def = "(required)";
		} else if (p->def && (p->flags & SK_PARAM_SECRET)) {
			def = "(hidden)";
		} else if (p->def) {
			def = p->def[0] ? p->def : "\"\"";
		}
		fprintf(f, "%-*s  %-*s  %-*s  %s%s\n", wname, p->name, wtype, t, wdef, def,
			p->desc ? p->desc : "", (p->flags & SK_PARAM_SECRET) ? " (secret)" : "");
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
