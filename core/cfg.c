/* core/cfg.c - YAML files as trees of nodes that remember their position
 * (see cfg.h). libyaml's event parser feeds a recursive builder; paths
 * (a.b[2].c) are looked up here. Overrides and merges are in cfg_edit.c,
 * scalar conversions and JSON export in cfg_convert.c.
 */
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

/* ---- file names ---------------------------------------------------------
 * Every node points at its file name. Names are interned once per process
 * and never freed, so nodes from different files (overrides, merges) can be
 * mixed and freed in any order. There are only a handful of names. */

struct name_ent {
	struct name_ent *next;
	char name[];
};

static struct name_ent *names;
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;

const char *cfg_intern_name(const char *name)
{
	const char *ret = NULL;

	pthread_mutex_lock(&names_lock);
	for (struct name_ent *e = names; e; e = e->next) {
		if (strcmp(e->name, name) == 0) {
			ret = e->name;
			goto out;
		}
	}
	size_t len = strlen(name);
	struct name_ent *e = malloc(sizeof(*e) + len + 1);
	if (!e) {
		goto out;
	}
	memcpy(e->name, name, len + 1);
	e->next = names;
	names = e;
	ret = e->name;
out:
	pthread_mutex_unlock(&names_lock);
	return ret;
}

/* ---- nodes --------------------------------------------------------------- */

struct sk_cfg_node *cfg_node_new(enum sk_cfg_kind kind, const char *file, unsigned line,
				 unsigned col)
{
	struct sk_cfg_node *n = calloc(1, sizeof(*n));
	if (!n) {
		return NULL;
	}
	n->kind = kind;
	n->file = file;
	n->line = line;
	n->col = col;
	return n;
}

struct sk_cfg_node *cfg_scalar_new(const char *file, unsigned line, unsigned col, const char *text,
				   size_t len)
{
	struct sk_cfg_node *n = cfg_node_new(SK_CFG_SCALAR, file, line, col);
	if (!n) {
		return NULL;
	}
	n->scalar = strndup(text, len);
	if (!n->scalar) {
		free(n);
		return NULL;
	}
	return n;
}

/* Free what a node holds, not the node itself. */
void cfg_node_clear(struct sk_cfg_node *n)
{
	free(n->scalar);
	for (size_t i = 0; i < n->n; i++) {
		sk_cfg_free(n->items[i]);
		if (n->keys) {
			free(n->keys[i]);
		}
		if (n->key_nodes) {
			sk_cfg_free(n->key_nodes[i]);
		}
	}
	free(n->items);
	free(n->keys);
	free(n->key_nodes);
	n->scalar = NULL;
	n->items = NULL;
	n->keys = NULL;
	n->key_nodes = NULL;
	n->n = 0;
	n->quoted = false;
	n->is_null = false;
}

void sk_cfg_free(struct sk_cfg_node *node)
{
	if (!node) {
		return;
	}
	cfg_node_clear(node);
	free(node);
}

/* Arrays grow to the next power of two (at least 4) when n reaches one. */
static int grow(void **arr, size_t n)
{
	if (n != 0 && (n < 4 || (n & (n - 1)) != 0)) {
		return 0;
	}
	size_t cap = n < 4 ? 4 : n * 2;
	void *p = realloc(*arr, cap * sizeof(void *));
	if (!p) {
		return -ENOMEM;
	}
	*arr = p;
	return 0;
}

int cfg_seq_append(struct sk_cfg_node *seq, struct sk_cfg_node *item)
{
	if (grow((void **)&seq->items, seq->n) < 0) {
		return -ENOMEM;
	}
	seq->items[seq->n++] = item;
	return 0;
}

/* Append key -> item; takes ownership of key, key_node and item on success
 * only. */
int cfg_map_append(struct sk_cfg_node *map, char *key, struct sk_cfg_node *key_node,
		   struct sk_cfg_node *item)
{
	if (grow((void **)&map->items, map->n) < 0 || grow((void **)&map->keys, map->n) < 0 ||
	    grow((void **)&map->key_nodes, map->n) < 0) {
		return -ENOMEM;
	}
	map->items[map->n] = item;
	map->keys[map->n] = key;
	map->key_nodes[map->n] = key_node;
	map->n++;
	return 0;
}

