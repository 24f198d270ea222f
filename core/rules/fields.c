/* core/rules/fields.c - the field registry (see fields.h): fields of
 * extractor plugins by name and source, argument checks, suggestions, and
 * the per-source event-type name lookups.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/hash.h"
#include "loader.h"
#include "log.h"
#include "rules/fields.h"

struct evttypes {
	char *source;
	sk_evttype_lookup_cb cb;
	void *ctx;
};

struct sk_fields {
	struct sk_field_def *defs;
	size_t n, cap;
	/* open-addressing hash: name -> index+1 of the first def of that name;
	 * defs of the same name chain through next[] */
	uint32_t *slots;
	size_t nslots;
	uint32_t *next;
	char **sources;
	size_t nsources;
	struct evttypes *evt;
	size_t nevt;
};

struct sk_fields *sk_fields_create(void)
{
	struct sk_fields *f = calloc(1, sizeof(*f));
	if (!f) {
		errno = ENOMEM;
	}
	return f;
}

void sk_fields_destroy(struct sk_fields *f)
{
	if (!f) {
		return;
	}
	for (size_t i = 0; i < f->nsources; i++) {
		free(f->sources[i]);
	}
	for (size_t i = 0; i < f->nevt; i++) {
		free(f->evt[i].source);
	}
	free(f->sources);
	free(f->evt);
	free(f->defs);
	free(f->slots);
	free(f->next);
	free(f);
}

bool sk_field_def_applies(const struct sk_field_def *d, const char *source)
{
	if (!d->sources || !source) {
		return true;
	}
	for (size_t i = 0; d->sources[i]; i++) {
		if (strcmp(d->sources[i], source) == 0) {
			return true;
		}
	}
	return false;
}

static bool sources_overlap(const char *const *a, const char *const *b)
{
	if (!a || !b) {
		return true;
	}
	for (size_t i = 0; a[i]; i++) {
		for (size_t j = 0; b[j]; j++) {
			if (strcmp(a[i], b[j]) == 0) {
				return true;
			}
		}
	}
	return false;
}

/* first def index (+1) with this exact name, 0 when none */
static uint32_t lookup_first(const struct sk_fields *f, const char *name, size_t len)
{
	if (!f->nslots) {
		return 0;
	}
	size_t mask = f->nslots - 1;
	for (size_t s = sk_hash_fnv1a(name, len) & mask;; s = (s + 1) & mask) {
		uint32_t v = f->slots[s];
		if (!v) {
			return 0;
		}
		const char *fn = f->defs[v - 1].field->name;
		if (strncmp(fn, name, len) == 0 && fn[len] == '\0') {
			return v;
		}
	}
}

static int rehash(struct sk_fields *f, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	uint32_t *next = calloc(f->cap ? f->cap : 1, sizeof(*next));
	if (!slots || !next) {
		free(slots);
		free(next);
		return -ENOMEM;
	}
	free(f->slots);
	free(f->next);
	f->slots = slots;
	f->next = next;
	f->nslots = nslots;
	size_t mask = nslots - 1;
	for (size_t i = 0; i < f->n; i++) {
		const char *name = f->defs[i].field->name;
		size_t len = strlen(name);
		uint32_t first = lookup_first(f, name, len);
		if (first) {
			uint32_t k = first - 1;
			while (f->next[k]) {
				k = f->next[k] - 1;
			}
			f->next[k] = (uint32_t)i + 1;
			continue;
		}
		size_t s = sk_hash_fnv1a(name, len) & mask;
		while (f->slots[s]) {
			s = (s + 1) & mask;
		}
		f->slots[s] = (uint32_t)i + 1;
	}
	return 0;
}

/* event-type lookup over a plugin's event_names table */
static size_t names_lookup(void *ctx, const char *name, uint16_t *ret_types, size_t max)
{
	const struct sk_evt_name *t = ctx;
	size_t n = 0;
	for (; t->name; t++) {
		if (t->type <= UINT16_MAX && strcmp(t->name, name) == 0) {
			if (n < max) {
				ret_types[n] = (uint16_t)t->type;
			}
			n++;
		}
	}
	return n;
}

