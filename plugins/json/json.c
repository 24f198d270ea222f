/* plugins/json/json.c - the `json` extractor: generic fields of plugin
 * events whose payload is a JSON document (Kubernetes audit events):
 * json.value[/json/pointer], json.obj, json.net (none), json.rawtime.
 *
 * Falco ships the same fields in a plugin of this name, and Falco's
 * k8s_audit_rules.yaml requires it (`required_plugin_versions: json`), so
 * loading it next to k8saudit lets those files load unchanged.
 */
#include <errno.h>
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
};

static const struct sk_field json_fields[] = {
	{.name = "json.value",
	 .type = SK_TYPE_STRING,
	 .flags = SK_FIELD_ARG_KEY | SK_FIELD_ARG_REQUIRED,
	 .desc = "the value at a JSON pointer (RFC 6901): json.value[/user/username]"},
	{.name = "json.obj", .type = SK_TYPE_STRING, .desc = "the whole event as JSON"},
	{.name = "json.rawtime", .type = SK_TYPE_U64, .desc = "the event time in ns since the epoch"},
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
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	j->root = o;
	j->broken = o == NULL;
	return o;
}

static int jx_extract(void *inst, const struct sk_event *ev, const struct sk_field_req *req,
		      struct sk_value *ret)
{
	struct jsonx *j = inst;
	if (req->field_idx == 2) {
		if (ev->rec->type != SK_EVT_PLUGIN) {
			return SK_NA;
		}
		*ret = (struct sk_value){.type = SK_TYPE_U64, .u64 = ev->rec->ts};
		return SK_OK;
	}
	json_object *root = parse(j, ev);
	json_object *v = root;
	if (root == NULL) {
		return SK_NA;
	}
	if (req->field_idx == 0) {
		const char *ptr = req->arg_key ? req->arg_key : "";
		if ((ptr[0] != '/' && ptr[0] != '\0') || json_pointer_get(root, ptr, &v) != 0 ||
		    v == NULL) {
			return SK_NA;
		}
	} else if (req->field_idx != 1) {
		return SK_ERR;
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

SK_PLUGIN_DEFINE(.caps = SK_CAP_EXTRACT, .name = "json", .version = "1.0.0",
		 .description = "json.* fields of plugin events carrying JSON (k8s_audit)",
		 .init = jx_init, .destroy = jx_destroy, .sources = json_sources,
		 .fields = json_fields, .extract = jx_extract);