ssize_t cfg_map_index(const struct sk_cfg_node *map, const char *key, size_t keylen)
{
	if (!map || map->kind != SK_CFG_MAP) {
		return -1;
	}
	for (size_t i = 0; i < map->n; i++) {
		if (strlen(map->keys[i]) == keylen && memcmp(map->keys[i], key, keylen) == 0) {
			return (ssize_t)i;
		}
	}
	return -1;
}

struct sk_cfg_node *sk_cfg_get(const struct sk_cfg_node *map, const char *key)
{
	ssize_t i = cfg_map_index(map, key, strlen(key));
	return i < 0 ? NULL : map->items[i];
}

static bool is_null_text(const char *s)
{
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

const char *sk_cfg_kind_name(const struct sk_cfg_node *n)
{
	if (!n) {
		return "nothing";
	}
	switch (n->kind) {
	case SK_CFG_MAP:
		return "a map";
	case SK_CFG_SEQ:
		return "a list";
	case SK_CFG_SCALAR:
		return n->is_null ? "an empty value" : "a scalar";
	}
	return "an unknown node";
}

/* ---- messages ------------------------------------------------------------ */

void sk_cfg_errpos(char *err, size_t errlen, const struct sk_cfg_node *n, const char *fmt, ...)
{
	if (!err || errlen == 0) {
		return;
	}
	int len = 0;
	if (n && n->file) {
		len = snprintf(err, errlen, "%s:%u:%u: ", n->file, n->line, n->col);
		if (len < 0 || (size_t)len >= errlen) {
			return;
		}
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + len, errlen - (size_t)len, fmt, ap);
	va_end(ap);
}

void cfg_errmsg(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0) {
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* "FILE:L:C: KEYPATH: message" */
void cfg_conv_err(char *err, size_t errlen, const struct sk_cfg_node *n, const char *keypath,
		  const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bool has_path = keypath && *keypath;
	sk_cfg_errpos(err, errlen, n, "%s%s%s", has_path ? keypath : "", has_path ? ": " : "", msg);
}

/* What an error message says about a node that is not what was wanted:
 * "'maybe'", "a map", "a list", "an empty value". Long values are cut. */
const char *cfg_got(const struct sk_cfg_node *n, char *buf, size_t len)
{
	if (!n || n->kind != SK_CFG_SCALAR || n->is_null) {
		return sk_cfg_kind_name(n);
	}
	size_t vlen = strlen(n->scalar);
	if (vlen > QUOTE_MAX) {
		snprintf(buf, len, "'%.*s...'", QUOTE_MAX, n->scalar);
	} else {
		snprintf(buf, len, "'%s'", n->scalar);
	}
	return buf;
}

/* ---- the builder ---------------------------------------------------------- */

struct builder {
	yaml_parser_t parser;
	const char *file; /* interned */
	const char *text; /* the whole input, for reader error positions */
	size_t len;
	unsigned col_off; /* added to columns on the first line (for -o) */
	char *err;
	size_t errlen;
};

static unsigned mark_line(const struct builder *b, yaml_mark_t m)
{
	return (unsigned)m.line + 1;
}

static unsigned mark_col(const struct builder *b, yaml_mark_t m)
{
	return (unsigned)m.column + 1 + (m.line == 0 ? b->col_off : 0);
}

static void parser_error(struct builder *b)
{
	yaml_parser_t *p = &b->parser;
	const char *problem = p->problem ? p->problem : "unknown YAML error";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		cfg_errmsg(b->err, b->errlen, "%s: out of memory while parsing YAML", b->file);
		return;
	case YAML_READER_ERROR: {
		/* The reader reports a byte offset, not a mark: count lines. */
		unsigned line = 1, col = 1;
		for (size_t i = 0; i < p->problem_offset && i < b->len; i++) {
			if (b->text[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
		}
		if (line == 1) {
			col += b->col_off;
		}
		if (p->problem_value != -1) {
			cfg_errmsg(b->err, b->errlen, "%s:%u:%u: %s (byte 0x%02x)", b->file, line,
				   col, problem, (unsigned)p->problem_value & 0xffu);
		} else {
			cfg_errmsg(b->err, b->errlen, "%s:%u:%u: %s", b->file, line, col, problem);
		}
		return;
	}
	default:
		break;
	}
	if (p->context) {
		cfg_errmsg(b->err, b->errlen, "%s:%u:%u: %s (%s at line %u, column %u)", b->file,
			   mark_line(b, p->problem_mark), mark_col(b, p->problem_mark), problem,
			   p->context, mark_line(b, p->context_mark), mark_col(b, p->context_mark));
	} else {
		cfg_errmsg(b->err, b->errlen, "%s:%u:%u: %s", b->file,
			   mark_line(b, p->problem_mark), mark_col(b, p->problem_mark), problem);
	}
}

static int next_event(struct builder *b, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&b->parser, ev)) {
		parser_error(b);
		return b->parser.error == YAML_MEMORY_ERROR ? -ENOMEM : -EINVAL;
	}
	return 0;
}

static int refuse_anchor(struct builder *b, const yaml_event_t *ev, const yaml_char_t *anchor)
{
	if (!anchor) {
		return 0;
	}
	cfg_errmsg(b->err, b->errlen,
		   "%s:%u:%u: anchors (&%s) are not supported; write the value out in full",
		   b->file, mark_line(b, ev->start_mark), mark_col(b, ev->start_mark),
		   (const char *)anchor);
	return -EINVAL;
}

static struct sk_cfg_node *scalar_from_event(struct builder *b, const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	struct sk_cfg_node *n =
	    cfg_scalar_new(b->file, mark_line(b, ev->start_mark), mark_col(b, ev->start_mark),
			   (const char *)ev->data.scalar.value, ev->data.scalar.length);
	if (!n) {
		return NULL;
	}
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
		     ev->data.scalar.style == YAML_ANY_SCALAR_STYLE;
	bool str_tag = tag && strcmp(tag, YAML_STR_TAG) == 0;
	n->quoted = !plain || str_tag;
	n->is_null = plain && !tag && is_null_text(n->scalar);
	return n;
}

static int build_node(struct builder *b, yaml_event_t *ev, unsigned depth,
		      struct sk_cfg_node **ret);

static int build_seq(struct builder *b, yaml_event_t *start, unsigned depth,
		     struct sk_cfg_node **ret)
{
	struct sk_cfg_node *seq = NULL;
	int rc = refuse_anchor(b, start, start->data.sequence_start.anchor);
	if (rc < 0) {
		goto out;
	}
	seq = cfg_node_new(SK_CFG_SEQ, b->file, mark_line(b, start->start_mark),
			   mark_col(b, start->start_mark));
	if (!seq) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		yaml_event_t ev;
		rc = next_event(b, &ev);
		if (rc < 0) {
			goto out;
		}
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		struct sk_cfg_node *item = NULL;
		rc = build_node(b, &ev, depth + 1, &item);
		yaml_event_delete(&ev);
		if (rc < 0) {
			goto out;
		}
		rc = cfg_seq_append(seq, item);
		if (rc < 0) {
			sk_cfg_free(item);
			goto out;
		}
	}
	*ret = seq;
	seq = NULL;
out:
	sk_cfg_free(seq);
	return rc;
}

