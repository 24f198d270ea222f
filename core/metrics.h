/* core/metrics.h - one collection of the daemon's metrics and its three
 * renderings: the snapshot's fields (internal alert, output_file, log) and
 * the Prometheus text exposition (shrike_* names, and Falco's
 * falcosecurity_* names when asked). A metric carries its snapshot name and
 * value and its Prometheus name, labels and value separately, because the
 * two follow different conventions (MB or kB and percentages in the
 * snapshot, base units in Prometheus). Not thread-safe: one set per
 * collection. */
#ifndef SK_CORE_METRICS_H
#define SK_CORE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/sbuf.h"

struct sk_alert_field;

enum met_type {
	MET_COUNTER, /* only grows while the daemon runs */
	MET_GAUGE,   /* goes up and down */
};

/* A number: integral (u64) or not (d). */
struct met_num {
	bool is_double;
	uint64_t u;
	double d;
};

struct met {
	/* snapshot: "shrike.n_threads"; NULL: not in the snapshot */
	const char *snap;
	struct met_num snap_val;
	const char *snap_str; /* or this text instead of snap_val */
	/* Prometheus, without the shrike_ prefix: "state_threads"; NULL: none */
	const char *prom;
	const char *prom_labels; /* `k="v",k2="v2"` (escaped) or NULL */
	/* Falco's name, whole: "falcosecurity_scap_n_threads"; NULL: none */
	const char *falco;
	const char *falco_labels;
	struct met_num prom_val; /* in base units; Falco's names use it too */
	enum met_type type;
	const char *help; /* static, one line */
};

struct met_set {
	struct met *v;
	size_t n, cap;
	char **strs; /* strings the set owns */
	size_t nstrs, capstrs;
	bool oom; /* sticky: something was left out */
};

/* met_set_init / met_set_free - an empty set; free what it holds. */
void met_set_init(struct met_set *s);
void met_set_free(struct met_set *s);

/* met_add - append m; its strings must outlive the set (static, or made by
 * met_strf). Returns the stored copy, or NULL (and sets oom). */
struct met *met_add(struct met_set *s, const struct met *m);

/* met_strf - a string the set owns, printf-style. NULL (oom set) on ENOMEM. */
char *met_strf(struct met_set *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* met_label - `name="value"` with value escaped for Prometheus (\\ \" \n),
 * appended to b after a comma when b is not empty. */
void met_label(struct sk_sbuf *b, const char *name, const char *value);

/* met_u64 / met_dbl - numbers. */
static inline struct met_num met_u64(uint64_t u)
{
	return (struct met_num){.u = u};
}
static inline struct met_num met_dbl(double d)
{
	return (struct met_num){.is_double = true, .d = d};
}

/* met_num_zero - whether a number is 0 (include_empty_values: false leaves
 * such snapshot entries out). */
bool met_num_zero(const struct met_num *n);

/* met_snapshot_fields - the snapshot as alert fields: integral values as
 * SK_TYPE_U64, others as text with up to 4 decimals (alert fields have no
 * floating type); entries that are 0 left out unless with_empty. *ret is
 * malloc'd (the names and strings point into the set and `text`, which
 * must live as long); the caller frees both. Returns the count, or -ENOMEM. */
long met_snapshot_fields(const struct met_set *s, bool with_empty, struct sk_alert_field **ret,
			 char **ret_text);

/* met_snapshot_json - the snapshot's `output_fields` object as JSON, numbers
 * as JSON numbers. */
void met_snapshot_json(const struct met_set *s, bool with_empty, struct sk_sbuf *out);

/* met_prometheus - the text exposition format 0.0.4: every metric with a
 * Prometheus name under `shrike_`, grouped by name with one HELP and TYPE
 * each; with falco_names, also the metrics that have Falco's names. */
void met_prometheus(const struct met_set *s, bool falco_names, struct sk_sbuf *out);

#endif /* SK_CORE_METRICS_H */
