/* sources/ebpf/ebpf_diag.c - what the `ebpf` source says about loading
 * its probe: libbpf's messages routed to the host log (kept aside while
 * loading), one error line for a failed load (the program and the
 * verifier's reason with its full log in a file, or the map and the kernel
 * feature it needs), and every program's verified instructions against
 * the budget.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpf_priv.h"
#include "probe.skel.h"

/* note_load_message - keep what a failed load needs from one libbpf
 * message (libbpf 1.1's wording): the program or map it names and the
 * verifier log between "-- BEGIN PROG LOAD LOG --" and
 * "-- END PROG LOAD LOG --". */
static void note_load_message(struct ebpf *e, enum libbpf_print_level level, const char *text)
{
	const char *m = strncmp(text, "libbpf: ", 8) == 0 ? text + 8 : text;
	const char *q = NULL;
	const char *begin = strstr(m, "-- BEGIN PROG LOAD LOG --\n");
	if (begin != NULL) {
		begin += strlen("-- BEGIN PROG LOAD LOG --\n");
		const char *end = strstr(begin, "-- END PROG LOAD LOG --");
		size_t len = end != NULL ? (size_t)(end - begin) : strlen(begin);
		free(e->vlog);
		e->vlog = strndup(begin, len);
		return;
	}
	if (strncmp(m, "prog '", 6) == 0 && (q = strchr(m + 6, '\'')) != NULL &&
	    strncmp(q, "': BPF program load failed", 26) == 0) {
		snprintf(e->failed_prog, sizeof(e->failed_prog), "%.*s", (int)(q - m - 6), m + 6);
		return;
	}
	if (strncmp(m, "map '", 5) == 0 && (q = strchr(m + 5, '\'')) != NULL &&
	    strncmp(q, "': failed to create", 19) == 0 && e->failed_map[0] == '\0') {
		snprintf(e->failed_map, sizeof(e->failed_map), "%.*s", (int)(q - m - 5), m + 5);
		const char *why = q + 19;
		why += strspn(why, ": ");
		snprintf(e->map_why, sizeof(e->map_why), "%.*s", (int)strcspn(why, "(\n"), why);
		return;
	}
	if (level == LIBBPF_WARN && strncmp(m, "failed to load", 14) != 0 &&
	    strstr(m, "failed to load: -") == NULL) {
		snprintf(e->last_warn, sizeof(e->last_warn), "%.*s", (int)strcspn(m, "\n"), m);
	}
}

/* libbpf's messages into the host log, line by line. While the probe is
 * loading, everything goes to the debug log (a verifier log in full) and
 * eb_open turns a failure into one error line; otherwise warnings stay
 * warnings and a long message keeps only its last 40 lines. */
int ebpf_diag_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	struct ebpf *e = eb_log_inst;
	if (e == NULL || level == LIBBPF_DEBUG) {
		return 0;
	}
	char *text = NULL;
	va_list cp;
	va_copy(cp, ap);
	int n = vasprintf(&text, fmt, cp);
	va_end(cp);
	if (n < 0 || text == NULL) {
		return 0;
	}
	int lvl = level == LIBBPF_WARN ? SK_LOG_WARNING : SK_LOG_INFO;
	size_t skip = 0;
	if (e->loading) {
		note_load_message(e, level, text);
		lvl = SK_LOG_DEBUG;
	} else {
		size_t nlines = 0;
		for (char *p = text; *p; p++) {
			nlines += *p == '\n';
		}
		skip = nlines > 40 ? nlines - 40 : 0;
		if (skip > 0) {
			eb_log(e, lvl, "libbpf: (%zu lines of the verifier log left out)", skip);
		}
	}
	char *save = NULL;
	size_t i = 0;
	for (char *l = strtok_r(text, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		if (i++ < skip) {
			continue;
		}
		eb_log(e, lvl, "%s%s", strncmp(l, "libbpf:", 7) == 0 ? "" : "libbpf: ", l);
	}
	free(text);
	return n;
}

/* ---- verifier cost and load diagnosis ------------------------------------------ */