int sk_fields_add_plugin(struct sk_fields *f, const struct sk_plugin *p, void *inst, char *err,
			 size_t errlen)
{
	const struct sk_extract_ops *x = p->extract;
	if (x == NULL || x->fields == NULL || x->extract == NULL) {
		snprintf(err, errlen, "plugin '%s' does not extract fields",
			 p->name ? p->name : "?");
		return -EINVAL;
	}
	size_t add = 0;
	for (const struct sk_field *fl = x->fields; fl->name; fl++) {
		add++;
		/* duplicates against fields registered before, for overlapping sources */
		for (uint32_t v = lookup_first(f, fl->name, strlen(fl->name)); v;
		     v = f->next[v - 1]) {
			const struct sk_field_def *d = &f->defs[v - 1];
			if (sources_overlap(d->sources, x->sources)) {
				snprintf(
				    err, errlen,
				    "plugin '%s': field '%s' is already provided by plugin '%s'",
				    p->name, fl->name, d->plugin->name);
				return -EEXIST;
			}
		}
		for (const struct sk_field *g = x->fields; g != fl; g++) {
			if (strcmp(g->name, fl->name) == 0) {
				snprintf(err, errlen, "plugin '%s': field '%s' is listed twice",
					 p->name, fl->name);
				return -EEXIST;
			}
		}
		if (fl->type == SK_TYPE_NONE || fl->type > SK_TYPE_LIST) {
			snprintf(err, errlen, "plugin '%s': field '%s' has an invalid type %u",
				 p->name, fl->name, fl->type);
			return -EINVAL;
		}
	}
	if (f->n + add > f->cap) {
		size_t cap = f->cap ? f->cap : 64;
		while (cap < f->n + add) {
			cap *= 2;
		}
		struct sk_field_def *d = realloc(f->defs, cap * sizeof(*d));
		if (!d) {
			return -ENOMEM;
		}
		f->defs = d;
		f->cap = cap;
	}
	uint32_t idx = 0;
	for (const struct sk_field *fl = x->fields; fl->name; fl++, idx++) {
		f->defs[f->n++] = (struct sk_field_def){.field = fl,
							.plugin = p,
							.ops = x,
							.inst = inst,
							.index = idx,
							.sources = x->sources};
	}
	if (x->event_names) {
		/* a plugin for every source names syscall events (event.h: every
		 * record that is not SK_EVT_PLUGIN belongs to "syscall") */
		static const char *const syscall_only[] = {"syscall", NULL};
		const char *const *srcs = x->sources ? x->sources : syscall_only;
		for (size_t i = 0; srcs[i]; i++) {
			int rc = sk_fields_set_evttypes(f, srcs[i], names_lookup,
							(void *)x->event_names);
			if (rc) {
				f->n -= add;
				return rc;
			}
		}
	}
	size_t nslots = 64;
	while (nslots < f->n * 2) {
		nslots *= 2;
	}
	int rc = rehash(f, nslots);
	if (rc) {
		f->n -= add;
	}
	return rc;
}

int sk_fields_add_source(struct sk_fields *f, const char *source)
{
	if (sk_fields_has_source(f, source) && f->nsources) {
		return 0;
	}
	char **s = realloc(f->sources, (f->nsources + 1) * sizeof(*s));
	if (!s) {
		return -ENOMEM;
	}
	f->sources = s;
	s[f->nsources] = strdup(source);
	if (!s[f->nsources]) {
		return -ENOMEM;
	}
	f->nsources++;
	return 0;
}

bool sk_fields_has_source(const struct sk_fields *f, const char *source)
{
	if (!f->nsources) {
		return true;
	}
	for (size_t i = 0; i < f->nsources; i++) {
		if (strcmp(f->sources[i], source) == 0) {
			return true;
		}
	}
	return false;
}

size_t sk_fields_source_count(const struct sk_fields *f)
{
	return f->nsources;
}

