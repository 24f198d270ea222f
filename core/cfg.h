/* core/cfg.h - YAML documents as a tree of nodes that remember where they
 * came from (file:line:col), for configuration and rule files alike.
 *
 * libyaml parses; this module keeps a small generic tree (like collectd's
 * oconfig_item_t) so every later error can point at the source.
 */
#ifndef SK_CORE_CFG_H
#define SK_CORE_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sk_cfg_kind {
	SK_CFG_SCALAR = 1,
	SK_CFG_MAP = 2,
	SK_CFG_SEQ = 3,
};

struct sk_cfg_node {
	enum sk_cfg_kind kind;
	const char *file; /* file name (or "-o", "<string>"); interned for the life
			   * of the process, so nodes of different files mix */
	unsigned line;	  /* 1-based */
	unsigned col;	  /* 1-based */
	/* SK_CFG_SCALAR */
	char *scalar; /* value text, NUL-terminated */
	bool quoted;  /* written with ' or ", as a | or > block, or tagged !!str
		       * (so `"true"` is a string, `true` a bool) */
	bool is_null; /* plain `~`, `null`, `Null`, `NULL` or empty */
	/* SK_CFG_MAP and SK_CFG_SEQ: n children, in file order */
	size_t n;
	struct sk_cfg_node **items;
	/* SK_CFG_MAP only: keys[i] is the key of items[i]; key_nodes[i] its
	 * position (a scalar node) */
	char **keys;
	struct sk_cfg_node **key_nodes;
};

/* sk_cfg_parse_file - parse one YAML file (one document; an empty file is an
 * empty map). On error returns -errno or -EINVAL and writes
 * "FILE:LINE:COL: what is wrong" into err. *ret_root is owned by the caller:
 * free it with sk_cfg_free(). Anchors and aliases are refused with an error
 * (they are not used by falco.yaml or rule files and make trees cyclic). */
int sk_cfg_parse_file(const char *path, struct sk_cfg_node **ret_root, char *err, size_t errlen);

/* sk_cfg_parse_string - the same for text in memory; `name` stands for the
 * file name in positions. */
int sk_cfg_parse_string(const char *name, const char *text, size_t len,
			struct sk_cfg_node **ret_root, char *err, size_t errlen);

/* sk_cfg_parse_file_docs - parse every document of a file into a sequence
 * node whose items are the documents (rule files may hold several). A
 * document with nothing in it is a null scalar; an empty file gives an empty
 * sequence. */
int sk_cfg_parse_file_docs(const char *path, struct sk_cfg_node **ret_seq, char *err,
			   size_t errlen);

/* sk_cfg_free - free a tree; NULL is a no-op. */
void sk_cfg_free(struct sk_cfg_node *node);

/* sk_cfg_get - child of a map by key, or NULL (also NULL when node is not a
 * map). */
struct sk_cfg_node *sk_cfg_get(const struct sk_cfg_node *map, const char *key);

/* sk_cfg_get_path - follow a dotted path through maps: "file_output.filename"
 * (sequence indexes work too: "plugins[0].name"). Returns NULL when any step
 * is missing. */
struct sk_cfg_node *sk_cfg_get_path(const struct sk_cfg_node *root, const char *path);

/* sk_cfg_override - apply one command-line override "a.b.c=value" to a map
 * tree (creating maps on the way, replacing whatever was there). The value
 * is parsed as YAML flow text, so `-o rules_files=[a.yaml,b.yaml]` sets a
 * list, `-o json_output=true` a bool and `-o 'plugins[0].open_params=x'`
 * indexes a sequence ([N] with N equal to the length appends). Null values
 * on the way become maps or lists; any other non-map (non-list) on the way is
 * an error. Positions of the new nodes read "-o:1:COL", COL being the column
 * inside the assignment text. Returns 0 or -EINVAL with a message naming the
 * override. */
int sk_cfg_override(struct sk_cfg_node *root, const char *assignment, char *err, size_t errlen);

/* sk_cfg_merge - deep-merge `src` into `dst` (maps merge key by key, other
 * nodes replace). Used for config includes. src is consumed. */