#define EB_INSN_BUDGET	 100000u
#define EB_STAT_LOG_SIZE 65536u /* BPF_LOG_STATS: a few lines, more on a failure */

/* 1000000 -> "1,000,000" */
static const char *thousands(unsigned long long v, char *buf, size_t len)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%llu", v);
	size_t o = 0;
	for (int i = 0; i < n && o + 2 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0) {
			buf[o++] = ',';
		}
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* The verifier's statistics line: "processed N insns (limit L) ...".
 * Returns whether `log` has one; *ret_limit may be NULL. */
static bool stats_insns(const char *log, unsigned *ret_n, unsigned *ret_limit)
{
	const char *p = log;
	while (p != NULL && (p = strstr(p, "processed ")) != NULL) {
		unsigned n = 0, limit = 0;
		int got = sscanf(p, "processed %u insns (limit %u)", &n, &limit);
		if (got >= 1) {
			*ret_n = n;
			if (ret_limit != NULL) {
				*ret_limit = got == 2 ? limit : 0;
			}
			return true;
		}
		p += 10;
	}
	return false;
}

/* Before loading: every program gets a BPF_LOG_STATS (level 4) log buffer
 * of its own, so kernels without bpf_prog_info.verified_insns (before 5.16)
 * still tell ebpf_diag_report_verified() the verifier's count. A user buffer stops
 * libbpf from printing the log of a failed program; ebpf_diag_failed_load() loads
 * that program once more for its full log. */
void ebpf_diag_set_stat_logs(struct ebpf *e)
{
	struct bpf_program *p;
	size_t n = 0;
	bpf_object__for_each_program(p, e->skel->obj)
	{
		n++;
	}
	e->stat_logs = calloc(n ? n : 1, sizeof(*e->stat_logs));
	if (e->stat_logs == NULL) {
		return; /* no statistics: ebpf_diag_report_verified says so */
	}
	e->nstat_logs = n;
	size_t i = 0;
	bpf_object__for_each_program(p, e->skel->obj)
	{
		char *buf = calloc(1, EB_STAT_LOG_SIZE);
		e->stat_logs[i++] = buf;
		if (buf != NULL && bpf_program__set_log_buf(p, buf, EB_STAT_LOG_SIZE) == 0) {
			bpf_program__set_log_level(p, 4 /* BPF_LOG_STATS */);
		}
	}
}

void ebpf_diag_free_stat_logs(struct ebpf *e)
{
	for (size_t i = 0; i < e->nstat_logs; i++) {
		free(e->stat_logs[i]);
	}
	free(e->stat_logs);
	e->stat_logs = NULL;
	e->nstat_logs = 0;
}

/* The BPF_LOG_STATS log of program p ("" when there is none). */
static const char *stat_log(struct ebpf *e, const struct bpf_program *p)
{
	struct bpf_program *q;
	size_t i = 0;
	bpf_object__for_each_program(q, e->skel->obj)
	{
		if (q == p) {
			return i < e->nstat_logs && e->stat_logs[i] != NULL ? e->stat_logs[i] : "";
		}
		i++;
	}
	return "";
}

/* The verifier's cost of every loaded program, at debug level, one line
 * each: "eBPF program NAME: N verified instructions (budget 100000)". The
 * count comes from bpf_prog_info.verified_insns (Linux 5.16), else from the
 * verifier's statistics line in the program's BPF_LOG_STATS log (older
 * kernels). After a failed load, the programs the verifier accepted
 * before the failure are reported from their statistics log. A program
 * over the budget is a warning: a count near the verifier's limit is a
 * refusal waiting for the next kernel. Returns the largest count seen (0:
 * none reported). */
