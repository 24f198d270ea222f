/* core/cfg_convert.c - a node's scalar as a typed value for the schema
 * (schema.c): booleans, integers with bounds, strings, durations and sizes
 * with units; and a whole tree as JSON (a plugin's init_config). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <yaml.h>

#include "cfg.h"
#include "cfg_priv.h"

/* ---- scalar conversions -------------------------------------------------- */

/* The text of a non-empty scalar, or NULL with an error naming `what`. */
static const char *scalar_or_err(const struct sk_cfg_node *n, const char *keypath, const char *what,
				 char *err, size_t errlen)
{
	if (n && n->kind == SK_CFG_SCALAR && !n->is_null) {
		return n->scalar;
	}
	char buf[QUOTE_MAX + 8];
	cfg_conv_err(err, errlen, n, keypath, "expected %s, got %s", what,
		     cfg_got(n, buf, sizeof(buf)));
	return NULL;
}

int sk_cfg_as_bool(const struct sk_cfg_node *n, const char *keypath, bool *ret, char *err,
		   size_t errlen)
{
	static const char *const yes[] = {"true", "yes", "on"};
	static const char *const no[] = {"false", "no", "off"};
	const char *what = "a boolean (true or false)";
	const char *s = scalar_or_err(n, keypath, what, err, errlen);
	if (!s) {
		return -EINVAL;
	}
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	char buf[QUOTE_MAX + 8];
	cfg_conv_err(err, errlen, n, keypath, "expected %s, got %s", what,
		     cfg_got(n, buf, sizeof(buf)));
	return -EINVAL;
}

/* Parse an integer: optional sign, then decimal, 0x hex or 0o octal digits.
 * Returns 0, -EINVAL (not a number) or -ERANGE (does not fit 64 bits). */
static int parse_integer(const char *s, bool *ret_neg, uint64_t *ret_mag)
{
	bool neg = false;
	int base = 10;
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] == 'o') {
		base = 8;
		s += 2;
	}
	if (*s == '\0') {
		return -EINVAL;
	}
	uint64_t v = 0;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9') {
			d = (unsigned)(*s - '0');
		} else if (*s >= 'a' && *s <= 'f') {
			d = (unsigned)(*s - 'a' + 10);
		} else if (*s >= 'A' && *s <= 'F') {
			d = (unsigned)(*s - 'A' + 10);
		} else {
			return -EINVAL;
		}
		if (d >= (unsigned)base) {
			return -EINVAL;
		}
		if (v > (UINT64_MAX - d) / (uint64_t)base) {
			return -ERANGE;
		}
		v = v * (uint64_t)base + d;
	}
	*ret_neg = neg;
	*ret_mag = v;
	return 0;
}

