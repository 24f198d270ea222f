/* core/rules/engine.h - the rule engine: loads Falco rule files (lists,
 * macros, rules, exceptions, append/override), compiles every rule
 * against the fields extractor plugins registered, evaluates events against
 * the rules of their source and event type, and formats a matched rule's
 * output with typed output fields.
 *
 * Typical use by the daemon:
 *
 *   struct sk_rules *r = sk_rules_create(fields);
 *   for each rules_files entry: sk_rules_load_path(r, path);   (files or dirs)
 *   sk_rules_set_min_priority(r, pri);                          (priority:)
 *   sk_rules_apply_config(r, the config's `rules:` node)         (or sk_rules_select)
 *   rc = sk_rules_compile(r);
 *   print every sk_rules_diag_at(r, i) (errors make rc != 0)
 *   per event: n = sk_rules_eval(r, &ev, &matched);
 *              for each match: sk_rules_alert(r, matched[i], &ev, &alert_in);
 *                              sk_outputs_emit(outputs, &alert_in);
 *
 * Threading: one engine is used by one thread (the event loop). A reload
 * builds a new engine and swaps it in.
 */
#ifndef SK_CORE_RULES_ENGINE_H
#define SK_CORE_RULES_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <shrike/alert.h>
#include <shrike/plugin.h>

#include "cfg.h"
#include "outputs.h"
#include "rules/fields.h"

/* The rules-language version this engine implements, for
 * required_engine_version (integers N are read as 0.N.0). */
#define SK_RULES_ENGINE_VERSION "0.63.0"

struct sk_rules;

enum sk_rules_level {
	SK_RULES_ERROR = 1,
	SK_RULES_WARNING = 2,
	SK_RULES_INFO = 3, /* worth one line, nothing to fix (a skipped source) */
};

/* One error, warning or note: msg reads "FILE:LINE:COL: what ... in rule 'X'". */
struct sk_rules_diag {
	int level; /* enum sk_rules_level */
	const char *msg;
};

/* A rule, as loaded. Read-only for callers; valid until sk_rules_destroy(). */
struct sk_rule {
	const char *name;
	const char *desc;
	const char *output; /* as written (without append_output) */
	const char *source; /* "syscall" unless the rule says otherwise */
	int priority;	    /* enum sk_priority */
	bool enabled;	    /* after `enabled:` and sk_rules_select() */
	bool loaded;	    /* compiled and evaluable (false: skipped or broken) */
	const char *const *tags;
	size_t ntags;
	const char *file; /* where the rule was defined */
	unsigned line, col;
	size_t index;		  /* definition order */
	const uint16_t *evttypes; /* event types it can match; NULL: all */
	size_t nevttypes;
	uint64_t matches; /* events it matched so far (for metrics) */
	uint64_t evals;	  /* times its condition was evaluated */
	/* cost: every 2^sample_shift-th evaluation is timed */
	uint64_t evals_timed;
	uint64_t eval_ns_timed; /* their total time */
	struct sk_rule_priv *priv;
};

/* sk_rules_create - an empty engine resolving fields through `fields`
 * (borrowed; must outlive the engine). NULL on ENOMEM. */
struct sk_rules *sk_rules_create(const struct sk_fields *fields);

/* sk_rules_destroy - free everything; NULL is a no-op. */
void sk_rules_destroy(struct sk_rules *r);

/* sk_rules_load_path - load one rules file, or every *.yaml / *.yml file of
 * a directory in name order. Items extend or replace earlier ones. Problems
 * are recorded as diagnostics; returns 0, or -EINVAL when an error was
 * recorded (later files still load), -ENOENT/-errno for unreadable paths
 * (also recorded), -EALREADY after sk_rules_compile(). */
int sk_rules_load_path(struct sk_rules *r, const char *path);

/* sk_rules_load_string - the same for YAML text in memory; `name` stands
 * for the file name in positions. */
int sk_rules_load_string(struct sk_rules *r, const char *name, const char *text);

/* sk_rules_set_min_priority - rules less severe than `pri` (enum
 * sk_priority; SK_PRI_DEBUG = everything) are not evaluated. */
void sk_rules_set_min_priority(struct sk_rules *r, int pri);

/* sk_rules_set_match_all - report every matching rule of an event (true),
 * or only the first in definition order (false, Falco's default). */
void sk_rules_set_match_all(struct sk_rules *r, bool all);

/* sk_rules_set_cost_sampling - time one in 2^shift evaluations of each
 * rule's condition (default SK_RULES_COST_SAMPLING: one in 64; 0 times
 * every one, for --profile-rules; SK_RULES_COST_OFF none). */
#define SK_RULES_COST_SAMPLING 6
#define SK_RULES_COST_OFF      64
void sk_rules_set_cost_sampling(struct sk_rules *r, unsigned shift);

/* sk_rule_eval_ns - the estimated time spent evaluating the rule's
 * condition so far: the timed evaluations scaled to all of them. */