int sk_cfg_merge(struct sk_cfg_node *dst, struct sk_cfg_node *src, char *err, size_t errlen);

/* How sk_cfg_include() merges a file into a tree: Falco's config_files
 * strategies. */
enum sk_cfg_strategy {
	SK_CFG_APPEND = 0,   /* a list extends an existing list; anything else replaces */
	SK_CFG_OVERRIDE = 1, /* every key replaces the existing value */
	SK_CFG_ADD_ONLY = 2, /* only keys the tree lacks are added */
};

/* sk_cfg_strategy_name - "append", "override", "add-only". Static. */
const char *sk_cfg_strategy_name(enum sk_cfg_strategy s);

/* sk_cfg_include - merge the top-level keys of map `src` into map `dst`
 * with `strategy`, as Falco merges a config_files file. Only the top level
 * merges: a key present in both replaces dst's value as a whole (a map is
 * not merged key by key), except that with SK_CFG_APPEND a list is appended
 * to dst's list (or takes the place of an empty value). New keys are added
 * at the end. Nodes keep their positions, so later errors name the file
 * each value came from. src is consumed in every case. Errors (-EINVAL):
 * appending a list to a map or a scalar, with both positions; -ENOMEM. */
int sk_cfg_include(struct sk_cfg_node *dst, struct sk_cfg_node *src, enum sk_cfg_strategy strategy,
		   char *err, size_t errlen);

/* Scalar conversions. Each returns 0, or -EINVAL with
 * "FILE:LINE:COL: KEYPATH: expected a boolean (true or false), got 'maybe'"
 * in err. `keypath` is what the message calls the value (e.g.
 * "file_output.keep_alive"; NULL or "" leaves it out). A null node or an
 * empty value is an error ("got an empty value"). Booleans accept
 * true/false/yes/no/on/off in any case (yaml-cpp's YAML 1.1 set, as Falco);
 * integers decimal, 0x hex or 0o octal. For as_int/as_uint, min == max == 0
 * means unbounded. */
int sk_cfg_as_bool(const struct sk_cfg_node *n, const char *keypath, bool *ret, char *err,
		   size_t errlen);
int sk_cfg_as_int(const struct sk_cfg_node *n, const char *keypath, int64_t min, int64_t max,
		  int64_t *ret, char *err, size_t errlen);
int sk_cfg_as_uint(const struct sk_cfg_node *n, const char *keypath, uint64_t min, uint64_t max,
		   uint64_t *ret, char *err, size_t errlen);
int sk_cfg_as_str(const struct sk_cfg_node *n, const char *keypath, const char **ret, char *err,
		  size_t errlen);
/* 250ms, 5s, 2m, 1h, 1d, or a bare number of milliseconds */
int sk_cfg_as_duration_ms(const struct sk_cfg_node *n, const char *keypath, uint64_t *ret,
			  char *err, size_t errlen);
/* 4096, 64k/64K/64KiB/64kb, 8M, 1G, 1T (powers of 1024; unit in any case) */
int sk_cfg_as_size(const struct sk_cfg_node *n, const char *keypath, uint64_t *ret, char *err,
		   size_t errlen);

/* sk_cfg_to_json - the subtree as compact JSON text (scalars typed the YAML
 * way: plain true/false -> bool, plain numbers -> numbers, null -> null).
 * Returns a malloc'd string or NULL (ENOMEM). */
char *sk_cfg_to_json(const struct sk_cfg_node *n);

/* sk_cfg_errpos - write "FILE:LINE:COL: " followed by the formatted message
 * into err. Helper for every module that reports a problem at a node. */
void sk_cfg_errpos(char *err, size_t errlen, const struct sk_cfg_node *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* sk_cfg_kind_name - what a node is, for messages: "a map", "a list",
 * "a scalar", "an empty value" (null scalar), "nothing" (NULL). Static. */
const char *sk_cfg_kind_name(const struct sk_cfg_node *n);

#endif /* SK_CORE_CFG_H */
