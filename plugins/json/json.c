/* plugins/json/json.c - the `json` extractor: generic fields of plugin
 * events whose payload is a JSON document (Kubernetes audit events):
 * json.value[/json/pointer], json.obj, json.rawtime.
 *
 * Falco ships the same fields in a plugin of this name, and Falco's
 * k8s_audit_rules.yaml requires it (`required_plugin_versions: json`), so
 * loading it next to k8saudit lets those files load unchanged. The version
 * below is the one of Falco's json plugin whose fields and values this
 * matches (0.7.4): a pointer may omit its leading '/', json.obj is the
 * document indented by two spaces, json.rawtime is a decimal string. The
 * jevt.* aliases of Falco's plugin come from the k8saudit plugin here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <shrike/plugin.h>

#define JSON_DEPTH 64

struct jsonx {
	json_object *root;
	uint64_t num;
	const void *rec;
	bool broken;
	char *pretty; /* json.obj of the last extraction */
	char *ptr;    /* a pointer given without its leading '/', with it */
	char text[24]; /* json.rawtime */
};

static const struct sk_field json_fields[] = {
	{.name = "json.value",
	 .type = SK_TYPE_STRING,
	 .flags = SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED,
	 .desc = "the value at a JSON pointer (RFC 6901): json.value[/user/username] (the leading "
		 "'/' may be left out); strings as their text, other values as JSON"},
	{.name = "json.obj",
	 .type = SK_TYPE_STRING,
	 .desc = "the whole event as JSON, indented by two spaces"},
	{.name = "json.rawtime",
	 .type = SK_TYPE_STRING,
	 .desc = "the event time in ns since the epoch, as a decimal string (as evt.rawtime)"},
	{.name = NULL},
};

static int jx_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	(void)in;
	*ret_inst = calloc(1, sizeof(struct jsonx));
	if (*ret_inst == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	return SK_OK;
}

static void jx_destroy(void *inst)
{
	struct jsonx *j = inst;
	if (j == NULL) {
		return;
	}
	json_object_put(j->root);
	free(j->pretty);
	free(j->ptr);
	free(j);
}

static json_object *parse(struct jsonx *j, const struct sk_event *ev)
{
	if (j->num == ev->num && j->rec == ev->rec && ev->num != 0) {
		return j->broken ? NULL : j->root;
	}
	json_object_put(j->root);
	j->root = NULL;
	j->num = ev->num;
	j->rec = ev->rec;
	j->broken = true;
	const void *data;
	uint32_t len;
	if (ev->rec->type != SK_EVT_PLUGIN || sk_evt_param(ev->rec, 1, &data, &len) != 0 ||
	    len == 0 || len > INT32_MAX) {
		return NULL;
	}
	struct json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
	if (tok == NULL) {
		return NULL;
	}
	json_object *o = json_tokener_parse_ex(tok, data, (int)len);
	/* one document and nothing after it but blanks, as Falco's parser wants */
	size_t end = json_tokener_get_parse_end(tok);
	while (end < len && strchr(" \t\r\n", ((const char *)data)[end]) != NULL) {
		end++;
	}
	if (json_tokener_get_error(tok) != json_tokener_success || end < len) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	j->root = o;
	j->broken = o == NULL;
	return o;
}

/* reserve - grow *o (capacity *cap) to hold `need` bytes, doubling; frees
 * it and returns false without memory. */
static bool reserve(char **o, size_t *cap, size_t need)
{
	if (need <= *cap) {
		return true;
	}
	char *p = realloc(*o, 2 * need);
	if (p == NULL) {
		free(*o);
		return false;
	}
	*o = p;
	*cap = 2 * need;
	return true;
}

/* newline - a line break and the indentation of `depth` at o + n; returns
 * the new length. */
static size_t newline(char *o, size_t n, size_t depth)
{
	o[n++] = '\n';
	memset(o + n, ' ', 2 * depth);
	return n + 2 * depth;
}

/* indent - `len` bytes of JSON (parse() accepted them) laid out with one member or element
 * a line, two spaces a level, "key": value, and empty {} / [] kept on one
 * line; strings are copied as written. Returns a malloc'd string. */
