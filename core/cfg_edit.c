/* core/cfg_edit.c - changing a YAML tree: `-o key.path=value` overrides
 * (creating maps and list items as the path needs), merging one tree into
 * another, and config_files' top-level merge strategies. */
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

/* ---- overrides ----------------------------------------------------------- */

/* Turn a null scalar into an empty container of `kind`, in place. */
static void make_container(struct sk_cfg_node *n, enum sk_cfg_kind kind)
{
	cfg_node_clear(n);
	n->kind = kind;
}

static struct sk_cfg_node *new_for_next(const struct seg *next, const char *file, unsigned col)
{
	return cfg_node_new(next->key ? SK_CFG_MAP : SK_CFG_SEQ, file, 1, col);
}

/* override_value - the VALUE of -o KEY=VALUE (the text after `eq`, at
 * column voff) as a node: YAML, positions counted in the -o text. */
static int override_value(const char *eq, size_t voff, struct sk_cfg_node **ret, char *err,
			  size_t errlen)
{
	struct sk_cfg_node *docs = NULL;
	int rc = cfg_parse_docs("-o", eq + 1, strlen(eq + 1), (unsigned)voff, &docs, err, errlen);
	if (rc == 0) {
		rc = cfg_single_doc(docs, true, (unsigned)voff + 1, ret, err, errlen);
	}
	sk_cfg_free(docs);
	return rc;
}

/* named_item - in a list of maps with `name:` keys (plugins:), the one named
 * like key segment s, or NULL: -o plugins.k8saudit.open_params=... */
static struct sk_cfg_node *named_item(const struct sk_cfg_node *list, const struct seg *s)
{
	for (size_t k = 0; k < list->n; k++) {
		ssize_t ni = cfg_map_index(list->items[k], "name", 4);
		const struct sk_cfg_node *nm = ni >= 0 ? list->items[k]->items[ni] : NULL;
		if (nm != NULL && nm->kind == SK_CFG_SCALAR && strlen(nm->scalar) == s->keylen &&
		    memcmp(nm->scalar, s->key, s->keylen) == 0) {
			return list->items[k];
		}
	}
	return NULL;
}

/* step_check - whether node cur can take segment s (a map for a key, a list
 * for an index); `pre` characters of the assignment name cur. */
static int step_check(const struct sk_cfg_node *cur, const struct seg *s, const char *assignment,
		      int pre, char *err, size_t errlen)
{
	if (s->key ? cur->kind == SK_CFG_MAP : cur->kind == SK_CFG_SEQ) {
		return 0;
	}
	cfg_errmsg(err, errlen, "-o '%s': %.*s is %s (at %s:%u:%u), not a %s", assignment, pre,
		   assignment, sk_cfg_kind_name(cur), cur->file, cur->line, cur->col,
		   s->key ? "map" : "list");
	return -EINVAL;
}

/* add_entry - append `fresh` to map cur under segment s's key, or to the end
 * of list cur. Takes `fresh` in every case. */
static int add_entry(struct sk_cfg_node *cur, const struct seg *s, const char *file,
		     unsigned col, struct sk_cfg_node *fresh)
{
	int rc;
	if (!s->key) {
		rc = cfg_seq_append(cur, fresh);
		if (rc < 0) {
			sk_cfg_free(fresh);
		}
		return rc;
	}
	char *key = strndup(s->key, s->keylen);
	struct sk_cfg_node *key_node = key ? cfg_scalar_new(file, 1, col, s->key, s->keylen) : NULL;
	rc = key && key_node ? cfg_map_append(cur, key, key_node, fresh) : -ENOMEM;
	if (rc < 0) {
		free(key);
		sk_cfg_free(key_node);
		sk_cfg_free(fresh);
	}
	return rc;
}

