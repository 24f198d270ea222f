/* core/rules/rules_reader.c - reading rules: YAML documents from strings,
 * files and directories (sorted, *.yaml and *.yml), each item handed to the
 * collector, the raw text kept for position mapping; required_engine_version
 * and required_plugin_versions checks.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cfg.h"
#include "rules/engine.h"
#include "rules/engine_priv.h"
#include "rules/filter.h"
#include "rules/format.h"

/* "1.2.3", "17" (as 0.17.0) */
static bool parse_version(const char *s, unsigned long v[3])
{
	v[0] = v[1] = v[2] = 0;
	if (!*s) {
		return false;
	}
	char *end;
	if (!strchr(s, '.')) {
		if (!isdigit((unsigned char)*s)) {
			return false;
		}
		v[1] = strtoul(s, &end, 10);
		return *end == '\0';
	}
	const char *p = s;
	for (int i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*p)) {
			return false;
		}
		v[i] = strtoul(p, &end, 10);
		if (i < 2) {
			if (*end != '.') {
				return i == 1 && (*end == '\0' || *end == '-' || *end == '+');
			}
			p = end + 1;
		}
	}
	return *end == '\0' || *end == '-' || *end == '+';
}

int sk_rules_version_cmp(const char *a, const char *b, bool *ok)
{
	unsigned long va[3], vb[3];
	if (!parse_version(a, va) || !parse_version(b, vb)) {
		if (ok) {
			*ok = false;
		}
		return -2;
	}
	if (ok) {
		*ok = true;
	}
	for (int i = 0; i < 3; i++) {
		if (va[i] != vb[i]) {
			return va[i] < vb[i] ? -1 : 1;
		}
	}
	return 0;
}

static int load_engine_version(struct sk_rules *r, const struct sk_cfg_node *item)
{
	const struct sk_cfg_node *n = sk_cfg_get(item, "required_engine_version");
	bool ok;
	if (n->kind != SK_CFG_SCALAR ||
	    (sk_rules_version_cmp(n->scalar, SK_RULES_ENGINE_VERSION, &ok), !ok)) {
		sk_rules_ndiag(r, SK_RULES_ERROR, n, "invalid required_engine_version '%s'",
			       n->kind == SK_CFG_SCALAR ? n->scalar : "?");
		return -EINVAL;
	}
	if (sk_rules_version_cmp(n->scalar, SK_RULES_ENGINE_VERSION, NULL) > 0) {
		sk_rules_ndiag(r, SK_RULES_ERROR, n,
			       "rules require engine version %s, but this engine is version %s",
			       n->scalar, SK_RULES_ENGINE_VERSION);
		return -EINVAL;
	}
	return 0;
}

/* a loaded extractor plugin named `name` of at least `version`: 1 yes,
 * 0 loaded but older, -1 not loaded */
static int plugin_version_ok(const struct sk_rules *r, const char *name, const char *version)
{
	int found = -1;
	for (size_t i = 0; i < sk_fields_count(r->fields); i++) {
		const struct sk_plugin *p = sk_fields_at(r->fields, i)->plugin;
		if (strcmp(p->name, name) != 0) {
			continue;
		}
		bool ok;
		int c = sk_rules_version_cmp(p->version ? p->version : "0.0.0", version, &ok);
		return ok && c >= 0 ? 1 : 0;
	}
	return found;
}

