/* core/cfg.c - YAML files as trees of nodes that remember their position
 * (see cfg.h). libyaml's event parser feeds a recursive builder; overrides,
 * merges, scalar conversions and JSON export work on the resulting tree.
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

/* Deeper nesting than this is refused: the builder recurses once per level
 * and no configuration or rule file comes close. */
#define MAX_DEPTH 200

/* How much of a bad value an error message quotes. */
#define QUOTE_MAX 60

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

static const char *intern_name(const char *name)
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

static struct sk_cfg_node *node_new(enum sk_cfg_kind kind, const char *file, unsigned line,
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

static struct sk_cfg_node *scalar_new(const char *file, unsigned line, unsigned col,
				      const char *text, size_t len)
{
	struct sk_cfg_node *n = node_new(SK_CFG_SCALAR, file, line, col);
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
static void node_clear(struct sk_cfg_node *n)
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
	node_clear(node);
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

static int seq_append(struct sk_cfg_node *seq, struct sk_cfg_node *item)
{
	if (grow((void **)&seq->items, seq->n) < 0) {
		return -ENOMEM;
	}
	seq->items[seq->n++] = item;
	return 0;
}

/* Append key -> item; takes ownership of key, key_node and item on success
 * only. */
static int map_append(struct sk_cfg_node *map, char *key, struct sk_cfg_node *key_node,
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

static ssize_t map_index(const struct sk_cfg_node *map, const char *key, size_t keylen)
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
	ssize_t i = map_index(map, key, strlen(key));
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

static void errmsg(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void errmsg(char *err, size_t errlen, const char *fmt, ...)
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
static void conv_err(char *err, size_t errlen, const struct sk_cfg_node *n, const char *keypath,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void conv_err(char *err, size_t errlen, const struct sk_cfg_node *n, const char *keypath,
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
static const char *got(const struct sk_cfg_node *n, char *buf, size_t len)
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
		errmsg(b->err, b->errlen, "%s: out of memory while parsing YAML", b->file);
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
			errmsg(b->err, b->errlen, "%s:%u:%u: %s (byte 0x%02x)", b->file, line, col,
			       problem, (unsigned)p->problem_value & 0xffu);
		} else {
			errmsg(b->err, b->errlen, "%s:%u:%u: %s", b->file, line, col, problem);
		}
		return;
	}
	default:
		break;
	}
	if (p->context) {
		errmsg(b->err, b->errlen, "%s:%u:%u: %s (%s at line %u, column %u)", b->file,
		       mark_line(b, p->problem_mark), mark_col(b, p->problem_mark), problem,
		       p->context, mark_line(b, p->context_mark), mark_col(b, p->context_mark));
	} else {
		errmsg(b->err, b->errlen, "%s:%u:%u: %s", b->file, mark_line(b, p->problem_mark),
		       mark_col(b, p->problem_mark), problem);
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
	errmsg(b->err, b->errlen,
	       "%s:%u:%u: anchors (&%s) are not supported; write the value out in full", b->file,
	       mark_line(b, ev->start_mark), mark_col(b, ev->start_mark), (const char *)anchor);
	return -EINVAL;
}

static struct sk_cfg_node *scalar_from_event(struct builder *b, const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	struct sk_cfg_node *n =
	    scalar_new(b->file, mark_line(b, ev->start_mark), mark_col(b, ev->start_mark),
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
	seq = node_new(SK_CFG_SEQ, b->file, mark_line(b, start->start_mark),
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
		rc = seq_append(seq, item);
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
	map = node_new(SK_CFG_MAP, b->file, mark_line(b, start->start_mark),
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
			errmsg(b->err, b->errlen, "%s:%u:%u: map keys must be plain values, not %s",
			       b->file, mark_line(b, ev.start_mark), mark_col(b, ev.start_mark),
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
		ssize_t dup = map_index(map, key_node->scalar, strlen(key_node->scalar));
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
		rc = map_append(map, key, key_node, value);
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
		errmsg(b->err, b->errlen, "%s:%u:%u: nesting deeper than %d levels", b->file,
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
		errmsg(b->err, b->errlen,
		       "%s:%u:%u: aliases (*%s) are not supported; write the value out in full",
		       b->file, mark_line(b, ev->start_mark), mark_col(b, ev->start_mark),
		       (const char *)ev->data.alias.anchor);
		return -EINVAL;
	default:
		errmsg(b->err, b->errlen, "%s:%u:%u: unexpected YAML event %d", b->file,
		       mark_line(b, ev->start_mark), mark_col(b, ev->start_mark), (int)ev->type);
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
		rc = seq_append(docs, doc);
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
static int parse_docs(const char *name, const char *text, size_t len, unsigned col_off,
		      struct sk_cfg_node **ret_docs, char *err, size_t errlen)
{
	struct builder b = {
	    .text = text, .len = len, .col_off = col_off, .err = err, .errlen = errlen};
	struct sk_cfg_node *docs = NULL;
	int rc = 0;

	b.file = intern_name(name ? name : "<string>");
	if (!b.file) {
		errmsg(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!yaml_parser_initialize(&b.parser)) {
		errmsg(err, errlen, "%s: out of memory", b.file);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&b.parser, YAML_UTF8_ENCODING);
	docs = node_new(SK_CFG_SEQ, b.file, 1, 1);
	if (!docs) {
		errmsg(err, errlen, "%s: out of memory", b.file);
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
static int single_doc(struct sk_cfg_node *docs, bool empty_is_null, unsigned col,
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
		root = scalar_new(docs->file, 1, col, "", 0);
		if (root) {
			root->is_null = true;
		}
	} else {
		root = node_new(SK_CFG_MAP, docs->file, 1, 1);
	}
	if (!root) {
		errmsg(err, errlen, "%s: out of memory", docs->file);
		return -ENOMEM;
	}
	*ret = root;
	return 0;
}

int sk_cfg_parse_string(const char *name, const char *text, size_t len,
			struct sk_cfg_node **ret_root, char *err, size_t errlen)
{
	struct sk_cfg_node *docs = NULL;
	int rc = parse_docs(name, text, len, 0, &docs, err, errlen);
	if (rc < 0) {
		goto out;
	}
	rc = single_doc(docs, false, 1, ret_root, err, errlen);
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
		errmsg(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			char *p = realloc(text, cap);
			if (!p) {
				rc = -ENOMEM;
				errmsg(err, errlen, "%s: out of memory", path);
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
		errmsg(err, errlen, "%s: read error", path);
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
	rc = parse_docs(path, text, len, 0, ret_seq, err, errlen);
	free(text);
	return rc;
}

/* ---- paths: a.b[2].c ----------------------------------------------------- */

struct seg {
	const char *key; /* NULL: an index segment */
	size_t keylen;
	size_t index;
	size_t off; /* offset of the segment in the path text */
};

/* Split `path` (length len) into segments. *ret_segs is malloc'd. On error
 * writes "what is wrong at column N" into err and returns -EINVAL. */
static int path_parse(const char *path, size_t len, struct seg **ret_segs, size_t *ret_n, char *err,
		      size_t errlen)
{
	struct seg *segs = calloc(len + 1, sizeof(*segs));
	size_t n = 0, i = 0;
	if (!segs) {
		errmsg(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while (i <= len) {
		size_t start = i;
		while (i < len && path[i] != '.' && path[i] != '[' && path[i] != ']') {
			i++;
		}
		if (i == start) {
			errmsg(err, errlen, "empty key at column %zu", start + 1);
			goto fail;
		}
		segs[n++] = (struct seg){.key = path + start, .keylen = i - start, .off = start};
		while (i < len && path[i] == '[') {
			size_t open = i++;
			size_t dstart = i;
			size_t idx = 0;
			while (i < len && path[i] >= '0' && path[i] <= '9') {
				if (idx > (SIZE_MAX - 9) / 10) {
					errmsg(err, errlen, "index too large at column %zu",
					       dstart + 1);
					goto fail;
				}
				idx = idx * 10 + (size_t)(path[i] - '0');
				i++;
			}
			if (i == dstart || i >= len || path[i] != ']') {
				errmsg(err, errlen, "expected [NUMBER] at column %zu", open + 1);
				goto fail;
			}
			i++;
			segs[n++] = (struct seg){.index = idx, .off = open};
		}
		if (i == len) {
			break;
		}
		if (path[i] != '.') {
			errmsg(err, errlen, "unexpected '%c' at column %zu", path[i], i + 1);
			goto fail;
		}
		i++;
		if (i == len) {
			errmsg(err, errlen, "empty key at column %zu", i + 1);
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
	if (path_parse(path, strlen(path), &segs, &nsegs, NULL, 0) < 0) {
		return NULL;
	}
	const struct sk_cfg_node *cur = root;
	for (size_t i = 0; cur && i < nsegs; i++) {
		if (segs[i].key) {
			ssize_t k = map_index(cur, segs[i].key, segs[i].keylen);
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

/* ---- overrides ----------------------------------------------------------- */

/* Turn a null scalar into an empty container of `kind`, in place. */
static void make_container(struct sk_cfg_node *n, enum sk_cfg_kind kind)
{
	node_clear(n);
	n->kind = kind;
}

static struct sk_cfg_node *new_for_next(const struct seg *next, const char *file, unsigned col)
{
	return node_new(next->key ? SK_CFG_MAP : SK_CFG_SEQ, file, 1, col);
}

int sk_cfg_override(struct sk_cfg_node *root, const char *assignment, char *err, size_t errlen)
{
	struct seg *segs = NULL;
	size_t nsegs = 0;
	struct sk_cfg_node *value = NULL, *fresh = NULL, *key_node = NULL;
	char *key = NULL;
	char why[256];
	int rc = 0;
	const char *file = intern_name("-o");

	if (!file) {
		errmsg(err, errlen, "out of memory");
		return -ENOMEM;
	}
	const char *eq = strchr(assignment, '=');
	if (!eq) {
		errmsg(err, errlen, "-o '%s': expected KEY=VALUE (e.g. json_output=true)",
		       assignment);
		return -EINVAL;
	}
	size_t plen = (size_t)(eq - assignment);
	rc = path_parse(assignment, plen, &segs, &nsegs, why, sizeof(why));
	if (rc < 0) {
		errmsg(err, errlen, "-o '%s': %s", assignment, why);
		goto out;
	}
	size_t voff = plen + 1;
	rc = 0;
	{
		struct sk_cfg_node *docs = NULL;
		rc = parse_docs("-o", eq + 1, strlen(eq + 1), (unsigned)voff, &docs, err, errlen);
		if (rc == 0) {
			rc = single_doc(docs, true, (unsigned)voff + 1, &value, err, errlen);
		}
		sk_cfg_free(docs);
		if (rc < 0) {
			goto out;
		}
	}
	if (!root || root->kind != SK_CFG_MAP) {
		errmsg(err, errlen, "-o '%s': the configuration is not a map", assignment);
		rc = -EINVAL;
		goto out;
	}

	struct sk_cfg_node *cur = root;
	for (size_t i = 0; i < nsegs; i++) {
		const struct seg *s = &segs[i];
		bool last = i + 1 == nsegs;
		unsigned col = (unsigned)s->off + 1;
		/* what the path up to here is called in messages */
		int pre = (int)s->off - (s->key && i > 0 ? 1 : 0);

		if (cur->kind == SK_CFG_SCALAR && cur->is_null) {
			make_container(cur, s->key ? SK_CFG_MAP : SK_CFG_SEQ);
		}
		if (s->key && cur->kind == SK_CFG_SEQ && !last) {
			/* A list of maps with `name:` keys (plugins:) is indexed by
			 * name too: -o plugins.k8saudit.open_params=... */
			struct sk_cfg_node *named = NULL;
			for (size_t k = 0; k < cur->n && named == NULL; k++) {
				ssize_t ni = map_index(cur->items[k], "name", 4);
				const struct sk_cfg_node *nm = ni >= 0 ? cur->items[k]->items[ni] : NULL;
				if (nm != NULL && nm->kind == SK_CFG_SCALAR &&
				    strlen(nm->scalar) == s->keylen &&
				    memcmp(nm->scalar, s->key, s->keylen) == 0) {
					named = cur->items[k];
				}
			}
			if (named != NULL) {
				cur = named;
				continue;
			}
		}
		if (s->key && cur->kind != SK_CFG_MAP) {
			errmsg(err, errlen, "-o '%s': %.*s is %s (at %s:%u:%u), not a map",
			       assignment, pre, assignment, sk_cfg_kind_name(cur), cur->file,
			       cur->line, cur->col);
			rc = -EINVAL;
			goto out;
		}
		if (!s->key && cur->kind != SK_CFG_SEQ) {
			errmsg(err, errlen, "-o '%s': %.*s is %s (at %s:%u:%u), not a list",
			       assignment, pre, assignment, sk_cfg_kind_name(cur), cur->file,
			       cur->line, cur->col);
			rc = -EINVAL;
			goto out;
		}

		struct sk_cfg_node **slot = NULL;
		if (s->key) {
			ssize_t k = map_index(cur, s->key, s->keylen);
			if (k >= 0) {
				slot = &cur->items[k];
			}
		} else if (s->index < cur->n) {
			slot = &cur->items[s->index];
		} else if (s->index > cur->n) {
			errmsg(err, errlen,
			       "-o '%s': index %zu is out of range (%.*s has %zu item%s; use "
			       "[%zu] to append)",
			       assignment, s->index, pre, assignment, cur->n,
			       cur->n == 1 ? "" : "s", cur->n);
			rc = -EINVAL;
			goto out;
		}

		if (slot) {
			if (last) {
				sk_cfg_free(*slot);
				*slot = value;
				value = NULL;
				break;
			}
			cur = *slot;
			continue;
		}

		/* create the missing entry */
		if (last) {
			fresh = value;
			value = NULL;
		} else {
			fresh = new_for_next(&segs[i + 1], file, col);
			if (!fresh) {
				rc = -ENOMEM;
				goto out;
			}
		}
		if (s->key) {
			key = strndup(s->key, s->keylen);
			key_node = key ? scalar_new(file, 1, col, s->key, s->keylen) : NULL;
			if (!key || !key_node) {
				rc = -ENOMEM;
				goto out;
			}
			rc = map_append(cur, key, key_node, fresh);
			if (rc < 0) {
				goto out;
			}
			key = NULL;
			key_node = NULL;
		} else {
			rc = seq_append(cur, fresh);
			if (rc < 0) {
				goto out;
			}
		}
		cur = fresh;
		fresh = NULL;
	}
out:
	if (rc == -ENOMEM) {
		errmsg(err, errlen, "-o '%s': out of memory", assignment);
	}
	free(segs);
	free(key);
	sk_cfg_free(key_node);
	sk_cfg_free(fresh);
	sk_cfg_free(value);
	return rc;
}

/* ---- merge --------------------------------------------------------------- */

int sk_cfg_merge(struct sk_cfg_node *dst, struct sk_cfg_node *src, char *err, size_t errlen)
{
	int rc = 0;
	size_t i = 0;

	if (!src) {
		return 0;
	}
	if (dst->kind != SK_CFG_MAP || src->kind != SK_CFG_MAP) {
		/* replace dst's contents with src's, keeping dst's address */
		node_clear(dst);
		*dst = *src;
		free(src);
		return 0;
	}
	for (; i < src->n; i++) {
		ssize_t k = map_index(dst, src->keys[i], strlen(src->keys[i]));
		if (k >= 0) {
			struct sk_cfg_node *child = src->items[i];
			src->items[i] = NULL;
			rc = sk_cfg_merge(dst->items[k], child, err, errlen);
			free(src->keys[i]);
			sk_cfg_free(src->key_nodes[i]);
			if (rc < 0) {
				i++;
				goto out;
			}
			continue;
		}
		rc = map_append(dst, src->keys[i], src->key_nodes[i], src->items[i]);
		if (rc < 0) {
			errmsg(err, errlen, "out of memory");
			goto out;
		}
	}
out:
	/* entries before i were moved or freed; free the rest */
	for (size_t j = i; j < src->n; j++) {
		free(src->keys[j]);
		sk_cfg_free(src->key_nodes[j]);
		sk_cfg_free(src->items[j]);
	}
	free(src->items);
	free(src->keys);
	free(src->key_nodes);
	free(src);
	return rc;
}

/* ---- scalar conversions -------------------------------------------------- */

/* The text of a non-empty scalar, or NULL with an error naming `what`. */
static const char *scalar_or_err(const struct sk_cfg_node *n, const char *keypath, const char *what,
				 char *err, size_t errlen)
{
	if (n && n->kind == SK_CFG_SCALAR && !n->is_null) {
		return n->scalar;
	}
	char buf[QUOTE_MAX + 8];
	conv_err(err, errlen, n, keypath, "expected %s, got %s", what, got(n, buf, sizeof(buf)));
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
	conv_err(err, errlen, n, keypath, "expected %s, got %s", what, got(n, buf, sizeof(buf)));
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
		conv_err(err, errlen, n, keypath, "expected %s, got %s", what,
			 got(n, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (rc == -ERANGE || (!neg && mag > (uint64_t)INT64_MAX) ||
	    (neg && mag > (uint64_t)INT64_MAX + 1)) {
		conv_err(err, errlen, n, keypath, "%s is out of range (%" PRId64 "..%" PRId64 ")",
			 got(n, buf, sizeof(buf)), min, max);
		return -EINVAL;
	}
	int64_t v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	if (v < min || v > max) {
		conv_err(err, errlen, n, keypath,
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
		conv_err(err, errlen, n, keypath, "expected %s, got %s", what,
			 got(n, buf, sizeof(buf)));
		return -EINVAL;
	}
	if (rc == -ERANGE) {
		conv_err(err, errlen, n, keypath, "%s is out of range (%" PRIu64 "..%" PRIu64 ")",
			 got(n, buf, sizeof(buf)), min, max);
		return -EINVAL;
	}
	if (v < min || v > max) {
		conv_err(err, errlen, n, keypath,
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
		conv_err(err, errlen, n, keypath, "%s is %s", got(n, buf, sizeof(buf)), too_big);
		return -EINVAL;
	}
	if (rc < 0) {
		conv_err(err, errlen, n, keypath, "expected %s, got %s", what,
			 got(n, buf, sizeof(buf)));
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
