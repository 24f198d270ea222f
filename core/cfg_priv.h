/* core/cfg_priv.h - what the three parts of the YAML tree share: cfg.c
 * builds trees from YAML and looks paths up, cfg_edit.c applies -o
 * overrides and merges trees, cfg_convert.c turns scalars into typed values
 * (units included) and trees into JSON. Not installed. */
#ifndef SK_CORE_CFG_PRIV_H
#define SK_CORE_CFG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cfg.h"

/* Deeper nesting than this is refused: the builder recurses once per level
 * and no configuration or rule file comes close. */
#define MAX_DEPTH 200

/* How much of a bad value an error message quotes. */
#define QUOTE_MAX 60

/* One segment of a path such as a.b[2].c. */
struct seg {
	const char *key; /* NULL: an index segment */
	size_t keylen;
	size_t index;
	size_t off; /* offset of the segment in the path text */
};

const char *cfg_intern_name(const char *name);
struct sk_cfg_node *cfg_node_new(enum sk_cfg_kind kind, const char *file, unsigned line,
				 unsigned col);
struct sk_cfg_node *cfg_scalar_new(const char *file, unsigned line, unsigned col, const char *text,
				   size_t len);
void cfg_node_clear(struct sk_cfg_node *n);
int cfg_seq_append(struct sk_cfg_node *seq, struct sk_cfg_node *item);
int cfg_map_append(struct sk_cfg_node *map, char *key, struct sk_cfg_node *key_node,
		   struct sk_cfg_node *val);
ssize_t cfg_map_index(const struct sk_cfg_node *map, const char *key, size_t keylen);
void cfg_errmsg(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "FILE:L:C: KEYPATH: message" */
void cfg_conv_err(char *err, size_t errlen, const struct sk_cfg_node *n, const char *keypath,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
const char *cfg_got(const struct sk_cfg_node *n, char *buf, size_t len);
int cfg_parse_docs(const char *name, const char *text, size_t len, unsigned col_off,
		   struct sk_cfg_node **ret_docs, char *err, size_t errlen);
int cfg_single_doc(struct sk_cfg_node *docs, bool empty_is_null, unsigned col,
		   struct sk_cfg_node **ret, char *err, size_t errlen);
int cfg_path_parse(const char *path, size_t len, struct seg **ret_segs, size_t *ret_n, char *err,
		   size_t errlen);

#endif