static int build_map(struct builder *b, yaml_event_t *start, unsigned depth,
		     struct sk_cfg_node **ret)
{
	struct sk_cfg_node *map = NULL, *key_node = NULL, *value = NULL;
	char *key = NULL;
	int rc = refuse_anchor(b, start, start->data.mapping_start.anchor);
	if (rc < 0) {
		goto out;
	}
	map = cfg_node_new(SK_CFG_MAP, b->file, mark_line(b, start->start_mark),
			   mark_col(b, start->start_mark));
	if (!map) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		yaml_event_t ev;
		rc = next_event(b, &ev);
		if (rc < 0) {
			goto out;
		}
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			cfg_errmsg(b->err, b->errlen,
				   "%s:%u:%u: map keys must be plain values, not %s", b->file,
				   mark_line(b, ev.start_mark), mark_col(b, ev.start_mark),
				   ev.type == YAML_ALIAS_EVENT ? "aliases" : "lists or maps");
			yaml_event_delete(&ev);
			rc = -EINVAL;
			goto out;
		}
		rc = refuse_anchor(b, &ev, ev.data.scalar.anchor);
		if (rc == 0) {
			key_node = scalar_from_event(b, &ev);
			rc = key_node ? 0 : -ENOMEM;
		}
		yaml_event_delete(&ev);
		if (rc < 0) {
			goto out;
		}
		ssize_t dup = cfg_map_index(map, key_node->scalar, strlen(key_node->scalar));
		if (dup >= 0) {
			const struct sk_cfg_node *first = map->key_nodes[dup];
			sk_cfg_errpos(b->err, b->errlen, key_node,
				      "duplicate key '%s' (first defined at %s:%u:%u)",
				      key_node->scalar, first->file, first->line, first->col);
			rc = -EINVAL;
			goto out;
		}
		key = strdup(key_node->scalar);
		if (!key) {
			rc = -ENOMEM;
			goto out;
		}
		rc = next_event(b, &ev);
		if (rc < 0) {
			goto out;
		}
		rc = build_node(b, &ev, depth + 1, &value);
		yaml_event_delete(&ev);
		if (rc < 0) {
			goto out;
		}
		rc = cfg_map_append(map, key, key_node, value);
		if (rc < 0) {
			goto out;
		}
		key = NULL;
		key_node = NULL;
		value = NULL;
	}
	*ret = map;
	map = NULL;
