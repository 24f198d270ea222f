/* core/rules/format.h - rule output strings: "%field", "%field[arg]",
 * "%(field)" resolved against the field registry once, then rendered per
 * alert into a message (missing values as <NA>) plus typed output fields.
 */
#ifndef SK_CORE_RULES_FORMAT_H
#define SK_CORE_RULES_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include <shrike/alert.h>
#include <shrike/plugin.h>

#include "rules/fields.h"

struct sk_rule_fmt;
struct sk_rule_fmt_buf;

/* sk_rule_fmt_compile - parse an output string for `source`. A field name
 * after '%' is the longest registered name made of [a-zA-Z0-9_.] (so
 * "%proc.name." and "%fd.name," end before the punctuation), optionally
 * followed by "[arg]"; "%(name)" delimits it explicitly; a '%' not followed
 * by a field is kept as text. "%container.info" prints nothing when no
 * plugin provides that field (Falco's placeholder). On error returns -ENOENT/-EINVAL with the
 * message in err and the byte offset in *ret_off. */
int sk_rule_fmt_compile(const char *text, const struct sk_fields *fields, const char *source,
			struct sk_rule_fmt **ret, char *err, size_t errlen, size_t *ret_off);

/* sk_rule_fmt_add_field - also extract `name` (with optional [arg]) into the
 * output fields without printing it. Same errors as compile. */
int sk_rule_fmt_add_field(struct sk_rule_fmt *f, const char *name, const struct sk_fields *fields,
			  const char *source, char *err, size_t errlen);

/* sk_rule_fmt_add_const - an output field with a fixed string value
 * (append_output's `name: value` extra fields); a field of the same name
 * already in the output wins. Returns 0 or -ENOMEM. */
int sk_rule_fmt_add_const(struct sk_rule_fmt *f, const char *name, const char *value);

void sk_rule_fmt_destroy(struct sk_rule_fmt *f);

/* sk_rule_fmt_buf_create - scratch space for rendering, reused across
 * calls (grows, never shrinks). NULL on ENOMEM. */
struct sk_rule_fmt_buf *sk_rule_fmt_buf_create(void);
void sk_rule_fmt_buf_destroy(struct sk_rule_fmt_buf *b);

/* sk_rule_fmt_render - render for one event. *ret_msg and *ret_fields (one
 * entry per distinct field, in order of appearance; NA values have type
 * SK_TYPE_NONE) point into `b` and stay valid until its next use. Returns 0
 * or -ENOMEM. */
int sk_rule_fmt_render(const struct sk_rule_fmt *f, const struct sk_event *ev,
		       struct sk_rule_fmt_buf *b, const char **ret_msg,
		       const struct sk_alert_field **ret_fields, size_t *ret_nfields);

/* sk_value_to_text - append the text form of a value (as in messages) to
 * out (at most outlen bytes, NUL-terminated); returns the length it needs
 * (like snprintf). */
size_t sk_value_to_text(const struct sk_value *v, char *out, size_t outlen);

#endif /* SK_CORE_RULES_FORMAT_H */
