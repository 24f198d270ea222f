/* core/conf_files.c - `config_files:` (see conf_files.h): read the list,
 * expand directories into their YAML files, refuse nested includes and the
 * main file, and merge each file into the main tree with its strategy
 * (sk_cfg_include). The merged tree then goes through conf.c's checks like
 * a single file, so every key of an included file is checked the same way
 * and messages name the file each value came from.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/strlist.h"
#include "conf_files.h"
#include "log.h"
#include "schema.h"

#define KEY "config_files"

/* ---- one entry: a path, or {path, strategy} ------------------------------ */

struct entry {
	char *path;
	int strategy; /* index into strategies[] == enum sk_cfg_strategy */
};

static const char *const strategies[] = {"append", "override", "add-only", NULL};

static const struct sk_param entry_params[] = {
    {"path", SK_PARAM_STR, SK_PARAM_REQUIRED, NULL, offsetof(struct entry, path), NULL, 0, 0,
     "a configuration file, or a directory of *.yaml and *.yml files"},
    {"strategy", SK_PARAM_ENUM, 0, "append", offsetof(struct entry, strategy), strategies, 0, 0,
     "how the file's keys merge into the configuration"},
    {NULL, 0, 0, NULL, 0, NULL, 0, 0, NULL},
};

/* read_entry - item i of config_files into *e (e->path malloc'd). */
static int read_entry(const struct sk_cfg_node *item, size_t i, struct entry *e, char *err,
		      size_t errlen)
{
	char path[64];
	snprintf(path, sizeof(path), KEY "[%zu]", i);
	if (item->kind == SK_CFG_MAP) {
		int rc = sk_schema_fill(entry_params, item, path, NULL, e, err, errlen);
		if (rc < 0) {
			return rc;
		}
		if (e->path[0] == '\0') {
			sk_cfg_errpos(err, errlen, sk_cfg_get(item, "path"),
				      "%s.path: empty; name a file or a directory", path);
			return -EINVAL;
		}
		return 0;
	}
	if (item->kind != SK_CFG_SCALAR || item->is_null || item->scalar[0] == '\0') {
		sk_cfg_errpos(err, errlen, item,
			      "%s: expected a path or a map with 'path' and 'strategy' (append, "
			      "override or add-only), got %s",
			      path, sk_cfg_kind_name(item));
		return -EINVAL;
	}
	e->path = strdup(item->scalar);
	e->strategy = SK_CFG_APPEND;
	return e->path ? 0 : -ENOMEM;
}

/* ---- lists ---------------------------------------------------------------- */

static int strlist_add(struct sk_strlist *l, const char *s)
{
	char *copy = strdup(s);
	char **items = copy ? realloc(l->items, (l->n + 1) * sizeof(*items)) : NULL;
	if (!items) {
		free(copy);
		return -ENOMEM;
	}
	items[l->n++] = copy;
	l->items = items;
	return 0;
}

static int files_add(struct sk_conf_files *out, const char *path, enum sk_cfg_strategy s)
{
	char *copy = strdup(path);
	struct sk_conf_file *files =
	    copy ? realloc(out->files, (out->nfiles + 1) * sizeof(*files)) : NULL;
	if (!files) {
		free(copy);
		return -ENOMEM;
	}
	files[out->nfiles++] = (struct sk_conf_file){.path = copy, .strategy = s};
	out->files = files;
	return 0;
}

/* ---- one file ------------------------------------------------------------- */

struct ctx {
	struct sk_cfg_node *root;
	struct stat main_st; /* the main file, to refuse including it */
	bool have_main_st;
	struct sk_conf_files *out;
	char *err;
	size_t errlen;
};

static int include_file(struct ctx *x, const char *path, const struct stat *st,
			const struct sk_cfg_node *item, enum sk_cfg_strategy strategy)
{
	struct sk_cfg_node *tree = NULL;
	int rc = 0;

	if (x->have_main_st && st->st_dev == x->main_st.st_dev && st->st_ino == x->main_st.st_ino) {
		sk_cfg_errpos(x->err, x->errlen, item,
			      KEY ": %s is the main configuration file; it cannot include itself",
			      path);
		return -EINVAL;
	}
	rc = sk_cfg_parse_file(path, &tree, x->err, x->errlen);
	if (rc < 0) {
		return rc;
	}
	if (tree->kind != SK_CFG_MAP) {
		sk_cfg_errpos(x->err, x->errlen, tree,
			      "expected a map of settings at the top level, got %s",
			      sk_cfg_kind_name(tree));
		rc = -EINVAL;
		goto out;
	}
	for (size_t i = 0; i < tree->n; i++) {
		if (strcmp(tree->keys[i], KEY) == 0) {
			sk_cfg_errpos(x->err, x->errlen, tree->key_nodes[i],
				      KEY
				      ": not allowed in an included file (this one is included "
				      "from %s:%u:%u); list every file in the main configuration "
				      "file's " KEY,
				      item->file, item->line, item->col);
			rc = -EINVAL;
			goto out;
		}
	}
	rc = files_add(x->out, path, strategy);
	if (rc < 0) {
		goto out;
	}
	SK_DEBUG("config_files: merging %s (%s)", path, sk_cfg_strategy_name(strategy));
	rc = sk_cfg_include(x->root, tree, strategy, x->err, x->errlen);
	tree = NULL; /* consumed */
out:
	sk_cfg_free(tree);
	return rc;
}