static char *indent(const char *s, size_t len)
{
	size_t cap = 2 * len + 64, n = 0, depth = 0;
	char *o = malloc(cap);
	if (o == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!reserve(&o, &cap, n + 2 * depth + 8)) {
			return NULL;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			continue;
		}
		if (c == '"') { /* copy the whole string, escapes included */
			size_t k = i + 1;
			while (k < len && s[k] != '"') {
				k += s[k] == '\\' ? 2 : 1;
			}
			size_t sl = (k < len ? k + 1 : len) - i;
			if (!reserve(&o, &cap, n + sl + 1)) {
				return NULL;
			}
			memcpy(o + n, s + i, sl);
			n += sl;
			i += sl - 1;
			continue;
		}
		bool open = c == '{' || c == '[', close = (c == '}' || c == ']') && depth > 0;
		if (close && !(n && (o[n - 1] == '{' || o[n - 1] == '['))) {
			depth--;
			n = newline(o, n, depth);
		} else if (close) {
			depth--;
		}
		o[n++] = c;
		if (c == ':') {
			o[n++] = ' ';
		}
		size_t k = i + 1; /* next significant byte */
		while (k < len && strchr(" \t\n\r", s[k]) != NULL) {
			k++;
		}
		bool empty = open && k < len && (s[k] == '}' || s[k] == ']');
		if (open) {
			depth++;
		}
		if ((open && !empty) || c == ',') {
			n = newline(o, n, depth);
		}
	}
	o[n] = '\0';
	return o;
}

static int jx_extract(void *inst, const struct sk_event *ev, const struct sk_field_req *req,
		      struct sk_value *ret)
{
	struct jsonx *j = inst;
	if (ev->rec->type != SK_EVT_PLUGIN) {
		return SK_NA;
	}
	if (req->field_idx == 2) {
		snprintf(j->text, sizeof(j->text), "%" PRIu64, ev->rec->ts);
		*ret = (struct sk_value){.type = SK_TYPE_STRING,
					 .str = {.ptr = j->text, .len = (uint32_t)strlen(j->text)}};
		return SK_OK;
	}
	json_object *root = parse(j, ev);
	json_object *v = root;
	if (root == NULL) {
		return SK_NA;
	}
	if (req->field_idx == 1) {
		const void *data;
		uint32_t len;
		if (sk_evt_param(ev->rec, 1, &data, &len) != 0) {
			return SK_NA;
		}
		free(j->pretty);
		j->pretty = indent(data, len);
		if (j->pretty == NULL) {
			return SK_ERR;
		}
		*ret = (struct sk_value){.type = SK_TYPE_STRING,
					 .str = {.ptr = j->pretty, .len = (uint32_t)strlen(j->pretty)}};
		return SK_OK;
	}
	if (req->field_idx != 0) {
		return SK_ERR;
	}
	const char *key = req->arg_key ? req->arg_key : "";
	if (key[0] != '/' && key[0] != '\0') { /* "user/username" reads as "/user/username" */
		size_t kl = strlen(key);
		char *p = realloc(j->ptr, kl + 2);
		if (p == NULL) {
			return SK_ERR;
		}
		j->ptr = p;
		p[0] = '/';
		memcpy(p + 1, key, kl + 1);
		key = p;
	}
	if (json_pointer_get(root, key, &v) != 0 || v == NULL) {
		return SK_NA;
	}
	size_t len = 0;
	const char *s;
	if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
	} else {
		s = json_object_to_json_string_length(
			v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	}
	if (s == NULL) {
		return SK_ERR;
	}
	*ret = (struct sk_value){.type = SK_TYPE_STRING, .str = {.ptr = s, .len = (uint32_t)len}};
	return SK_OK;
}

static const char *const json_sources[] = {"k8s_audit", NULL};

SK_PLUGIN_OPS(sk_extract_ops, jx_extract_ops, .sources = json_sources, .fields = json_fields,
	      .extract = jx_extract);
SK_PLUGIN_DEFINE(.name = "json", .version = "0.7.4",
		 .description = "json.* fields of plugin events carrying JSON (k8s_audit)",
		 .init = jx_init, .destroy = jx_destroy, .extract = &jx_extract_ops);
