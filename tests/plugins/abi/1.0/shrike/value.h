/* include/shrike/value.h - typed values and field descriptors.
 *
 * Extractor plugins describe the fields they provide with struct sk_field and
 * return values as struct sk_value. Values never own memory: string, byte and
 * list data point into memory the plugin owns (see the ownership rules in
 * plugin.h), so extraction allocates nothing per field.
 */
#ifndef SK_SHRIKE_VALUE_H
#define SK_SHRIKE_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Types of values. Numbering is part of the ABI: append only. */
enum sk_type {
	SK_TYPE_NONE = 0,    /* no value (NA); never the declared type of a field */
	SK_TYPE_U64 = 1,     /* unsigned integer: u64 */
	SK_TYPE_I64 = 2,     /* signed integer: i64 */
	SK_TYPE_BOOL = 3,    /* boolean: b */
	SK_TYPE_STRING = 4,  /* text: str.ptr/str.len, NUL-terminated */
	SK_TYPE_BYTES = 5,   /* raw bytes: str.ptr/str.len, not terminated */
	SK_TYPE_IPADDR = 6,  /* IPv4 or IPv6 address: ip */
	SK_TYPE_IPNET = 7,   /* network, address plus prefix length: ip */
	SK_TYPE_ABSTIME = 8, /* absolute time, ns since the Unix epoch: u64 */
	SK_TYPE_RELTIME = 9, /* duration in ns: u64 */
	SK_TYPE_PORT = 10,   /* TCP/UDP port: u64 (0..65535) */
	SK_TYPE_LIST = 11,   /* list of values: list.items/list.n */
};

/* An IP address or network. family is 4 or 6; for IPv4 the address sits in
 * addr[0..3], network byte order. prefix is the network prefix length
 * (32/128 for a plain address). */
struct sk_ip {
	uint8_t family;
	uint8_t prefix;
	uint8_t addr[16];
};

struct sk_value;

/* Text or bytes inside a value (member `str` of struct sk_value). */
struct sk_value_str {
	const char *ptr; /* borrowed; NUL-terminated for STRING */
	uint32_t len;	 /* bytes, terminator excluded */
};

/* A list inside a value (member `list` of struct sk_value). */
struct sk_value_list {
	const struct sk_value *items; /* borrowed; n elements */
	uint32_t n;
};

/* A typed value. `type` says which member is valid.
 * Ownership: str.ptr and list.items are borrowed from whoever filled the value
 * (for extraction: the plugin, valid until its next extract() on the same
 * instance, or close/destroy). The member types are named outside the union
 * because C++ does not allow types declared inside an anonymous union. */
struct sk_value {
	uint32_t type; /* enum sk_type */
	uint32_t reserved;
	union {
		uint64_t u64;
		int64_t i64;
		bool b;
		struct sk_value_str str;
		struct sk_ip ip;
		struct sk_value_list list;
	};
};

/* Field flags */
#define SK_FIELD_LIST (1u << 0)	     /* returns SK_TYPE_LIST whose items are `type` */
#define SK_FIELD_ARG_REQUIRED (1u << 1) /* must be written with an argument: f[arg] */
#define SK_FIELD_ARG_INDEX (1u << 2)    /* accepts a numeric argument: proc.aname[2] */
#define SK_FIELD_ARG_KEY (1u << 3)      /* accepts a text argument: proc.env[HOME] */
#define SK_FIELD_HIDDEN (1u << 4)       /* not shown by --list */
#define SK_FIELD_INFO (1u << 5)	     /* for outputs only, not meant for conditions */
/* Kept so that rules written for Falco load: Falco deprecated the field and
 * it usually gives no value (say so in its description). The host warns
 * once when a rule uses it. */
#define SK_FIELD_DEPRECATED (1u << 6)

/* A field an extractor provides. Tables of these end with an entry whose
 * name is NULL. */
struct sk_field {
	const char *name;    /* "proc.name": [A-Za-z0-9_.]+, static */
	uint32_t type;	     /* enum sk_type of the value (of each item with SK_FIELD_LIST) */
	uint32_t flags;	     /* SK_FIELD_* */
	const char *display; /* short human name for --list, may be NULL; static */
	const char *desc;    /* one-line description; static */
};

/* One extraction request, prepared once by the host when a rule is compiled.
 * arg_key is the raw text between the brackets of `field[arg]` (NULL when the
 * field was written without one); arg_index is that text parsed as a decimal
 * number when it is one (and has_index is then true). Borrowed: valid during
 * the call. */
struct sk_field_req {
	uint32_t field_idx; /* index into the plugin's fields table */
	uint32_t has_index; /* nonzero: arg_index is valid */
	uint64_t arg_index;
	const char *arg_key;
};

#ifdef __cplusplus
}
#endif

#endif /* SK_SHRIKE_VALUE_H */