/* ---- a directory ---------------------------------------------------------- */

static bool is_yaml_name(const char *name)
{
	size_t len = strlen(name);
	return (len > 5 && strcmp(name + len - 5, ".yaml") == 0) ||
	       (len > 4 && strcmp(name + len - 4, ".yml") == 0);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int include_dir(struct ctx *x, const char *dir, const struct sk_cfg_node *item,
		       enum sk_cfg_strategy strategy)
{
	struct sk_strlist names = {0};
	char *full = NULL;
	DIR *d = NULL;
	int rc = 0;

	d = opendir(dir);
	if (!d) {
		rc = -errno;
		sk_cfg_errpos(x->err, x->errlen, item, KEY ": cannot read the directory %s: %s",
			      dir, strerror(errno));
		goto out;
	}
	for (;;) {
		errno = 0;
		struct dirent *de = readdir(d);
		if (!de) {
			if (errno != 0) {
				rc = -errno;
				sk_cfg_errpos(x->err, x->errlen, item,
					      KEY ": cannot read the directory %s: %s", dir,
					      strerror(errno));
				goto out;
			}
			break;
		}
		if (is_yaml_name(de->d_name)) {
			rc = strlist_add(&names, de->d_name);
			if (rc < 0) {
				goto out;
			}
		}
	}
	if (names.n > 1) {
		qsort(names.items, names.n, sizeof(*names.items), cmp_names);
	}
	size_t dlen = strlen(dir);
	bool slash = dlen > 0 && dir[dlen - 1] == '/';
	for (size_t i = 0; i < names.n; i++) {
		struct stat st;
		free(full);
		full = NULL;
		if (asprintf(&full, "%s%s%s", dir, slash ? "" : "/", names.items[i]) < 0) {
			full = NULL;
			rc = -ENOMEM;
			goto out;
		}
		/* regular files only, symlinks followed; a dangling link or a
		 * subdirectory named *.yaml is not a configuration file */
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
			continue;
		}
		rc = include_file(x, full, &st, item, strategy);
		if (rc < 0) {
			goto out;
		}
	}
out:
	if (d) {
		closedir(d);
	}
	free(full);
	sk_strlist_free(&names);
	return rc;
}

/* ---- the list ------------------------------------------------------------- */

static int include_entry(struct ctx *x, const struct entry *e, const struct sk_cfg_node *item)
{
	struct stat st;
	int rc = strlist_add(&x->out->entries, e->path);
	if (rc < 0) {
		return rc;
	}
	if (stat(e->path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			/* Falco's rule (as for rules_files): skip it */
			SK_DEBUG("config_files: %s does not exist, skipped", e->path);
			return strlist_add(&x->out->missing, e->path);
		}
		rc = -errno;
		sk_cfg_errpos(x->err, x->errlen, item, KEY ": cannot access %s: %s", e->path,
			      strerror(errno));
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		return include_dir(x, e->path, item, (enum sk_cfg_strategy)e->strategy);
	}
	if (S_ISREG(st.st_mode)) {
		return include_file(x, e->path, &st, item, (enum sk_cfg_strategy)e->strategy);
	}
	sk_cfg_errpos(x->err, x->errlen, item,
		      KEY ": %s is neither a file nor a directory; name a YAML file or a "
			  "directory of them",
		      e->path);
	return -EINVAL;
}

int sk_conf_files_include(struct sk_cfg_node *root, const char *main_path,
			  struct sk_conf_files *out, char *err, size_t errlen)
{
	struct ctx x = {.root = root, .out = out, .err = err, .errlen = errlen};
	const struct sk_cfg_node *list = sk_cfg_get(root, KEY);
	int rc = 0;

	if (!list || (list->kind == SK_CFG_SCALAR && list->is_null)) {
		return 0;
	}
	if (list->kind != SK_CFG_SEQ) {
		sk_cfg_errpos(err, errlen, list,
			      KEY ": expected a list of paths (files or directories), got %s",
			      sk_cfg_kind_name(list));
		return -EINVAL;
	}
	x.have_main_st = main_path && stat(main_path, &x.main_st) == 0;
	/* The list stays in root (included files cannot replace it), so its
	 * items stay valid while files merge into root. */
	for (size_t i = 0; rc == 0 && i < list->n; i++) {
		struct entry e = {0};
		rc = read_entry(list->items[i], i, &e, err, errlen);
		if (rc == 0) {
			rc = include_entry(&x, &e, list->items[i]);
		}
		free(e.path);
	}
	if (rc == -ENOMEM) {
		snprintf(err, errlen, "%s: out of memory", main_path ? main_path : KEY);
	}
	return rc;
}

void sk_conf_files_fini(struct sk_conf_files *f)
{
	if (!f) {
		return;
	}
	for (size_t i = 0; i < f->nfiles; i++) {
		free(f->files[i].path);
	}
	free(f->files);
	sk_strlist_free(&f->entries);
	sk_strlist_free(&f->missing);
	*f = (struct sk_conf_files){0};
}
