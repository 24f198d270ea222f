/* core/rules/fields.h - the field registry: every field that extractor
 * plugins provide, by name and source, with its type; lookup with `[arg]`
 * parsing and "did you mean" suggestions; the event-type name tables that
 * sources provide for `evt.type` constraints.
 *
 * The registry borrows the plugins' static field tables and instance
 * pointers: plugins must outlive it.
 */
#ifndef SK_CORE_RULES_FIELDS_H
#define SK_CORE_RULES_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <shrike/plugin.h>
#include <shrike/value.h>

struct sk_fields;

/* One registered field. All pointers are borrowed from the plugin.
 *
 * Several values: a field with SK_FIELD_LIST returns a list (a condition
 * `in` holds when every item is in the set). A field without it may still
 * return SK_TYPE_LIST for one event to mean "any of these values" (fd.ip:
 * client or server address; proc.aname without an index: any ancestor);
 * then `in`, like every other operator, holds when it holds for any value,
 * and `!=` when no value equals. */
struct sk_field_def {
	const struct sk_field *field;	/* name, type, flags, desc */
	const struct sk_plugin *plugin; /* the extractor */
	const struct sk_extract_ops *ops; /* its extract role: extract(), ... */
	void *inst;			  /* its instance, passed to extract() */
	uint32_t index;			  /* index in ops->fields */
	const char *const *sources;	  /* ops->sources: NULL = every source */
};

/* A resolved reference to a field with its argument, ready for extract(). */
struct sk_field_ref {
	const struct sk_field_def *def;
	struct sk_field_req req; /* req.arg_key points to `arg` below */
	char *arg;		 /* owned copy of the argument text, or NULL */
};

/* Event type lookup a source provides: write the numeric event types named
 * `name` (e.g. "open" may name several types) into ret_types (at most max)
 * and return how many there are (0: unknown name). */
typedef size_t (*sk_evttype_lookup_cb)(void *ctx, const char *name, uint16_t *ret_types,
				       size_t max);

/* sk_fields_create - an empty registry, or NULL (errno ENOMEM). */
struct sk_fields *sk_fields_create(void);

/* sk_fields_destroy - free the registry; NULL is a no-op. */
void sk_fields_destroy(struct sk_fields *f);

/* sk_fields_add_plugin - register every field of an extractor plugin (one
 * with an extract table holding `fields` and `extract`). `inst` is what
 * extract() receives. A field name already registered for an overlapping
 * source is an error (-EEXIST, message in err); a plugin without the role,
 * -EINVAL.
 * When the plugin has `event_names`, they become the event-type lookup of
 * each of its sources, or of "syscall" when it applies to every source (see
 * sk_fields_set_evttypes). The plugin and its
 * tables are borrowed and must outlive the registry. */
int sk_fields_add_plugin(struct sk_fields *f, const struct sk_plugin *p, void *inst, char *err,
			 size_t errlen);

/* sk_fields_add_source - declare an event source that exists (a loaded source
 * plugin's event_source, or "syscall"). Rules for sources never declared are
 * skipped with a warning; while no source is declared at all, every source
 * counts as known. Returns 0 or -ENOMEM. */
int sk_fields_add_source(struct sk_fields *f, const char *source);

/* sk_fields_has_source - whether rules for `source` can be loaded. */
bool sk_fields_has_source(const struct sk_fields *f, const char *source);

/* sk_fields_source_count - how many sources were declared (0: every source
 * is accepted). */
size_t sk_fields_source_count(const struct sk_fields *f);

/* sk_fields_set_evttypes - install the event-type name lookup of `source`
 * (replacing a previous one). `ctx` is borrowed. Returns 0 or -ENOMEM. */
int sk_fields_set_evttypes(struct sk_fields *f, const char *source, sk_evttype_lookup_cb cb,
			   void *ctx);

/* sk_fields_evttypes - look an event type name up for `source`; returns the
 * number of types written (0: unknown name), or -ENOENT when the source has
 * no lookup installed. */
int sk_fields_evttypes(const struct sk_fields *f, const char *source, const char *name,
		       uint16_t *ret_types, size_t max);

/* sk_fields_find - the field called `name` for `source` (NULL source: any).
 * Besides exact names, a name "P.rest" finds field P when P takes a key
 * argument (evt.arg.name means evt.arg[name]); *ret_suffix then points to
 * "rest" inside `name`, otherwise it is set to NULL. Returns NULL when
 * unknown. */
/* sk_fields_extract_failed - an extract() returned SK_ERR: count it and log
 * the plugin's last_error() at most once every 10 s. Event-loop thread. */
void sk_fields_extract_failed(const struct sk_field_def *d);

/* sk_fields_extract - call the field's extract(); SK_ERR is reported
 * (sk_fields_extract_failed) and returned like any other result. */
static inline int sk_fields_extract(const struct sk_field_def *d, const struct sk_event *ev,
				    const struct sk_field_req *req, struct sk_value *ret_val)
{
	int rc = d->ops->extract(d->inst, ev, req, ret_val);
	if (rc == SK_ERR) {
		sk_fields_extract_failed(d);
	}
	return rc;
}

const struct sk_field_def *sk_fields_find(const struct sk_fields *f, const char *source,
					  const char *name, const char **ret_suffix);

/* sk_fields_resolve - resolve `name` with its optional bracket argument
 * (`arg`, NULL when written without brackets) into *ret, checking the
 * argument against the field's SK_FIELD_ARG_* flags. On error returns
 * -ENOENT (unknown field) or -EINVAL (bad argument) with a message without
 * position in err, e.g. "unknown field 'proc.nmae' (did you mean
 * 'proc.name'?)". Free *ret with sk_field_ref_fini(). */
int sk_fields_resolve(const struct sk_fields *f, const char *source, const char *name,
		      const char *arg, struct sk_field_ref *ret, char *err, size_t errlen);

/* sk_field_ref_fini - free what a resolved reference owns. */
void sk_field_ref_fini(struct sk_field_ref *r);

/* sk_field_ref_copy - deep copy. Returns 0 or -ENOMEM. */
int sk_field_ref_copy(struct sk_field_ref *dst, const struct sk_field_ref *src);

/* sk_fields_suggest - the registered name closest to `name` for `source`
 * (edit distance at most a third of its length, at least 2), or NULL. */
const char *sk_fields_suggest(const struct sk_fields *f, const char *source, const char *name);

/* sk_fields_count / sk_fields_at - iterate the registered fields in
 * registration order (for --list). */
size_t sk_fields_count(const struct sk_fields *f);
const struct sk_field_def *sk_fields_at(const struct sk_fields *f, size_t i);

/* sk_field_def_applies - whether the field applies to `source`. */
bool sk_field_def_applies(const struct sk_field_def *d, const char *source);

/* sk_type_name - "string", "uint64", ... for messages. */
const char *sk_type_name(uint32_t type);

/* sk_edit_distance - Levenshtein distance of two strings (bounded to
 * strings of at most 255 bytes; longer ones return a large value). */
unsigned sk_edit_distance(const char *a, const char *b);

#endif /* SK_CORE_RULES_FIELDS_H */