static int load_plugin_versions(struct sk_rules *r, const struct sk_cfg_node *item)
{
	const struct sk_cfg_node *n = sk_cfg_get(item, "required_plugin_versions");
	if (n->kind != SK_CFG_SEQ) {
		sk_rules_ndiag(r, SK_RULES_ERROR, n, "required_plugin_versions must be a list");
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < n->n; i++) {
		const struct sk_cfg_node *e = n->items[i];
		const struct sk_cfg_node *nm = sk_cfg_get(e, "name");
		const struct sk_cfg_node *ver = sk_cfg_get(e, "version");
		if (!nm || !ver || nm->kind != SK_CFG_SCALAR || ver->kind != SK_CFG_SCALAR) {
			sk_rules_ndiag(
			    r, SK_RULES_ERROR, e,
			    "required_plugin_versions entries need 'name' and 'version'");
			rc = -EINVAL;
			continue;
		}
		int best = plugin_version_ok(r, nm->scalar, ver->scalar);
		const struct sk_cfg_node *alts = sk_cfg_get(e, "alternatives");
		for (size_t k = 0; alts && alts->kind == SK_CFG_SEQ && k < alts->n && best < 1;
		     k++) {
			const struct sk_cfg_node *an = sk_cfg_get(alts->items[k], "name");
			const struct sk_cfg_node *av = sk_cfg_get(alts->items[k], "version");
			if (an && av && an->kind == SK_CFG_SCALAR && av->kind == SK_CFG_SCALAR) {
				int b = plugin_version_ok(r, an->scalar, av->scalar);
				best = b > best ? b : best;
			}
		}
		if (best == 0) {
			sk_rules_ndiag(
			    r, SK_RULES_ERROR, e,
			    "plugin '%s' is loaded in an older version than the %s these rules "
			    "require",
			    nm->scalar, ver->scalar);
			rc = -EINVAL;
		} else if (best < 0) {
			sk_rules_ndiag(r, SK_RULES_WARNING, e,
				       "rules require plugin '%s' version %s, which is not loaded",
				       nm->scalar, ver->scalar);
		}
	}
	return rc;
}

static int load_doc(struct sk_rules *r, const struct sk_cfg_node *doc)
{
	if (doc->kind == SK_CFG_SCALAR && doc->is_null) {
		return 0;
	}
	if (doc->kind != SK_CFG_SEQ) {
		sk_rules_ndiag(r, SK_RULES_ERROR, doc,
			       "a rules file must be a list of items (rule, macro, list, ...)");
		return -EINVAL;
	}
	int rc = 0;
	for (size_t i = 0; i < doc->n; i++) {
		const struct sk_cfg_node *item = doc->items[i];
		int e = 0;
		if (item->kind != SK_CFG_MAP) {
			sk_rules_ndiag(r, SK_RULES_ERROR, item,
				       "expected an item (rule, macro, list, ...), found a %s",
				       item->kind == SK_CFG_SEQ ? "list" : "scalar");
			e = -EINVAL;
		} else if (sk_cfg_get(item, "rule")) {
			e = sk_rules_load_rule(r, item);
		} else if (sk_cfg_get(item, "macro")) {
			e = sk_rules_load_macro(r, item);
		} else if (sk_cfg_get(item, "list")) {
			e = sk_rules_load_list(r, item);
		} else if (sk_cfg_get(item, "required_engine_version")) {
			e = load_engine_version(r, item);
		} else if (sk_cfg_get(item, "required_plugin_versions")) {
			e = load_plugin_versions(r, item);
		} else {
			sk_rules_ndiag(r, SK_RULES_WARNING, item,
				       "unknown item with key '%s' ignored",
				       item->n ? item->keys[0] : "");
		}
		if (e == -ENOMEM) {
			sk_rules_diagf(r, SK_RULES_ERROR, "out of memory loading rules");
			return e;
		}
		if (e) {
			rc = e;
		}
	}
	return rc;
}

static int keep_raw(struct sk_rules *r, const char *name, char *text, size_t len)
{
	struct rawtext *n = realloc(r->raws, (r->nraws + 1) * sizeof(*n));
	if (!n) {
		free(text);
		return -ENOMEM;
	}
	r->raws = n;
	char **names = realloc(r->names, (r->nnames + 1) * sizeof(*names));
	if (!names) {
		free(text);
		return -ENOMEM;
	}
	r->names = names;
	names[r->nnames] = strdup(name);
	if (!names[r->nnames]) {
		free(text);
		return -ENOMEM;
	}
	size_t nl = 1;
	for (size_t i = 0; i < len; i++) {
		nl += text[i] == '\n';
	}
	size_t *off = malloc(nl * sizeof(*off));
	if (!off) {
		free(names[r->nnames]);
		free(text);
		return -ENOMEM;
	}
	off[0] = 0;
	for (size_t i = 0, k = 1; i < len; i++) {
		if (text[i] == '\n') {
			off[k++] = i + 1;
		}
	}
	n[r->nraws++] = (struct rawtext){
	    .name = names[r->nnames++], .text = text, .len = len, .line_off = off, .nlines = nl};
	return 0;
}