double sk_rule_eval_ns(const struct sk_rule *rule);

/* sk_rules_carry_counters - a reload keeps each rule's counters: the rules
 * of `to` take the counts of the rules of `from` with the same name. */
void sk_rules_carry_counters(struct sk_rules *to, const struct sk_rules *from);

/* sk_rules_select - enable or disable rules by name (a shell wildcard
 * pattern such as "*" or "Read sensitive*") or, when `tag` is not NULL, by
 * tag; one of rule_pattern and tag is NULL. Applied in call order, like
 * falco.yaml's `rules:` list. Returns the number of rules matched. */
size_t sk_rules_select(struct sk_rules *r, bool enable, const char *rule_pattern, const char *tag);

/* sk_rules_apply_config - apply falco.yaml's `rules:` section (a sequence
 * of `- enable:` / `- disable:` maps, each with `rule: PATTERN` or
 * `tag: TAG`), in order, with sk_rules_select(). A selector that matches
 * no rule is a warning; a malformed entry an error (both recorded with the
 * node's position). NULL or null node: nothing to do. Returns 0 or
 * -EINVAL. */
int sk_rules_apply_config(struct sk_rules *r, const struct sk_cfg_node *rules_section);

/* sk_rules_set_append_output - add an append_output entry: text appended
 * (after a space) to the output of every rule of `source` (NULL: all), and
 * extra fields that go to output_fields only (Falco's append_output / -p).
 * Entries apply in the order added. Call before sk_rules_compile().
 * Strings are copied. Returns 0 or -ENOMEM. */
int sk_rules_set_append_output(struct sk_rules *r, const char *source, const char *text,
			       const char *const *extra_fields, size_t nextra);

/* sk_rules_apply_append_config - add the entries of falco.yaml's
 * `append_output:` section: a list of maps with `match:` (any of source,
 * tag, rule; all must hold), `extra_output:` (text with %fields) and
 * `extra_fields:` (field names, or `name: value` maps for fixed values).
 * Malformed entries are errors recorded with their position. NULL node:
 * nothing. Call before sk_rules_compile(). Returns 0, -EINVAL, -ENOMEM. */
int sk_rules_apply_append_config(struct sk_rules *r, const struct sk_cfg_node *append_section);

/* sk_rules_compile - expand macros, lists and exceptions, compile every
 * rule and output, index rules by source and event type. Records errors
 * and warnings; returns 0, or -EINVAL when any error was recorded (rules
 * without errors still work), -ENOMEM. Call once, after loading (again:
 * -EALREADY). Until it has run, sk_rules_eval() matches nothing. */
int sk_rules_compile(struct sk_rules *r);

/* Diagnostics, in the order found. A pointer from sk_rules_diag_at() is
 * valid until the engine records another one (load, compile, select); its
 * msg until sk_rules_destroy(). */
size_t sk_rules_diag_count(const struct sk_rules *r);
const struct sk_rules_diag *sk_rules_diag_at(const struct sk_rules *r, size_t i);
size_t sk_rules_error_count(const struct sk_rules *r);

/* Rules in definition order (for -L and tests). */
size_t sk_rules_count(const struct sk_rules *r);
const struct sk_rule *sk_rules_at(const struct sk_rules *r, size_t i);
const struct sk_rule *sk_rules_find(const struct sk_rules *r, const char *name);

/* sk_rules_eval - the rules that match `ev` (of source ev->source, or
 * sk_evt_source_name(ev->rec) when NULL). Returns how many; *ret_matched
 * points to an engine-owned array valid until the next call. No allocation
 * in the steady state. */
size_t sk_rules_eval(struct sk_rules *r, const struct sk_event *ev,
		     const struct sk_rule *const **ret_matched);

/* sk_rules_format - the rule's output for `ev`: the message with every
 * %field replaced (missing values as <NA>), and every field the output (and
 * append_output) names with its typed value. Results are engine-owned and
 * valid until the next format call. Returns 0 or -ENOMEM. */
int sk_rules_format(struct sk_rules *r, const struct sk_rule *rule, const struct sk_event *ev,
		    const char **ret_msg, const struct sk_alert_field **ret_fields,
		    size_t *ret_nfields);

/* sk_rules_alert - sk_rules_format() plus the rest of an alert for
 * sk_outputs_emit(): time from the event, priority, rule, source, tags.
 * Same lifetime rules. */
int sk_rules_alert(struct sk_rules *r, const struct sk_rule *rule, const struct sk_event *ev,
		   struct sk_alert_in *ret);

/* sk_rules_version_cmp - compare two versions "1.2.3" or integers N (read
 * as 0.N.0). Returns <0, 0, >0; -2 when either does not parse (and sets
 * *ok to false when ok is not NULL). */
int sk_rules_version_cmp(const char *a, const char *b, bool *ok);

#endif /* SK_CORE_RULES_ENGINE_H */