int sk_cfg_override(struct sk_cfg_node *root, const char *assignment, char *err, size_t errlen)
{
	struct seg *segs = NULL;
	size_t nsegs = 0;
	struct sk_cfg_node *value = NULL;
	char why[256];
	int rc = 0;
	const char *file = cfg_intern_name("-o");

	if (!file) {
		cfg_errmsg(err, errlen, "out of memory");
		return -ENOMEM;
	}
	const char *eq = strchr(assignment, '=');
	if (!eq) {
		cfg_errmsg(err, errlen, "-o '%s': expected KEY=VALUE (e.g. json_output=true)",
			   assignment);
		return -EINVAL;
	}
	size_t plen = (size_t)(eq - assignment);
	rc = cfg_path_parse(assignment, plen, &segs, &nsegs, why, sizeof(why));
	if (rc < 0) {
		cfg_errmsg(err, errlen, "-o '%s': %s", assignment, why);
		goto out;
	}
	rc = override_value(eq, plen + 1, &value, err, errlen);
	if (rc < 0) {
		goto out;
	}
	if (!root || root->kind != SK_CFG_MAP) {
		cfg_errmsg(err, errlen, "-o '%s': the configuration is not a map", assignment);
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
			struct sk_cfg_node *named = named_item(cur, s);
			if (named != NULL) {
				cur = named;
				continue;
			}
		}
		rc = step_check(cur, s, assignment, pre, err, errlen);
		if (rc < 0) {
			goto out;
		}

		struct sk_cfg_node **slot = NULL;
		if (s->key) {
			ssize_t k = cfg_map_index(cur, s->key, s->keylen);
			if (k >= 0) {
				slot = &cur->items[k];
			}
		} else if (s->index < cur->n) {
			slot = &cur->items[s->index];
		} else if (s->index > cur->n) {
			cfg_errmsg(err, errlen,
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

		/* create the missing entry: the value, or a container for the
		 * next segment */
		struct sk_cfg_node *fresh = last ? value : new_for_next(&segs[i + 1], file, col);
		if (last) {
			value = NULL;
		}
		if (!fresh) {
			rc = -ENOMEM;
			goto out;
		}
		rc = add_entry(cur, s, file, col, fresh);
		if (rc < 0) {
			goto out;
		}
		cur = fresh;
	}
out:
	if (rc == -ENOMEM) {
		cfg_errmsg(err, errlen, "-o '%s': out of memory", assignment);
	}
	free(segs);
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
		cfg_node_clear(dst);
		*dst = *src;
		free(src);
		return 0;
	}
	for (; i < src->n; i++) {
		ssize_t k = cfg_map_index(dst, src->keys[i], strlen(src->keys[i]));
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
		rc = cfg_map_append(dst, src->keys[i], src->key_nodes[i], src->items[i]);
		if (rc < 0) {
			cfg_errmsg(err, errlen, "out of memory");
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

/* ---- config_files strategies ---------------------------------------------- */

const char *sk_cfg_strategy_name(enum sk_cfg_strategy s)
{
	switch (s) {
	case SK_CFG_APPEND:
		return "append";
	case SK_CFG_OVERRIDE:
		return "override";
	case SK_CFG_ADD_ONLY:
		return "add-only";
	}
	return "unknown";
}

/* append_list - move the items of list `src` to the end of list `dst`;
 * frees src. */
static int append_list(struct sk_cfg_node *dst, struct sk_cfg_node *src)
{
	size_t i = 0;
	int rc = 0;
	for (; i < src->n; i++) {
		rc = cfg_seq_append(dst, src->items[i]);
		if (rc < 0) {
			break;
		}
		src->items[i] = NULL;
	}
	sk_cfg_free(src); /* what was not moved goes with it */
	return rc;
}

/* include_one - merge value `val` (key `key`, key node `key_node`) into map
 * dst at index k (the key's existing entry). Takes all three. */
static int include_one(struct sk_cfg_node *dst, ssize_t k, char *key, struct sk_cfg_node *key_node,
		       struct sk_cfg_node *val, enum sk_cfg_strategy strategy, char *err,
		       size_t errlen)
{
	struct sk_cfg_node *old = dst->items[k];
	int rc = 0;

	if (strategy == SK_CFG_ADD_ONLY) {
		goto drop;
	}
	if (strategy == SK_CFG_APPEND && val->kind == SK_CFG_SEQ) {
		if (old->kind == SK_CFG_SEQ) {
			free(key);
			sk_cfg_free(key_node);
			return append_list(old, val);
		}
		if (!(old->kind == SK_CFG_SCALAR && old->is_null)) {
			sk_cfg_errpos(err, errlen, val,
				      "%s: cannot append a list to %s (at %s:%u:%u); write a list "
				      "there, or include this file with strategy: override to "
				      "replace it",
				      key, sk_cfg_kind_name(old), old->file, old->line, old->col);
			rc = -EINVAL;
			goto drop;
		}
	}
	/* replace the value, and the key's position with it: messages about
	 * this key now point at the file the value came from */
	sk_cfg_free(old);
	dst->items[k] = val;
	sk_cfg_free(dst->key_nodes[k]);
	dst->key_nodes[k] = key_node;
	free(key);
	return 0;
drop:
	free(key);
	sk_cfg_free(key_node);
	sk_cfg_free(val);
	return rc;
}

int sk_cfg_include(struct sk_cfg_node *dst, struct sk_cfg_node *src, enum sk_cfg_strategy strategy,
		   char *err, size_t errlen)
{
	size_t i = 0;
	int rc = 0;

	if (!src) {
		return 0;
	}
	if (!dst || dst->kind != SK_CFG_MAP || src->kind != SK_CFG_MAP) {
		sk_cfg_errpos(err, errlen, src,
			      "expected a map of settings at the top level, got %s",
			      sk_cfg_kind_name(src->kind != SK_CFG_MAP ? src : dst));
		sk_cfg_free(src);
		return -EINVAL;
	}
	for (; i < src->n; i++) {
		char *key = src->keys[i];
		struct sk_cfg_node *key_node = src->key_nodes[i];
		struct sk_cfg_node *val = src->items[i];
		src->keys[i] = NULL;
		src->key_nodes[i] = NULL;
		src->items[i] = NULL;
		ssize_t k = cfg_map_index(dst, key, strlen(key));
		if (k >= 0) {
			rc = include_one(dst, k, key, key_node, val, strategy, err, errlen);
		} else {
			rc = cfg_map_append(dst, key, key_node, val);
			if (rc < 0) {
				free(key);
				sk_cfg_free(key_node);
				sk_cfg_free(val);
			}
		}
		if (rc < 0) {
			break;
		}
	}
	if (rc == -ENOMEM) {
		cfg_errmsg(err, errlen, "%s: out of memory", src->file);
	}
	sk_cfg_free(src); /* the entries not yet moved, and the map itself */
	return rc;
}