static int keep_doc(struct sk_rules *r, struct sk_cfg_node *doc)
{
	struct sk_cfg_node **d = realloc(r->docs, (r->ndocs + 1) * sizeof(*d));
	if (!d) {
		sk_cfg_free(doc);
		return -ENOMEM;
	}
	r->docs = d;
	d[r->ndocs++] = doc;
	return 0;
}

int sk_rules_load_string(struct sk_rules *r, const char *name, const char *text)
{
	char err[512];
	struct sk_cfg_node *root = NULL;
	size_t len = strlen(text);
	if (r->compiled) {
		return -EALREADY;
	}
	char *copy = strdup(text);
	if (!copy || keep_raw(r, name, copy, len)) {
		return -ENOMEM;
	}
	r->dirty = true;
	err[0] = '\0';
	int rc = sk_cfg_parse_string(name, text, len, &root, err, sizeof(err));
	if (rc) {
		sk_rules_diagf(r, SK_RULES_ERROR, "%s", *err ? err : strerror(-rc));
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	if (keep_doc(r, root)) {
		return -ENOMEM;
	}
	/* an empty text parses as an empty map */
	if (root->kind == SK_CFG_MAP && root->n == 0) {
		return 0;
	}
	return load_doc(r, root);
}

static int load_file(struct sk_rules *r, const char *path)
{
	char err[512];
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		sk_rules_diagf(r, SK_RULES_ERROR, "%s: cannot open rules file: %s", path,
			       strerror(e));
		return -e;
	}
	char *text = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *t = realloc(text, cap);
			if (!t) {
				free(text);
				fclose(f);
				return -ENOMEM;
			}
			text = t;
		}
		size_t got = fread(text + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0) {
			break;
		}
	}
	fclose(f);
	text[len] = '\0';
	if (keep_raw(r, path, text, len)) {
		return -ENOMEM;
	}
	struct sk_cfg_node *docs = NULL;
	err[0] = '\0';
	int rc = sk_cfg_parse_file_docs(path, &docs, err, sizeof(err));
	if (rc) {
		sk_rules_diagf(r, SK_RULES_ERROR, "%s", *err ? err : strerror(-rc));
		return rc == -ENOMEM ? rc : -EINVAL;
	}
	if (keep_doc(r, docs)) {
		return -ENOMEM;
	}
	rc = 0;
	for (size_t i = 0; i < docs->n; i++) {
		int e = load_doc(r, docs->items[i]);
		if (e == -ENOMEM) {
			return e;
		}
		if (e) {
			rc = e;
		}
	}
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sk_rules_load_path(struct sk_rules *r, const char *path)
{
	struct stat st;
	if (r->compiled) {
		return -EALREADY;
	}
	r->dirty = true;
	if (stat(path, &st) != 0) {
		int e = errno;
		sk_rules_diagf(r, SK_RULES_ERROR, "%s: cannot read rules: %s", path, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		return load_file(r, path);
	}
	DIR *d = opendir(path);
	if (!d) {
		int e = errno;
		sk_rules_diagf(r, SK_RULES_ERROR, "%s: cannot read rules directory: %s", path,
			       strerror(e));
		return -e;
	}
	char **names = NULL;
	size_t n = 0;
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		bool yaml = (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0) ||
			    (l > 4 && strcmp(de->d_name + l - 4, ".yml") == 0);
		if (!yaml || de->d_name[0] == '.') {
			continue;
		}
		char **nn = realloc(names, (n + 1) * sizeof(*nn));
		if (!nn) {
			rc = -ENOMEM;
			break;
		}
		names = nn;
		size_t pl = strlen(path) + l + 2;
		names[n] = malloc(pl);
		if (!names[n]) {
			rc = -ENOMEM;
			break;
		}
		snprintf(names[n], pl, "%s/%s", path, de->d_name);
		n++;
	}
	closedir(d);
	if (!rc) {
		if (n > 1) { /* an empty directory leaves names NULL: qsort wants a pointer */
			qsort(names, n, sizeof(*names), cmp_str);
		}
		for (size_t i = 0; i < n; i++) {
			struct stat fs;
			if (stat(names[i], &fs) == 0 && S_ISDIR(fs.st_mode)) {
				continue;
			}
			int e = load_file(r, names[i]);
			if (e == -ENOMEM) {
				rc = e;
				break;
			}
			if (e) {
				rc = e;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
	}
	free(names);
	return rc;
}