out:
	free(key);
	sk_cfg_free(key_node);
	sk_cfg_free(value);
	sk_cfg_free(map);
	return rc;
}

/* Build the node that starts with `ev` (not consumed: the caller deletes
 * it). */
static int build_node(struct builder *b, yaml_event_t *ev, unsigned depth, struct sk_cfg_node **ret)
{
	if (depth > MAX_DEPTH) {
		cfg_errmsg(b->err, b->errlen, "%s:%u:%u: nesting deeper than %d levels", b->file,
			   mark_line(b, ev->start_mark), mark_col(b, ev->start_mark), MAX_DEPTH);
		return -EINVAL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		int rc = refuse_anchor(b, ev, ev->data.scalar.anchor);
		if (rc < 0) {
			return rc;
		}
		*ret = scalar_from_event(b, ev);
		return *ret ? 0 : -ENOMEM;
	}
	case YAML_SEQUENCE_START_EVENT:
		return build_seq(b, ev, depth, ret);
	case YAML_MAPPING_START_EVENT:
		return build_map(b, ev, depth, ret);
	case YAML_ALIAS_EVENT:
		cfg_errmsg(b->err, b->errlen,
			   "%s:%u:%u: aliases (*%s) are not supported; write the value out in full",
			   b->file, mark_line(b, ev->start_mark), mark_col(b, ev->start_mark),
			   (const char *)ev->data.alias.anchor);
		return -EINVAL;
	default:
		cfg_errmsg(b->err, b->errlen, "%s:%u:%u: unexpected YAML event %d", b->file,
			   mark_line(b, ev->start_mark), mark_col(b, ev->start_mark),
			   (int)ev->type);
		return -EINVAL;
	}
}