__u32 ebpf_diag_report_verified(struct ebpf *e)
{
	struct bpf_program *p;
	__u32 most = 0;
	bpf_object__for_each_program(p, e->skel->obj)
	{
		int fd = bpf_program__fd(p);
		unsigned n = 0;
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    len >= offsetof(struct bpf_prog_info, verified_insns) + sizeof(__u32) &&
		    info.verified_insns != 0) {
			n = info.verified_insns;
		} else if (strcmp(bpf_program__name(p), e->failed_prog) != 0 &&
			   stats_insns(stat_log(e, p), &n, NULL) && n > 0) {
			/* older kernels; or verified before a failed load */
		} else {
			if (fd >= 0) {
				eb_log(
				    e, SK_LOG_DEBUG,
				    "eBPF program %s: verified instructions not reported by this "
				    "kernel",
				    bpf_program__name(p));
			}
			continue;
		}
		eb_log(e, SK_LOG_DEBUG, "eBPF program %s: %u verified instructions (budget %u)",
		       bpf_program__name(p), n, EB_INSN_BUDGET);
		if (n > EB_INSN_BUDGET) {
			eb_log(e, SK_LOG_WARNING,
			       "eBPF program %s: %u verified instructions, over the budget of %u "
			       "(the verifier refuses 1000000; a newer kernel may count more)",
			       bpf_program__name(p), n, EB_INSN_BUDGET);
		}
		if (n > most) {
			most = n;
		}
	}
	return most;
}

/* The reason in a verifier log, as a phrase: the instruction limit, or
 * the last line that is neither an instruction, a state dump nor a
 * statistic. */
static void verifier_reason(const char *log, char *buf, size_t len)
{
	unsigned n = 0, limit = 0;
	buf[0] = '\0';
	if (log == NULL) {
		return;
	}
	if (strstr(log, "BPF program is too large") != NULL) {
		char lim[32];
		if (!stats_insns(log, &n, &limit) || limit == 0) {
			limit = 1000000;
		}
		snprintf(buf, len, "it exceeds the verifier's limit of %s instructions",
			 thousands(limit, lim, sizeof(lim)));
		return;
	}
	const char *p = log;
	while (*p != '\0') {
		size_t l = strcspn(p, "\n");
		static const char *const noise[] = {"processed ",
						    "verification time",
						    "stack depth",
						    "func#",
						    "from ",
						    "mark_precise",
						    "last_idx",
						    "regs=",
						    "parent ",
						    "Live regs",
						    "Global function",
						    ";",
						    "(",
						    "-- "};
		bool skip = l == 0 || (*p >= '0' && *p <= '9') || *p == ' ' || *p == '\t';
		for (size_t i = 0; i < sizeof(noise) / sizeof(noise[0]) && !skip; i++) {
			skip = strncmp(p, noise[i], strlen(noise[i])) == 0;
		}
		if (!skip) {
			snprintf(buf, len, "%.*s", (int)l, p);
		}
		p += l + (p[l] == '\n');
	}
}

/* Write `text` to DIR/NAME, DIR being /run/shrike (created 0700), or a new
 * temporary directory when /run is not writable. The path in ret_path
 * ("" on failure). */