int sk_fields_set_evttypes(struct sk_fields *f, const char *source, sk_evttype_lookup_cb cb,
			   void *ctx)
{
	for (size_t i = 0; i < f->nevt; i++) {
		if (strcmp(f->evt[i].source, source) == 0) {
			f->evt[i].cb = cb;
			f->evt[i].ctx = ctx;
			return 0;
		}
	}
	struct evttypes *e = realloc(f->evt, (f->nevt + 1) * sizeof(*e));
	if (!e) {
		return -ENOMEM;
	}
	f->evt = e;
	e[f->nevt].source = strdup(source);
	if (!e[f->nevt].source) {
		return -ENOMEM;
	}
	e[f->nevt].cb = cb;
	e[f->nevt].ctx = ctx;
	f->nevt++;
	return 0;
}

int sk_fields_evttypes(const struct sk_fields *f, const char *source, const char *name,
		       uint16_t *ret_types, size_t max)
{
	for (size_t i = 0; i < f->nevt; i++) {
		if (strcmp(f->evt[i].source, source) == 0) {
			return (int)f->evt[i].cb(f->evt[i].ctx, name, ret_types, max);
		}
	}
	return -ENOENT;
}

static const struct sk_field_def *find_exact(const struct sk_fields *f, const char *source,
					     const char *name, size_t len)
{
	for (uint32_t v = lookup_first(f, name, len); v; v = f->next[v - 1]) {
		if (sk_field_def_applies(&f->defs[v - 1], source)) {
			return &f->defs[v - 1];
		}
	}
	return NULL;
}

void sk_fields_extract_failed(const struct sk_field_def *d)
{
	static uint64_t failures, logged_ns;
	uint64_t now = sk_mono_ns();
	failures++;
	if (logged_ns != 0 && now - logged_ns < 10 * SK_NS_PER_S) {
		return;
	}
	logged_ns = now;
	SK_WARN("plugin '%s' could not extract %s: %s; %" PRIu64 " extraction error(s) so far",
		d->plugin->name, d->field->name, sk_loader_reason(d->plugin->last_error, d->inst),
		failures);
}

const struct sk_field_def *sk_fields_find(const struct sk_fields *f, const char *source,
					  const char *name, const char **ret_suffix)
{
	if (ret_suffix) {
		*ret_suffix = NULL;
	}
	size_t len = strlen(name);
	const struct sk_field_def *d = find_exact(f, source, name, len);
	if (d) {
		return d;
	}
	/* longest prefix P of "P.rest" that is a field taking a key argument */
	for (size_t i = len; i > 0; i--) {
		if (name[i - 1] != '.' || i == len) {
			continue;
		}
		d = find_exact(f, source, name, i - 1);
		if (d && (d->field->flags & SK_FIELD_ARG_KEY)) {
			if (ret_suffix) {
				*ret_suffix = name + i;
			}
			return d;
		}
	}
	return NULL;
}

unsigned sk_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 255 || lb > 255) {
		return 1000;
	}
	unsigned row[256];
	for (size_t j = 0; j <= lb; j++) {
		row[j] = (unsigned)j;
	}
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] == b[j - 1] ? 0u : 1u);
			if (up + 1 < best) {
				best = up + 1;
			}
			if (row[j - 1] + 1 < best) {
				best = row[j - 1] + 1;
			}
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *sk_fields_suggest(const struct sk_fields *f, const char *source, const char *name)
{
	unsigned limit = (unsigned)(strlen(name) / 3);
	if (limit < 2) {
		limit = 2;
	}
	const char *best = NULL;
	unsigned best_d = limit + 1;
	for (size_t i = 0; i < f->n; i++) {
		const struct sk_field_def *d = &f->defs[i];
		if (!sk_field_def_applies(d, source) || (d->field->flags & SK_FIELD_HIDDEN)) {
			continue;
		}
		unsigned dist = sk_edit_distance(name, d->field->name);
		if (dist < best_d) {
			best_d = dist;
			best = d->field->name;
		}
	}
	return best;
}

