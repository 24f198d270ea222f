/* tests/plugins/abi/layout.c - print the ABI 1.0 layout: the size of every
 * struct of the plugin ABI, the offset of every member 1.0 has, and the
 * value of every constant. Built twice, against the frozen copy of the 1.0
 * headers (tests/plugins/abi/1.0/) and against include/shrike/;
 * tests/plugins/abi/layout_test.sh compares the two outputs. A member
 * removed or renamed since 1.0 fails the build, one moved or resized fails
 * the comparison. Sizes may grow in a minor (members appended), so they are
 * printed apart and compared as "at least".
 */
#include <stddef.h>
#include <stdio.h>

#include <shrike/plugin.h>

#define OFF(s, m)                                                                                  \
	printf("offset %s.%s %zu %zu\n", #s, #m, offsetof(struct s, m), sizeof(((struct s *)0)->m))
#define SIZE(s)	 printf("size %s %zu\n", #s, sizeof(struct s))
#define CONST(c) printf("const %s %lld\n", #c, (long long)(c))

static void plugin_tables(void)
{
	SIZE(sk_plugin);
	OFF(sk_plugin, abi_major);
	OFF(sk_plugin, abi_minor);
	OFF(sk_plugin, struct_size);
	OFF(sk_plugin, flags);
	OFF(sk_plugin, name);
	OFF(sk_plugin, version);
	OFF(sk_plugin, description);
	OFF(sk_plugin, contact);
	OFF(sk_plugin, params);
	OFF(sk_plugin, config_size);
	OFF(sk_plugin, init);
	OFF(sk_plugin, destroy);
	OFF(sk_plugin, last_error);
	OFF(sk_plugin, metrics);
	OFF(sk_plugin, source);
	OFF(sk_plugin, extract);
	OFF(sk_plugin, parse);
	OFF(sk_plugin, output);
	SIZE(sk_source_ops);
	OFF(sk_source_ops, struct_size);
	OFF(sk_source_ops, reserved);
	OFF(sk_source_ops, event_source);
	OFF(sk_source_ops, open);
	OFF(sk_source_ops, next_batch);
	OFF(sk_source_ops, close);
	OFF(sk_source_ops, stats);
	OFF(sk_source_ops, set_event_types);
	SIZE(sk_extract_ops);
	OFF(sk_extract_ops, struct_size);
	OFF(sk_extract_ops, reserved);
	OFF(sk_extract_ops, sources);
	OFF(sk_extract_ops, fields);
	OFF(sk_extract_ops, extract);
	OFF(sk_extract_ops, event_names);
	OFF(sk_extract_ops, field_constants);
	SIZE(sk_parse_ops);
	OFF(sk_parse_ops, struct_size);
	OFF(sk_parse_ops, reserved);
	OFF(sk_parse_ops, sources);
	OFF(sk_parse_ops, parse);
	OFF(sk_parse_ops, snapshot);
	SIZE(sk_output_ops);
	OFF(sk_output_ops, struct_size);
	OFF(sk_output_ops, reserved);
	OFF(sk_output_ops, write);
	OFF(sk_output_ops, flush);
	OFF(sk_output_ops, reopen);
	OFF(sk_output_ops, late_failures);
}

static void host_tables(void)
{
	SIZE(sk_host_api);
	OFF(sk_host_api, struct_size);
	OFF(sk_host_api, abi_minor);
	OFF(sk_host_api, log);
	OFF(sk_host_api, hostname);
	OFF(sk_host_api, save_state);
	SIZE(sk_init_input);
	OFF(sk_init_input, struct_size);
	OFF(sk_init_input, reserved);
	OFF(sk_init_input, api);
	OFF(sk_init_input, host);
	OFF(sk_init_input, config);
	OFF(sk_init_input, config_json);
	OFF(sk_init_input, instance_name);
	SIZE(sk_param);
	OFF(sk_param, name);
	OFF(sk_param, type);
	OFF(sk_param, flags);
	OFF(sk_param, def);
	OFF(sk_param, offset);
	OFF(sk_param, enum_values);
	OFF(sk_param, min);
	OFF(sk_param, max);
	OFF(sk_param, desc);
	SIZE(sk_strlist);
	OFF(sk_strlist, items);
	OFF(sk_strlist, n);
	SIZE(sk_strmap);
	OFF(sk_strmap, keys);
	OFF(sk_strmap, values);
	OFF(sk_strmap, n);
	SIZE(sk_source_stats);
	OFF(sk_source_stats, events);
	OFF(sk_source_stats, drops);
	OFF(sk_source_stats, reserved);
	SIZE(sk_metric);
	OFF(sk_metric, name);
	OFF(sk_metric, value);
	SIZE(sk_evt_name);
	OFF(sk_evt_name, name);
	OFF(sk_evt_name, type);
	SIZE(sk_event);
	OFF(sk_event, rec);
	OFF(sk_event, num);
	OFF(sk_event, source);
}

static void value_tables(void)
{
	SIZE(sk_ip);
	OFF(sk_ip, family);
	OFF(sk_ip, prefix);
	OFF(sk_ip, addr);
	SIZE(sk_value_str);
	OFF(sk_value_str, ptr);
	OFF(sk_value_str, len);
	SIZE(sk_value_list);
	OFF(sk_value_list, items);
	OFF(sk_value_list, n);
	SIZE(sk_value);
	OFF(sk_value, type);
	OFF(sk_value, reserved);
	OFF(sk_value, u64);
	OFF(sk_value, i64);
	OFF(sk_value, b);
	OFF(sk_value, str);
	OFF(sk_value, ip);
	OFF(sk_value, list);
	SIZE(sk_field);
	OFF(sk_field, name);
	OFF(sk_field, type);
	OFF(sk_field, flags);
	OFF(sk_field, display);
	OFF(sk_field, desc);
	SIZE(sk_field_req);
	OFF(sk_field_req, field_idx);
	OFF(sk_field_req, has_index);
	OFF(sk_field_req, arg_index);
	OFF(sk_field_req, arg_key);
	SIZE(sk_alert_field);
	OFF(sk_alert_field, name);
	OFF(sk_alert_field, value);
	SIZE(sk_alert);
	OFF(sk_alert, struct_size);
	OFF(sk_alert, priority);
	OFF(sk_alert, time_ns);
	OFF(sk_alert, rule);
	OFF(sk_alert, source);
	OFF(sk_alert, hostname);
	OFF(sk_alert, message);
	OFF(sk_alert, uuid);
	OFF(sk_alert, tags);
	OFF(sk_alert, ntags);
	OFF(sk_alert, nfields);
	OFF(sk_alert, fields);
	OFF(sk_alert, json);
	OFF(sk_alert, json_len);
	OFF(sk_alert, text_len);
	OFF(sk_alert, text);
	OFF(sk_alert, line);
	OFF(sk_alert, line_len);
	OFF(sk_alert, reserved);
	SIZE(sk_evt_hdr);
	OFF(sk_evt_hdr, ts);
	OFF(sk_evt_hdr, tid);
	OFF(sk_evt_hdr, len);
	OFF(sk_evt_hdr, type);
	OFF(sk_evt_hdr, nparams);
	OFF(sk_evt_hdr, flags);
}

static void constants(void)
{
	CONST(SK_PLUGIN_ABI_MAJOR);
	CONST(SK_OK);
	CONST(SK_RETRY);
	CONST(SK_EOF);
	CONST(SK_NA);
	CONST(SK_ERR);
	CONST(SK_LOG_ERROR);
	CONST(SK_LOG_WARNING);
	CONST(SK_LOG_NOTICE);
	CONST(SK_LOG_INFO);
	CONST(SK_LOG_DEBUG);
	CONST(SK_PARAM_STR);
	CONST(SK_PARAM_BOOL);
	CONST(SK_PARAM_INT);
	CONST(SK_PARAM_UINT);
	CONST(SK_PARAM_DURATION);
	CONST(SK_PARAM_SIZE);
	CONST(SK_PARAM_ENUM);
	CONST(SK_PARAM_STRLIST);
	CONST(SK_PARAM_STRMAP);
	CONST(SK_PARAM_REQUIRED);
	CONST(SK_PARAM_SECRET);
	CONST(SK_TYPE_NONE);
	CONST(SK_TYPE_U64);
	CONST(SK_TYPE_I64);
	CONST(SK_TYPE_BOOL);
	CONST(SK_TYPE_STRING);
	CONST(SK_TYPE_BYTES);
	CONST(SK_TYPE_IPADDR);
	CONST(SK_TYPE_IPNET);
	CONST(SK_TYPE_ABSTIME);
	CONST(SK_TYPE_RELTIME);
	CONST(SK_TYPE_PORT);
	CONST(SK_TYPE_LIST);
	CONST(SK_FIELD_LIST);
	CONST(SK_FIELD_ARG_REQUIRED);
	CONST(SK_FIELD_ARG_INDEX);
	CONST(SK_FIELD_ARG_KEY);
	CONST(SK_FIELD_HIDDEN);
	CONST(SK_FIELD_INFO);
	CONST(SK_FIELD_DEPRECATED);
	CONST(SK_PRI_EMERGENCY);
	CONST(SK_PRI_ALERT);
	CONST(SK_PRI_CRITICAL);
	CONST(SK_PRI_ERROR);
	CONST(SK_PRI_WARNING);
	CONST(SK_PRI_NOTICE);
	CONST(SK_PRI_INFORMATIONAL);
	CONST(SK_PRI_DEBUG);
	CONST(SK_EVT_HDR_SIZE);
	CONST(SK_EVT_MAX_PARAMS);
	CONST(SK_EVT_MAX_LEN);
	CONST(SK_EVT_F_LARGE);
	CONST(SK_EVT_NONE);
	CONST(SK_EVT_PLUGIN);
	CONST(SK_EVT_DROP);
	CONST(SK_EVT_STATE);
	CONST(SK_EVT_SYSCALL_BASE);
	CONST(SK_PLUGIN_V1_0_SIZE);
	CONST(SK_SOURCE_OPS_V1_0_SIZE);
	CONST(SK_EXTRACT_OPS_V1_0_SIZE);
	CONST(SK_PARSE_OPS_V1_0_SIZE);
	CONST(SK_OUTPUT_OPS_V1_0_SIZE);
	printf("string entry %s\n", SHRIKE_PLUGIN_ENTRY);
}

int main(void)
{
	plugin_tables();
	host_tables();
	value_tables();
	constants();
	return 0;
}