int sk_cfg_as_int(const struct sk_cfg_node *n, const char *keypath, int64_t min, int64_t max,
		  int64_t *ret, char *err, size_t errlen)
{
	const char *what = "an integer";
	const char *s = scalar_or_err(n, keypath, what, err, errlen);
	char buf[QUOTE_MAX + 8];
	bool neg = false;
	uint64_t mag = 0;
	if (!s) {
		return -EINVAL;
	}
	if (min == 0 && max == 0) {
		min = INT64_MIN;
		max = INT64_MAX;
	}
	int rc = parse_integer(s, &neg, &mag);
	if (rc == -EINVAL) {
		cfg_conv_err(err, errlen, n, keypath, "expected %s, got %s", what,
			     cfg_got(n, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (rc == -ERANGE || (!neg && mag > (uint64_t)INT64_MAX) ||
	    (neg && mag > (uint64_t)INT64_MAX + 1)) {
		cfg_conv_err(err, errlen, n, keypath,
			     "%s is out of range (%" PRId64 "..%" PRId64 ")",
			     cfg_got(n, buf, sizeof(buf)), min, max);
		return -EINVAL;
	}
	int64_t v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	if (v < min || v > max) {
		cfg_conv_err(err, errlen, n, keypath,
			     "%" PRId64 " is out of range (%" PRId64 "..%" PRId64 ")", v, min, max);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

int sk_cfg_as_uint(const struct sk_cfg_node *n, const char *keypath, uint64_t min, uint64_t max,
		   uint64_t *ret, char *err, size_t errlen)
{
	const char *what = "a non-negative integer";
	const char *s = scalar_or_err(n, keypath, what, err, errlen);
	char buf[QUOTE_MAX + 8];
	bool neg = false;
	uint64_t v = 0;
	if (!s) {
		return -EINVAL;
	}
	if (min == 0 && max == 0) {
		max = UINT64_MAX;
	}
	int rc = parse_integer(s, &neg, &v);
	if (rc == -EINVAL || (neg && v != 0)) {
		cfg_conv_err(err, errlen, n, keypath, "expected %s, got %s", what,
			     cfg_got(n, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (rc == -ERANGE) {
		cfg_conv_err(err, errlen, n, keypath,
			     "%s is out of range (%" PRIu64 "..%" PRIu64 ")",
			     cfg_got(n, buf, sizeof(buf)), min, max);
		return -EINVAL;
	}
	if (v < min || v > max) {
		cfg_conv_err(err, errlen, n, keypath,
			     "%" PRIu64 " is out of range (%" PRIu64 "..%" PRIu64 ")", v, min, max);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

int sk_cfg_as_str(const struct sk_cfg_node *n, const char *keypath, const char **ret, char *err,
		  size_t errlen)
{
	const char *s = scalar_or_err(n, keypath, "a string", err, errlen);
	if (!s) {
		return -EINVAL;
	}
	*ret = s;
	return 0;
}

struct unit {
	const char *name;
	uint64_t mult;
};

/* Parse "NUMBER[UNIT]" with a unit from `units` (compared case-sensitively
 * when `exact_case`, else not). Returns 0 or -EINVAL. */
static int parse_with_unit(const char *s, const struct unit *units, bool exact_case, uint64_t *ret)
{
	const char *p = s;
	uint64_t v = 0;
	if (*p < '0' || *p > '9') {
		return -EINVAL;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10) {
			return -ERANGE;
		}
		v = v * 10 + (uint64_t)(*p - '0');
	}
	for (const struct unit *u = units; u->name; u++) {
		if (exact_case ? strcmp(p, u->name) == 0 : strcasecmp(p, u->name) == 0) {
			if (u->mult && v > UINT64_MAX / u->mult) {
				return -ERANGE;
			}
			*ret = v * u->mult;
			return 0;
		}
	}
	return -EINVAL;
}

/* as_unit - a number with one of `units` after it (see parse_with_unit);
 * `what` names the expected form, `too_big` ends the overflow message. */
static int as_unit(const struct sk_cfg_node *n, const char *keypath, const struct unit *units,
		   bool exact_case, const char *what, const char *too_big, uint64_t *ret, char *err,
		   size_t errlen)
{
	const char *s = scalar_or_err(n, keypath, what, err, errlen);
	char buf[QUOTE_MAX + 8];
	if (!s) {
		return -EINVAL;
	}
	int rc = parse_with_unit(s, units, exact_case, ret);
	if (rc == -ERANGE) {
		cfg_conv_err(err, errlen, n, keypath, "%s is %s", cfg_got(n, buf, sizeof(buf)),
			     too_big);
		return -EINVAL;
	}
	if (rc < 0) {
		cfg_conv_err(err, errlen, n, keypath, "expected %s, got %s", what,
			     cfg_got(n, buf, sizeof(buf)));
		return -EINVAL;
	}
	return 0;
}

int sk_cfg_as_duration_ms(const struct sk_cfg_node *n, const char *keypath, uint64_t *ret,
			  char *err, size_t errlen)
{
	static const struct unit units[] = {
	    {"", 1},	      {"ms", 1},	  {"s", 1000},
	    {"m", 60 * 1000}, {"h", 3600 * 1000}, {"d", 86400 * 1000},
	    {NULL, 0},
	};
	return as_unit(n, keypath, units, true, "a duration (e.g. 250ms, 5s, 2m, 1h)",
		       "too long a duration", ret, err, errlen);
}

int sk_cfg_as_size(const struct sk_cfg_node *n, const char *keypath, uint64_t *ret, char *err,
		   size_t errlen)
{
	static const struct unit units[] = {
	    {"", 1},
	    {"b", 1},
	    {"k", 1ull << 10},
	    {"kb", 1ull << 10},
	    {"kib", 1ull << 10},
	    {"m", 1ull << 20},
	    {"mb", 1ull << 20},
	    {"mib", 1ull << 20},
	    {"g", 1ull << 30},
	    {"gb", 1ull << 30},
	    {"gib", 1ull << 30},
	    {"t", 1ull << 40},
	    {"tb", 1ull << 40},
	    {"tib", 1ull << 40},
	    {NULL, 0},
	};
	return as_unit(n, keypath, units, false, "a size (e.g. 4096, 64k, 8M, 1G)",
		       "too large a size", ret, err, errlen);
}

/* ---- JSON ---------------------------------------------------------------- */

/* A YAML 1.2 core-schema float written the JSON way too? */
static bool is_float_text(const char *s, bool *ret_json_ok)
{
	const char *p = s;
	bool json_ok = true;
	bool digits = false;
	if (*p == '-' || *p == '+') {
		json_ok = *p == '-';
		p++;
	}
	if (*p == '.') {
		json_ok = false;
	}
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9') {
		json_ok = false; /* leading zero */
	}
	while (*p >= '0' && *p <= '9') {
		p++;
		digits = true;
	}
	if (*p == '.') {
		p++;
		bool frac = false;
		while (*p >= '0' && *p <= '9') {
			p++;
			frac = true;
		}
		if (!frac) {
			json_ok = false;
		}
		digits = digits || frac;
	}
	if (!digits) {
		return false;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+') {
			p++;
		}
		if (*p < '0' || *p > '9') {
			return false;
		}
		while (*p >= '0' && *p <= '9') {
			p++;
		}
	}
	*ret_json_ok = json_ok;
	return *p == '\0';
}

static json_object *scalar_to_json(const struct sk_cfg_node *n)
{
	const char *s = n->scalar;
	if (n->quoted) {
		return json_object_new_string(s);
	}
	if (n->is_null) {
		return NULL; /* json null */
	}
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0) {
		return json_object_new_boolean(1);
	}
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0) {
		return json_object_new_boolean(0);
	}
	bool neg = false;
	uint64_t mag = 0;
	if (parse_integer(s, &neg, &mag) == 0) {
		if (!neg && mag > (uint64_t)INT64_MAX) {
			return json_object_new_uint64(mag);
		}
		if (!neg) {
			return json_object_new_int64((int64_t)mag);
		}
		if (mag <= (uint64_t)INT64_MAX + 1) {
			return json_object_new_int64((int64_t)(0 - mag));
		}
	}
	bool json_ok = false;
	if (is_float_text(s, &json_ok)) {
		double d = strtod(s, NULL);
		return json_ok ? json_object_new_double_s(d, s) : json_object_new_double(d);
	}
	return json_object_new_string(s);
}

/* Build the JSON value of `n` into *ret (NULL is JSON null). */
static int node_to_json(const struct sk_cfg_node *n, json_object **ret)
{
	json_object *obj = NULL;
	switch (n->kind) {
	case SK_CFG_SCALAR:
		obj = scalar_to_json(n);
		if (!obj && !n->is_null) {
			return -ENOMEM;
		}
		break;
	case SK_CFG_SEQ:
		obj = json_object_new_array_ext((int)n->n);
		if (!obj) {
			return -ENOMEM;
		}
		for (size_t i = 0; i < n->n; i++) {
			json_object *item = NULL;
			if (node_to_json(n->items[i], &item) < 0 ||
			    json_object_array_add(obj, item) < 0) {
				json_object_put(item);
				json_object_put(obj);
				return -ENOMEM;
			}
		}
		break;
	case SK_CFG_MAP:
		obj = json_object_new_object();
		if (!obj) {
			return -ENOMEM;
		}
		for (size_t i = 0; i < n->n; i++) {
			json_object *item = NULL;
			if (node_to_json(n->items[i], &item) < 0 ||
			    json_object_object_add(obj, n->keys[i], item) < 0) {
				json_object_put(item);
				json_object_put(obj);
				return -ENOMEM;
			}
		}
		break;
	}
	*ret = obj;
	return 0;
}

char *sk_cfg_to_json(const struct sk_cfg_node *n)
{
	json_object *obj = NULL;
	char *ret = NULL;
	if (!n) {
		return strdup("null");
	}
	if (node_to_json(n, &obj) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE);
	ret = text ? strdup(text) : NULL;
	json_object_put(obj);
	if (!ret) {
		errno = ENOMEM;
	}
	return ret;
}