/* the text is a decimal number that fits in 64 bits */
static bool parse_index(const char *s, uint64_t *ret)
{
	if (!*s) {
		return false;
	}
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9') {
			return false;
		}
		if (v > (UINT64_MAX - 9) / 10) {
			return false;
		}
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*ret = v;
	return true;
}

int sk_fields_resolve(const struct sk_fields *f, const char *source, const char *name,
		      const char *arg, struct sk_field_ref *ret, char *err, size_t errlen)
{
	memset(ret, 0, sizeof(*ret));
	const char *suffix = NULL;
	const struct sk_field_def *d = sk_fields_find(f, source, name, &suffix);
	if (!d && source && sk_fields_find(f, NULL, name, NULL)) {
		snprintf(err, errlen, "field '%s' is not available for source '%s'", name, source);
		return -ENOENT;
	}
	if (!d) {
		const char *s = sk_fields_suggest(f, source, name);
		if (s) {
			snprintf(err, errlen, "unknown field '%s' (did you mean '%s'?)", name, s);
		} else {
			snprintf(err, errlen, "unknown field '%s'", name);
		}
		return -ENOENT;
	}
	const char *fname = d->field->name;
	uint32_t flags = d->field->flags;
	if (suffix) {
		if (arg) {
			snprintf(err, errlen, "field '%s' takes one argument, not '.%s' and '[%s]'",
				 fname, suffix, arg);
			return -EINVAL;
		}
		arg = suffix;
	}
	if (arg) {
		uint64_t idx = 0;
		bool is_num = parse_index(arg, &idx);
		if (!(flags & (SK_FIELD_ARG_INDEX | SK_FIELD_ARG_KEY))) {
			snprintf(err, errlen, "field '%s' does not take an argument", fname);
			return -EINVAL;
		}
		if (!(flags & SK_FIELD_ARG_KEY) && !is_num) {
			snprintf(err, errlen, "field '%s' needs a numeric argument, not '%s'",
				 fname, arg);
			return -EINVAL;
		}
		if (!*arg) {
			snprintf(err, errlen, "field '%s' has an empty argument", fname);
			return -EINVAL;
		}
		ret->arg = strdup(arg);
		if (!ret->arg) {
			return -ENOMEM;
		}
		ret->req.arg_key = ret->arg;
		ret->req.has_index = is_num;
		ret->req.arg_index = idx;
	} else if (flags & SK_FIELD_ARG_REQUIRED) {
		snprintf(err, errlen, "field '%s' requires an argument: %s[...]", fname, fname);
		return -EINVAL;
	}
	ret->def = d;
	ret->req.field_idx = d->index;
	return 0;
}

void sk_field_ref_fini(struct sk_field_ref *r)
{
	if (!r) {
		return;
	}
	free(r->arg);
	r->arg = NULL;
	r->req.arg_key = NULL;
}

int sk_field_ref_copy(struct sk_field_ref *dst, const struct sk_field_ref *src)
{
	*dst = *src;
	if (src->arg) {
		dst->arg = strdup(src->arg);
		if (!dst->arg) {
			return -ENOMEM;
		}
		dst->req.arg_key = dst->arg;
	}
	return 0;
}

size_t sk_fields_count(const struct sk_fields *f)
{
	return f->n;
}

const struct sk_field_def *sk_fields_at(const struct sk_fields *f, size_t i)
{
	return i < f->n ? &f->defs[i] : NULL;
}

const char *sk_type_name(uint32_t type)
{
	switch (type) {
	case SK_TYPE_U64:
		return "uint64";
	case SK_TYPE_I64:
		return "int64";
	case SK_TYPE_BOOL:
		return "bool";
	case SK_TYPE_STRING:
		return "string";
	case SK_TYPE_BYTES:
		return "bytes";
	case SK_TYPE_IPADDR:
		return "ipaddr";
	case SK_TYPE_IPNET:
		return "ipnet";
	case SK_TYPE_ABSTIME:
		return "abstime";
	case SK_TYPE_RELTIME:
		return "reltime";
	case SK_TYPE_PORT:
		return "port";
	case SK_TYPE_LIST:
		return "list";
	default:
		return "none";
	}
}