/* Parse every document of the stream into `docs` (a sequence). */
static int build_docs(struct builder *b, struct sk_cfg_node *docs)
{
	yaml_event_t ev;
	int rc = next_event(b, &ev);
	if (rc < 0) {
		return rc;
	}
	yaml_event_delete(&ev); /* STREAM_START */
	for (;;) {
		rc = next_event(b, &ev);
		if (rc < 0) {
			return rc;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		yaml_event_delete(&ev); /* DOCUMENT_START */
		rc = next_event(b, &ev);
		if (rc < 0) {
			return rc;
		}
		struct sk_cfg_node *doc = NULL;
		rc = build_node(b, &ev, 0, &doc);
		yaml_event_delete(&ev);
		if (rc < 0) {
			return rc;
		}
		rc = cfg_seq_append(docs, doc);
		if (rc < 0) {
			sk_cfg_free(doc);
			return rc;
		}
		rc = next_event(b, &ev);
		if (rc < 0) {
			return rc;
		}
		yaml_event_delete(&ev); /* DOCUMENT_END */
	}
}

/* Parse `text` into a sequence of documents. */
int cfg_parse_docs(const char *name, const char *text, size_t len, unsigned col_off,
		   struct sk_cfg_node **ret_docs, char *err, size_t errlen)
{
	struct builder b = {
	    .text = text, .len = len, .col_off = col_off, .err = err, .errlen = errlen};
	struct sk_cfg_node *docs = NULL;
	int rc = 0;

	b.file = cfg_intern_name(name ? name : "<string>");
	if (!b.file) {
		cfg_errmsg(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!yaml_parser_initialize(&b.parser)) {
		cfg_errmsg(err, errlen, "%s: out of memory", b.file);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&b.parser, YAML_UTF8_ENCODING);
	docs = cfg_node_new(SK_CFG_SEQ, b.file, 1, 1);
	if (!docs) {
		cfg_errmsg(err, errlen, "%s: out of memory", b.file);
		rc = -ENOMEM;
		goto out;
	}
	rc = build_docs(&b, docs);
	if (rc < 0) {
		goto out;
	}
	*ret_docs = docs;
	docs = NULL;
out:
	yaml_parser_delete(&b.parser);
	sk_cfg_free(docs);
	return rc;
}

/* One document out of `docs`: the first; further documents must be empty.
 * An empty stream gives an empty map (a file) or a null scalar (-o). */
int cfg_single_doc(struct sk_cfg_node *docs, bool empty_is_null, unsigned col,
		   struct sk_cfg_node **ret, char *err, size_t errlen)
{
	for (size_t i = 1; i < docs->n; i++) {
		const struct sk_cfg_node *d = docs->items[i];
		if (!(d->kind == SK_CFG_SCALAR && d->is_null)) {
			sk_cfg_errpos(err, errlen, d,
				      "a second YAML document starts here; this file holds one");
			return -EINVAL;
		}
	}
	struct sk_cfg_node *root = NULL;
	if (docs->n > 0 &&
	    !(docs->items[0]->kind == SK_CFG_SCALAR && docs->items[0]->is_null && !empty_is_null)) {
		root = docs->items[0];
		docs->items[0] = NULL;
	} else if (empty_is_null) {
		root = cfg_scalar_new(docs->file, 1, col, "", 0);
		if (root) {
			root->is_null = true;
		}
	} else {
		root = cfg_node_new(SK_CFG_MAP, docs->file, 1, 1);
	}
	if (!root) {
		cfg_errmsg(err, errlen, "%s: out of memory", docs->file);
		return -ENOMEM;
	}
	*ret = root;
	return 0;
}

int sk_cfg_parse_string(const char *name, const char *text, size_t len,
			struct sk_cfg_node **ret_root, char *err, size_t errlen)
{
	struct sk_cfg_node *docs = NULL;
	int rc = cfg_parse_docs(name, text, len, 0, &docs, err, errlen);
	if (rc < 0) {
		goto out;
	}
	rc = cfg_single_doc(docs, false, 1, ret_root, err, errlen);
out:
	sk_cfg_free(docs);
	return rc;
}

static int read_file(const char *path, char **ret_text, size_t *ret_len, char *err, size_t errlen)
{
	FILE *f = NULL;
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	f = fopen(path, "re");
	if (!f) {
		rc = -errno;
		cfg_errmsg(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			char *p = realloc(text, cap);
			if (!p) {
				rc = -ENOMEM;
				cfg_errmsg(err, errlen, "%s: out of memory", path);
				goto out;
			}
			text = p;
		}
		size_t got_n = fread(text + len, 1, cap - len, f);
		len += got_n;
		if (got_n == 0) {
			break;
		}
	}
	if (ferror(f)) {
		rc = -EIO;
		cfg_errmsg(err, errlen, "%s: read error", path);
		goto out;
	}
	*ret_text = text;
	*ret_len = len;
	text = NULL;
out:
	if (f) {
		fclose(f);
	}
	free(text);
	return rc;
}

int sk_cfg_parse_file(const char *path, struct sk_cfg_node **ret_root, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	int rc = read_file(path, &text, &len, err, errlen);
	if (rc < 0) {
		return rc;
	}
	rc = sk_cfg_parse_string(path, text, len, ret_root, err, errlen);
	free(text);
	return rc;
}

int sk_cfg_parse_file_docs(const char *path, struct sk_cfg_node **ret_seq, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	int rc = read_file(path, &text, &len, err, errlen);
	if (rc < 0) {
		return rc;
	}
	rc = cfg_parse_docs(path, text, len, 0, ret_seq, err, errlen);
	free(text);
	return rc;
}

/* ---- paths: a.b[2].c ----------------------------------------------------- */

/* Split `path` (length len) into segments. *ret_segs is malloc'd. On error
 * writes "what is wrong at column N" into err and returns -EINVAL. */
int cfg_path_parse(const char *path, size_t len, struct seg **ret_segs, size_t *ret_n, char *err,
		   size_t errlen)
{
	struct seg *segs = calloc(len + 1, sizeof(*segs));
	size_t n = 0, i = 0;
	if (!segs) {
		cfg_errmsg(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while (i <= len) {
		size_t start = i;
		while (i < len && path[i] != '.' && path[i] != '[' && path[i] != ']') {
			i++;
		}
		if (i == start) {
			cfg_errmsg(err, errlen, "empty key at column %zu", start + 1);
			goto fail;
		}
		segs[n++] = (struct seg){.key = path + start, .keylen = i - start, .off = start};
		while (i < len && path[i] == '[') {
			size_t open = i++;
			size_t dstart = i;
			size_t idx = 0;
			while (i < len && path[i] >= '0' && path[i] <= '9') {
				if (idx > (SIZE_MAX - 9) / 10) {
					cfg_errmsg(err, errlen, "index too large at column %zu",
						   dstart + 1);
					goto fail;
				}
				idx = idx * 10 + (size_t)(path[i] - '0');
				i++;
			}
			if (i == dstart || i >= len || path[i] != ']') {
				cfg_errmsg(err, errlen, "expected [NUMBER] at column %zu",
					   open + 1);
				goto fail;
			}
			i++;
			segs[n++] = (struct seg){.index = idx, .off = open};
		}
		if (i == len) {
			break;
		}
		if (path[i] != '.') {
			cfg_errmsg(err, errlen, "unexpected '%c' at column %zu", path[i], i + 1);
			goto fail;
		}
		i++;
		if (i == len) {
			cfg_errmsg(err, errlen, "empty key at column %zu", i + 1);
			goto fail;
		}
	}
	*ret_segs = segs;
	*ret_n = n;
	return 0;
fail:
	free(segs);
	return -EINVAL;
}

struct sk_cfg_node *sk_cfg_get_path(const struct sk_cfg_node *root, const char *path)
{
	struct seg *segs = NULL;
	size_t nsegs = 0;
	if (cfg_path_parse(path, strlen(path), &segs, &nsegs, NULL, 0) < 0) {
		return NULL;
	}
	const struct sk_cfg_node *cur = root;
	for (size_t i = 0; cur && i < nsegs; i++) {
		if (segs[i].key) {
			ssize_t k = cfg_map_index(cur, segs[i].key, segs[i].keylen);
			cur = k < 0 ? NULL : cur->items[k];
		} else {
			cur = cur->kind == SK_CFG_SEQ && segs[i].index < cur->n
				  ? cur->items[segs[i].index]
				  : NULL;
		}
	}
	free(segs);
	return (struct sk_cfg_node *)cur;
}