static void write_log_file(const char *name, const char *text, char *ret_path, size_t len)
{
	char dir[256] = "/run/shrike";
	struct stat st;
	ret_path[0] = '\0';
	if (mkdir(dir, 0700) != 0 &&
	    (errno != EEXIST || lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
	     st.st_uid != geteuid() || access(dir, W_OK) != 0)) {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/shrike-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (mkdtemp(dir) == NULL) {
			return;
		}
	}
	snprintf(ret_path, len, "%s/%s", dir, name);
	int fd = open(ret_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	size_t n = strlen(text), done = 0;
	while (fd >= 0 && done < n) {
		ssize_t w = write(fd, text + done, n - done);
		if (w <= 0) {
			break;
		}
		done += (size_t)w;
	}
	if (fd < 0 || done < n) {
		ret_path[0] = '\0';
	}
	if (fd >= 0) {
		close(fd);
	}
}

/* Load the failed program `name` once more, alone and at log level 1 in
 * libbpf's own (growing) buffer, for its full verifier log: libbpf prints
 * it and note_load_message() keeps it in e->vlog. The probe is opened
 * afresh with the settings of e->skel copied over (read-only data, map
 * types, flags and sizes, the ring template), so the program is verified
 * as it was. */
static void reload_for_log(struct ebpf *e, const char *name)
{
	struct probe_bpf *s = ebpf_load_open();
	if (s == NULL) {
		return;
	}
	struct bpf_map *m;
	bpf_object__for_each_map(m, s->obj)
	{
		struct bpf_map *old = bpf_object__find_map_by_name(e->skel->obj, bpf_map__name(m));
		if (old == NULL) {
			continue;
		}
		bpf_map__set_type(m, bpf_map__type(old)); /* ebpf_load_pick_programs' fallbacks */
		bpf_map__set_map_flags(m, bpf_map__map_flags(old));
		bpf_map__set_max_entries(m, bpf_map__max_entries(old));
		size_t oldsz = 0, newsz = 0;
		const void *ov = bpf_map__initial_value(old, &oldsz);
		if (ov != NULL && bpf_map__initial_value(m, &newsz) != NULL && oldsz == newsz) {
			bpf_map__set_initial_value(m, ov, oldsz);
		}
		enum bpf_map_type t = bpf_map__type(m);
		if ((t == BPF_MAP_TYPE_ARRAY_OF_MAPS || t == BPF_MAP_TYPE_HASH_OF_MAPS) &&
		    e->ring_fds[0] >= 0) {
			bpf_map__set_inner_map_fd(m, e->ring_fds[0]);
		}
	}
	struct bpf_program *p;
	bpf_object__for_each_program(p, s->obj)
	{
		bool it = strcmp(bpf_program__name(p), name) == 0;
		bpf_program__set_autoload(p, it);
		if (it) {
			bpf_program__set_log_level(p, 1);
		}
	}
	probe_bpf__load(s);
	probe_bpf__destroy(s);
}

/* Kernel features behind map types: what a refused map needs. */
static const struct {
	enum bpf_map_type type;
	const char *name;
	const char *since;
} map_features[] = {
    {BPF_MAP_TYPE_HASH, "BPF_MAP_TYPE_HASH", "3.19"},
    {BPF_MAP_TYPE_ARRAY, "BPF_MAP_TYPE_ARRAY", "3.19"},
    {BPF_MAP_TYPE_PROG_ARRAY, "BPF_MAP_TYPE_PROG_ARRAY", "4.2"},
    {BPF_MAP_TYPE_PERF_EVENT_ARRAY, "BPF_MAP_TYPE_PERF_EVENT_ARRAY", "4.3"},
    {BPF_MAP_TYPE_PERCPU_HASH, "BPF_MAP_TYPE_PERCPU_HASH", "4.6"},
    {BPF_MAP_TYPE_PERCPU_ARRAY, "BPF_MAP_TYPE_PERCPU_ARRAY", "4.6"},
    {BPF_MAP_TYPE_STACK_TRACE, "BPF_MAP_TYPE_STACK_TRACE", "4.6"},
    {BPF_MAP_TYPE_LRU_HASH, "BPF_MAP_TYPE_LRU_HASH", "4.10"},
    {BPF_MAP_TYPE_LRU_PERCPU_HASH, "BPF_MAP_TYPE_LRU_PERCPU_HASH", "4.10"},
    {BPF_MAP_TYPE_LPM_TRIE, "BPF_MAP_TYPE_LPM_TRIE", "4.11"},
    {BPF_MAP_TYPE_ARRAY_OF_MAPS, "BPF_MAP_TYPE_ARRAY_OF_MAPS", "4.12"},
    {BPF_MAP_TYPE_HASH_OF_MAPS, "BPF_MAP_TYPE_HASH_OF_MAPS", "4.12"},
    {BPF_MAP_TYPE_QUEUE, "BPF_MAP_TYPE_QUEUE", "4.20"},
    {BPF_MAP_TYPE_STACK, "BPF_MAP_TYPE_STACK", "4.20"},
    {BPF_MAP_TYPE_SK_STORAGE, "BPF_MAP_TYPE_SK_STORAGE", "5.2"},
    {BPF_MAP_TYPE_RINGBUF, "BPF_MAP_TYPE_RINGBUF", "5.8"},
    {BPF_MAP_TYPE_INODE_STORAGE, "BPF_MAP_TYPE_INODE_STORAGE", "5.10"},
    {BPF_MAP_TYPE_TASK_STORAGE, "BPF_MAP_TYPE_TASK_STORAGE", "5.11"},
    {BPF_MAP_TYPE_BLOOM_FILTER, "BPF_MAP_TYPE_BLOOM_FILTER", "5.16"},
    {BPF_MAP_TYPE_USER_RINGBUF, "BPF_MAP_TYPE_USER_RINGBUF", "6.1"},
};

/* ebpf_diag_failed_load - one error line for a failed probe_bpf__load (r): the
 * program and the verifier's reason (its full log written to a file, see
 * write_log_file), or the map and the kernel feature it needs, and the
 * kernel's release either way. */
void ebpf_diag_failed_load(struct ebpf *e, int r, char *err, size_t errlen)
{
	char rel[128], reason[256], path[512] = "";
	ebpf_load_kernel_release(rel, sizeof(rel));
	if (e->failed_prog[0] != '\0') {
		char prog[sizeof(e->failed_prog)];
		snprintf(prog, sizeof(prog), "%s", e->failed_prog);
		const struct bpf_program *p = bpf_object__find_program_by_name(e->skel->obj, prog);
		const char *stats = p != NULL ? stat_log(e, p) : "";
		free(e->vlog);
		e->vlog = NULL;
		reload_for_log(e, prog);
		const char *log = e->vlog != NULL && e->vlog[0] != '\0' ? e->vlog : stats;
		/* the statistics pass names a limit the level-1 pass may not reach */
		verifier_reason(strstr(stats, "too large") != NULL ? stats : log, reason,
				sizeof(reason));
		if (reason[0] == '\0') {
			snprintf(reason, sizeof(reason), "%s", strerror(-r));
		}
		char fname[128];
		snprintf(fname, sizeof(fname), "verifier-%s.log", prog);
		if (log[0] != '\0') {
			write_log_file(fname, log, path, sizeof(path));
		}
		snprintf(err, errlen,
			 "the kernel's verifier refused eBPF program '%s' on Linux %s: %s%s%s",
			 prog, rel, reason,
			 path[0] ? "; full verifier log: " : " (no verifier log)", path);
		return;
	}
	if (e->failed_map[0] != '\0') {
		const struct bpf_map *m = bpf_object__find_map_by_name(e->skel->obj, e->failed_map);
		enum bpf_map_type t = m != NULL ? bpf_map__type(m) : BPF_MAP_TYPE_UNSPEC;
		const char *tname = NULL, *since = NULL;
		for (size_t i = 0; i < sizeof(map_features) / sizeof(map_features[0]); i++) {
			if (map_features[i].type == t) {
				tname = map_features[i].name;
				since = map_features[i].since;
			}
		}
		char tbuf[64];
		if (tname == NULL) {
			const char *ts = libbpf_bpf_map_type_str(t);
			snprintf(tbuf, sizeof(tbuf), "map type %s", ts ? ts : "unknown");
			tname = tbuf;
		}
		if (since != NULL && libbpf_probe_bpf_map_type(t, NULL) == 0) {
			snprintf(
			    err, errlen,
			    "cannot create eBPF map '%s' on Linux %s: it is %s, which needs Linux "
			    "%s or later",
			    e->failed_map, rel, tname, since);
		} else {
			snprintf(err, errlen,
				 "cannot create eBPF map '%s' (%s%s%s) on Linux %s: %s",
				 e->failed_map, tname, since ? ", Linux " : "", since ? since : "",
				 rel, e->map_why[0] ? e->map_why : strerror(-r));
		}
		return;
	}
	snprintf(err, errlen, "the kernel refused the eBPF probe on Linux %s: %s%s%s", rel,
		 strerror(-r), e->last_warn[0] ? " (libbpf: " : "",
		 e->last_warn[0] ? e->last_warn : "");
	if (e->last_warn[0]) {
		size_t l = strlen(err);
		snprintf(err + l, errlen - l, ")");
	}
}
