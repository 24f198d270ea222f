/* sources/ebpf/ebpf.c - the `ebpf` source plugin: loads the CO-RE probe
 * (probe.bpf.c, through its libbpf skeleton), fills its syscall table,
 * attaches it, and hands the records it writes to the host.
 *
 * Reading. The probe writes records with BPF_RB_NO_WAKEUP and only forces
 * a wake-up when a ring is filling up (a wake-up per record costs several
 * times the record itself: see docs/ebpf-source.md). This plugin polls the rings on a
 * timerfd whose period backs off from 500 µs (data was there) to 30 ms
 * (idle), Falco's range; the descriptor it gives the host is an epoll set
 * holding that timerfd and the rings' own descriptors, so a forced wake-up
 * is seen at once. Records are copied out of the rings into a batch arena
 * (8-byte aligned, reused), checked with sk_evt_check(), and handed over.
 *
 * Drops. The probe counts records that found no room, per CPU, and the
 * kernel the process-event runs it skipped (prog_misses). Every
 * 100 ms this plugin sums the counters; growth becomes one SK_EVT_DROP
 * record at the head of the next batch. stats() reports the events handed
 * over and the drops not yet handed over as records, so the host's total
 * (records + stats) counts each lost event once.
 *
 * Privileges: root, or CAP_BPF + CAP_PERFMON + CAP_SYS_RESOURCE (and BTF
 * at /sys/kernel/btf/vmlinux, and a BPF ring buffer: Linux 5.8). open()
 * names what is missing. A failed load is one error line (diagnose_load):
 * the program and the verifier's reason, with the full verifier log in
 * /run/shrike/verifier-PROGRAM.log, or the map and the kernel feature it
 * needs; libbpf's messages of the load go to the debug log only. After a
 * load, every program's verified instructions go to the debug log
 * (report_verified).
 *
 * Changing the syscall set at run time: ebpf_set_enabled() on the plugin's
 * copy of the table, then one map update per changed syscall number (see
 * apply_table()), and per changed ia32 number in compat_nr (the map that
 * sends 32-bit calls to the x86-64 rows, apply_compat()); the probe is not
 * reloaded. The host drives it through set_event_types() (eb_set_event_types)
 * with the event types the loaded rules need, at start and after a rules
 * reload, within the set the configuration allows (engine.ebpf.syscalls,
 * all_syscalls).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <shrike/plugin.h>
#include <shrike/syscall_events.h>

#include "ebpf_conf.h"
#include "probe.skel.h"

_Static_assert(sizeof(struct sk_ebpf_sc) == 56, "struct sk_ebpf_sc layout changed");
_Static_assert(sizeof(struct sk_ebpf_pspec) == 4, "struct sk_ebpf_pspec layout changed");
_Static_assert(sizeof(struct sk_ebpf_counters) == 32, "struct sk_ebpf_counters layout changed");

#define EB_MAX_RINGS	 256u
#define EB_BATCH_MAX	 1024u	     /* records per batch */
#define EB_ARENA_SOFT	 (1u << 20)  /* stop filling a batch past this many bytes */
#define EB_POLL_MIN_NS	 500000ull   /* 500 µs */
#define EB_POLL_MAX_NS	 30000000ull /* 30 ms */
#define EB_DROP_CHECK_NS 100000000ull
#define EB_CLOCK_SYNC_NS 1000000000ull
#define EB_ERR		 512

struct ebpf {
	const struct sk_host_api *api;
	struct sk_host *host;
	const struct ebpf_conf *conf;
	uint64_t ring_size;

	struct probe_bpf *skel;
	int nrings;
	int ring_fds[EB_MAX_RINGS];
	struct ring_buffer *rbs[EB_MAX_RINGS];
	int next_ring;
	int epfd, tfd;
	uint64_t poll_ns;
	int ncpus;

	struct sk_ebpf_sc table[SK_EBPF_MAX_SYSCALLS];
	__u32 compat[SK_EBPF_COMPAT_MAX]; /* ia32 number -> row (probe.h SK_CNR_*) */

	/* batch arena */
	unsigned char *arena;
	size_t arena_cap, arena_used;
	const struct sk_evt_hdr *ptrs[EB_BATCH_MAX + 1];
	size_t offs[EB_BATCH_MAX + 1];
	size_t n;
	bool full;

	uint64_t delivered;
	uint64_t bad;
	bool closing;	   /* on_record only counts what is left at close */
	uint64_t left;	   /* records still in the rings at close */
	uint64_t kdrops;   /* drops counted by the probe, last read */
	uint64_t injected; /* drops handed over as SK_EVT_DROP records */
	uint64_t last_drop_check, last_clock_sync;

	/* Loading the probe (see libbpf_print and diagnose_load). While
	 * `loading`, libbpf's messages go to the debug log only and the names
	 * and verifier log of a failure are kept here. */
	bool loading;
	bool fentry;	      /* the entry copies are on fentry (pick_entry) */
	char failed_prog[64]; /* "prog 'X': BPF program load failed" */
	char failed_map[64];  /* "map 'X': failed to create" */
	char map_why[128];    /* the rest of that line */
	char last_warn[256];  /* the last other libbpf warning */
	char *vlog;	      /* the failed program's full verifier log */
	char **stat_logs;     /* per program, in object order: its BPF_LOG_STATS log */
	size_t nstat_logs;
};

/* libbpf prints through one global callback: route it to the instance that
 * is loading (one ebpf source per process). */
static struct ebpf *g_log_inst;

static void eb_log(struct ebpf *e, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void eb_log(struct ebpf *e, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	if (e == NULL || e->api == NULL || e->api->log == NULL) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	e->api->log(e->host, level, "%s", line);
}

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
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	struct ebpf *e = g_log_inst;
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

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ns to add to bpf_ktime_get_boot_ns() for ns since the Unix epoch. */
static uint64_t boot_to_epoch(void)
{
	uint64_t best = 0, best_gap = UINT64_MAX;
	for (int i = 0; i < 3; i++) {
		uint64_t b0 = now_ns(CLOCK_BOOTTIME);
		uint64_t rt = now_ns(CLOCK_REALTIME);
		uint64_t b1 = now_ns(CLOCK_BOOTTIME);
		if (b1 - b0 < best_gap) {
			best_gap = b1 - b0;
			best = rt - (b0 + (b1 - b0) / 2);
		}
	}
	return best;
}

/* ---- privileges ----------------------------------------------------------- */

/* Names of the capabilities among CAP_BPF, CAP_PERFMON, CAP_SYS_RESOURCE
 * the process lacks ("" when it has them all). *ret_fatal: loading cannot
 * work at all (neither CAP_BPF + CAP_PERFMON nor CAP_SYS_ADMIN). A missing
 * CAP_SYS_RESOURCE alone matters only on kernels that charge BPF memory to
 * RLIMIT_MEMLOCK (before 5.11): it is named if loading fails. */
static void missing_caps(char *buf, size_t len, bool *ret_fatal)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	buf[0] = '\0';
	*ret_fatal = false;
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) != 0) {
		return;
	}
	uint64_t eff = (uint64_t)d[0].effective | ((uint64_t)d[1].effective << 32);
	static const struct {
		int cap;
		const char *name;
	} need[] = {{39, "CAP_BPF"}, {38, "CAP_PERFMON"}, {24, "CAP_SYS_RESOURCE"}};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (!(eff & (1ull << need[i].cap))) {
			size_t l = strlen(buf);
			snprintf(buf + l, len - l, "%s%s", l ? ", " : "", need[i].name);
		}
	}
	bool admin = (eff & (1ull << 21)) != 0; /* CAP_SYS_ADMIN */
	bool bpf = (eff & (1ull << 39)) && (eff & (1ull << 38));
	*ret_fatal = !admin && !bpf;
}

/* ---- programs ------------------------------------------------------------------ */

/* Choose what this kernel can run, before loading: sk_sys_exit where the
 * kernel has bpf_rdonly_cast (6.2), else sk_sys_exit_old (the same with
 * helper reads); the tail-called exec and clone programs are never attached
 * themselves (fill_tails() puts them in exit_tails); and where the kernel
 * has no task-local storage (before 5.11), the per-thread state sys_enter
 * keeps for sys_exit lives in an LRU hash keyed by thread id instead (the
 * probe's saved_get() follows the kernel's helpers). */
#define EB_SAVED_FALLBACK_ENTRIES 1024u

/* Where the probe copies what the exec family, connect and bind need at
 * entry: fentry programs on those calls' own functions (probe.bpf.c
 * sk_fe_*), so that no other syscall pays for a sys_enter program; or
 * sk_sys_enter, for every syscall, where one of those functions is not in
 * the kernel's BTF (another architecture, another naming) or every one-path
 * call copies its path (engine.ebpf.paths_at_entry). A kernel without ia32
 * emulation has none of the __ia32_ functions and needs none. */
static const struct {
	const char *prog, *fn;
	bool ia32;
} entry_fns[] = {
    {"sk_fe_execve", "__x64_sys_execve", false},
    {"sk_fe_execveat", "__x64_sys_execveat", false},
    {"sk_fe_connect", "__x64_sys_connect", false},
    {"sk_fe_bind", "__x64_sys_bind", false},
    {"sk_fe_ia32_execve", "__ia32_compat_sys_execve", true},
    {"sk_fe_ia32_execveat", "__ia32_compat_sys_execveat", true},
    {"sk_fe_ia32_connect", "__ia32_sys_connect", true},
    {"sk_fe_ia32_bind", "__ia32_sys_bind", true},
    {"sk_fe_ia32_socketcall", "__ia32_compat_sys_socketcall", true},
};

static void pick_entry(struct ebpf *e, const struct btf *vm, bool allow)
{
	size_t n = sizeof(entry_fns) / sizeof(entry_fns[0]);
	bool x64 = vm != NULL, ia32 = vm != NULL, no_ia32 = true;
	for (size_t i = 0; i < n; i++) {
		bool has = vm != NULL &&
			   btf__find_by_name_kind(vm, entry_fns[i].fn, BTF_KIND_FUNC) >= 0 &&
			   bpf_object__find_program_by_name(e->skel->obj, entry_fns[i].prog) != NULL;
		if (entry_fns[i].ia32) {
			ia32 = ia32 && has;
			no_ia32 = no_ia32 && !has;
		} else {
			x64 = x64 && has;
		}
	}
	if (vm != NULL && btf__find_by_name_kind(vm, "__ia32_sys_getpid", BTF_KIND_FUNC) >= 0) {
		no_ia32 = false;
	}
	bool fe = allow && x64 && (ia32 || no_ia32) && !e->conf->paths_at_entry;
	e->fentry = fe;
	for (size_t i = 0; i < n; i++) {
		struct bpf_program *p =
		    bpf_object__find_program_by_name(e->skel->obj, entry_fns[i].prog);
		if (p != NULL) {
			bpf_program__set_autoload(p, fe && (!entry_fns[i].ia32 || ia32));
		}
	}
	bpf_program__set_autoload(e->skel->progs.sk_sys_enter, !fe);
	eb_log(e, SK_LOG_DEBUG, "entry copies: %s",
	       fe ? (ia32 ? "fentry on the exec family, connect, bind (64-bit and ia32)"
			  : "fentry on the exec family, connect, bind (no ia32 emulation)")
		  : "sys_enter, for every syscall");
}

static void pick_programs(struct ebpf *e, bool fentry)
{
	struct btf *vm = btf__load_vmlinux_btf();
	bool fast = vm != NULL && btf__find_by_name_kind(vm, "bpf_rdonly_cast", BTF_KIND_FUNC) >= 0;
	pick_entry(e, vm, fentry);
	btf__free(vm);
	bpf_program__set_autoload(e->skel->progs.sk_sys_exit, fast);
	bpf_program__set_autoload(e->skel->progs.sk_sys_exit_old, !fast);
	bpf_program__set_autoattach(e->skel->progs.sk_exit_exec, false);
	bpf_program__set_autoattach(e->skel->progs.sk_exit_clone, false);
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) <= 0) {
		struct bpf_map *m = e->skel->maps.saved_map;
		bpf_map__set_type(m, BPF_MAP_TYPE_LRU_HASH);
		bpf_map__set_map_flags(m, 0);
		bpf_map__set_max_entries(m, EB_SAVED_FALLBACK_ENTRIES);
		eb_log(e, SK_LOG_DEBUG,
		       "no task-local storage (Linux 5.11): per-thread state in an LRU hash of %u "
		       "threads",
		       EB_SAVED_FALLBACK_ENTRIES);
	}
}

/* After loading: the programs sys_exit tail-calls (probe.bpf.c exit_tails:
 * 0 exec, 1 clone). */
static int fill_tails(struct ebpf *e)
{
	int map = bpf_map__fd(e->skel->maps.exit_tails);
	const struct bpf_program *progs[] = {e->skel->progs.sk_exit_exec,
					     e->skel->progs.sk_exit_clone};
	for (__u32 k = 0; k < 2; k++) {
		int fd = bpf_program__fd(progs[k]);
		if (bpf_map_update_elem(map, &k, &fd, BPF_ANY) != 0) {
			return -errno;
		}
	}
	return 0;
}

/* ---- verifier cost and load diagnosis ------------------------------------------ */

#define EB_INSN_BUDGET	 100000u
#define EB_STAT_LOG_SIZE 65536u /* BPF_LOG_STATS: a few lines, more on a failure */

/* uname -r, for messages. */
static const char *kernel_release(char *buf, size_t len)
{
	struct utsname u;
	snprintf(buf, len, "%s", uname(&u) == 0 ? u.release : "unknown");
	return buf;
}

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
 * still tell report_verified() the verifier's count. A user buffer stops
 * libbpf from printing the log of a failed program; diagnose_load() loads
 * that program once more for its full log. */
static void set_stat_logs(struct ebpf *e)
{
	struct bpf_program *p;
	size_t n = 0;
	bpf_object__for_each_program(p, e->skel->obj)
	{
		n++;
	}
	e->stat_logs = calloc(n ? n : 1, sizeof(*e->stat_logs));
	if (e->stat_logs == NULL) {
		return; /* no statistics: report_verified says so */
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

static void free_stat_logs(struct ebpf *e)
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
static __u32 report_verified(struct ebpf *e)
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
	struct probe_bpf *s = probe_bpf__open();
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
		bpf_map__set_type(m, bpf_map__type(old)); /* pick_programs' fallbacks */
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

/* diagnose_load - one error line for a failed probe_bpf__load (r): the
 * program and the verifier's reason (its full log written to a file, see
 * write_log_file), or the map and the kernel feature it needs, and the
 * kernel's release either way. */
static void diagnose_load(struct ebpf *e, int r, char *err, size_t errlen)
{
	char rel[128], reason[256], path[512] = "";
	kernel_release(rel, sizeof(rel));
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

/* ---- plugin callbacks ------------------------------------------------------- */

static int eb_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	struct ebpf *e = calloc(1, sizeof(*e));
	if (e == NULL) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	*ret_inst = e;
	e->api = in->api;
	e->host = in->host;
	e->conf = in->config;
	e->epfd = e->tfd = -1;
	for (unsigned i = 0; i < EB_MAX_RINGS; i++) {
		e->ring_fds[i] = -1;
	}
	if (ebpf_buf_size(e->conf, &e->ring_size, err, errlen) < 0) {
		return SK_ERR;
	}
	if (ebpf_build_table(e->conf, e->table, err, errlen) < 0) {
		return SK_ERR;
	}
	return SK_OK;
}

static void eb_close(void *inst)
{
	struct ebpf *e = inst;
	if (e == NULL) {
		return;
	}
	/* Stop recording, then say how many records the host will not see
	 * (written between the last batch and the stop): never silently. */
	if (e->skel != NULL) {
		probe_bpf__detach(e->skel);
	}
	e->closing = true;
	for (int i = 0; i < e->nrings; i++) {
		if (e->rbs[i] != NULL) {
			ring_buffer__consume(e->rbs[i]);
		}
	}
	if (e->left > 0) {
		eb_log(e, SK_LOG_NOTICE,
		       "%" PRIu64 " event(s) recorded after the last batch were not processed "
		       "(the source was stopped)",
		       e->left);
	}
	e->left = 0;
	e->closing = false;
	for (int i = 0; i < e->nrings; i++) {
		ring_buffer__free(e->rbs[i]);
		e->rbs[i] = NULL;
	}
	probe_bpf__destroy(e->skel);
	e->skel = NULL;
	for (int i = 0; i < e->nrings; i++) {
		if (e->ring_fds[i] >= 0) {
			close(e->ring_fds[i]);
			e->ring_fds[i] = -1;
		}
	}
	e->nrings = 0;
	if (e->tfd >= 0) {
		close(e->tfd);
		e->tfd = -1;
	}
	if (e->epfd >= 0) {
		close(e->epfd);
		e->epfd = -1;
	}
	free(e->arena);
	e->arena = NULL;
	e->arena_cap = 0;
	free_stat_logs(e);
	free(e->vlog);
	e->vlog = NULL;
	if (g_log_inst == e) {
		g_log_inst = NULL;
	}
}

static void eb_destroy(void *inst)
{
	struct ebpf *e = inst;
	if (e == NULL) {
		return;
	}
	eb_close(e);
	free(e);
}

/* Copy one ring record into the batch arena. Returns -ENOSPC (after
 * keeping the record) once the batch is full, to stop the consumer. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct ebpf *e = ctx;
	if (e->closing) {
		e->left++;
		return 0;
	}
	if (sk_evt_check(data, size) != 0) {
		e->bad++;
		return 0;
	}
	size_t need = (size + 7u) & ~(size_t)7u;
	if (e->arena_used + need > e->arena_cap) {
		size_t ncap = e->arena_cap ? e->arena_cap : (EB_ARENA_SOFT + 65536);
		while (ncap < e->arena_used + need) {
			ncap *= 2;
		}
		unsigned char *na = realloc(e->arena, ncap);
		if (na == NULL) {
			e->bad++;
			e->full = true;
			return -ENOSPC;
		}
		e->arena = na;
		e->arena_cap = ncap;
	}
	memcpy(e->arena + e->arena_used, data, size);
	e->offs[e->n++] = e->arena_used;
	e->arena_used += need;
	if (e->n >= EB_BATCH_MAX || e->arena_used >= EB_ARENA_SOFT) {
		e->full = true;
		return -ENOSPC;
	}
	return 0;
}

static void set_poll(struct ebpf *e, uint64_t ns)
{
	if (ns == e->poll_ns) {
		return;
	}
	e->poll_ns = ns;
	struct itimerspec its = {
	    .it_interval = {.tv_sec = (time_t)(ns / 1000000000ull),
			    .tv_nsec = (long)(ns % 1000000000ull)},
	    .it_value = {.tv_sec = (time_t)(ns / 1000000000ull),
			 .tv_nsec = (long)(ns % 1000000000ull)},
	};
	timerfd_settime(e->tfd, 0, &its, NULL);
}

/* Sum the probe's per-CPU drop counters. */
static int read_counters(struct ebpf *e, struct sk_ebpf_counters *ret)
{
	struct sk_ebpf_counters *v = calloc((size_t)e->ncpus, sizeof(*v));
	__u32 zero = 0;
	memset(ret, 0, sizeof(*ret));
	if (v == NULL) {
		return -ENOMEM;
	}
	int r = bpf_map_lookup_elem(bpf_map__fd(e->skel->maps.counters), &zero, v);
	if (r == 0) {
		for (int i = 0; i < e->ncpus; i++) {
			ret->evts += v[i].evts;
			ret->drops += v[i].drops;
			ret->drops_big += v[i].drops_big;
			ret->skipped += v[i].skipped;
		}
	}
	free(v);
	return r < 0 ? -errno : 0;
}

/* Records the kernel lost by skipping a program run: it runs no program
 * nested with itself on one CPU, and on kernels that preempt a running
 * program (full or lazy preemption) a second task's event on that CPU
 * meanwhile finds the program busy (bpf_prog_info.recursion_misses, Linux
 * 5.12). Counted for the programs whose every run writes a record: the
 * process events and sys_exit's exec and clone programs. A miss of the
 * sys_exit dispatcher may be a syscall that is not recorded, and one of an
 * entry copy still leaves its record at exit: neither is counted. */
static uint64_t prog_misses(struct ebpf *e)
{
	const struct bpf_program *progs[] = {
	    e->skel->progs.sk_sched_fork, e->skel->progs.sk_sched_exec,
	    e->skel->progs.sk_sched_exit, e->skel->progs.sk_exit_exec,
	    e->skel->progs.sk_exit_clone};
	uint64_t n = 0;
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		int fd = bpf_program__fd(progs[i]);
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		    len >= offsetof(struct bpf_prog_info, recursion_misses) + sizeof(__u64)) {
			n += info.recursion_misses;
		}
	}
	return n;
}

/* Bring the probe's compat_nr map in line with the table: all entries
 * (all), or those that changed. */
static int apply_compat(struct ebpf *e, bool all)
{
	__u32 next[SK_EBPF_COMPAT_MAX];
	int fd = bpf_map__fd(e->skel->maps.compat_nr);
	ebpf_build_compat(e->table, next);
	for (__u32 i = 0; i < SK_EBPF_COMPAT_MAX; i++) {
		if (!all && next[i] == e->compat[i]) {
			continue;
		}
		if (bpf_map_update_elem(fd, &i, &next[i], BPF_ANY) != 0) {
			return -errno;
		}
		e->compat[i] = next[i];
	}
	return 0;
}

/* Write every row of the table into the probe's maps. */
static int apply_table(struct ebpf *e)
{
	int fd = bpf_map__fd(e->skel->maps.syscalls);
	for (__u32 i = 0; i < SK_EBPF_MAX_SYSCALLS; i++) {
		if (bpf_map_update_elem(fd, &i, &e->table[i], BPF_ANY) != 0) {
			return -errno;
		}
	}
	return apply_compat(e, true);
}

/* eb_set_event_types - record only what the rules can use: the event types
 * given, the events the state tracker needs (SK_SCF_STATE), and the ones the
 * configuration forces on (syscalls:). NULL: the configuration's set. Only
 * changed rows are written to the probe's map; the probe is not reloaded. */
static int eb_set_event_types(void *inst, const uint16_t *types, size_t n)
{
	struct ebpf *e = inst;
	char err[256] = "";
	struct sk_ebpf_sc *tab = calloc(SK_EBPF_MAX_SYSCALLS, sizeof(*tab));
	if (tab == NULL) {
		return SK_ERR;
	}
	if (ebpf_build_table(e->conf, tab, err, sizeof(err)) < 0) {
		e->api->log(e->host, SK_LOG_ERROR, "cannot build the syscall table: %s", err);
		free(tab);
		return SK_ERR;
	}
	if (types != NULL && !e->conf->all_syscalls) {
		for (unsigned i = 0; i < SK_EBPF_MAX_SYSCALLS; i++) {
			if (tab[i].type == 0) {
				continue;
			}
			const struct sk_sc_event *info = sk_sc_event_info(tab[i].type);
			bool on = info != NULL && (info->flags & SK_SCF_STATE);
			for (size_t k = 0; k < n && !on; k++) {
				on = types[k] == tab[i].type;
			}
			tab[i].enabled = on ? 1 : 0;
		}
		for (size_t k = 0; k < e->conf->syscalls.n; k++) {
			ebpf_set_enabled(tab, e->conf->syscalls.items[k], true);
		}
	}
	int fd = e->skel ? bpf_map__fd(e->skel->maps.syscalls) : -1;
	unsigned changed = 0, enabled = 0;
	for (__u32 i = 0; i < SK_EBPF_MAX_SYSCALLS; i++) {
		enabled += tab[i].enabled;
		if (memcmp(&tab[i], &e->table[i], sizeof(tab[i])) == 0) {
			continue;
		}
		if (fd >= 0 && bpf_map_update_elem(fd, &i, &tab[i], BPF_ANY) != 0) {
			e->api->log(e->host, SK_LOG_ERROR, "cannot update the syscall map: %s",
				    strerror(errno));
			free(tab);
			return SK_ERR;
		}
		e->table[i] = tab[i];
		changed++;
	}
	int cr = e->skel != NULL && changed > 0 ? apply_compat(e, false) : 0;
	if (cr < 0) {
		e->api->log(e->host, SK_LOG_ERROR, "cannot update the ia32 syscall map: %s",
			    strerror(-cr));
		free(tab);
		return SK_ERR;
	}
	e->api->log(e->host, SK_LOG_INFO,
		    "recording %u syscall numbers (%s; %u changed)", enabled,
		    types == NULL ? "every type the configuration enables" : "what the rules use",
		    changed);
	free(tab);
	return SK_OK;
}

static int eb_open(void *inst, const char *params, int *ret_fd, char *err, size_t errlen)
{
	struct ebpf *e = inst;
	int r = 0;
	char why[128];
	(void)params;

	char rel[128];
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(err, errlen,
			 "Linux %s has no BTF (/sys/kernel/btf/vmlinux: %s), which the eBPF probe "
			 "needs; run a kernel >= 5.10 built with CONFIG_DEBUG_INFO_BTF=y",
			 kernel_release(rel, sizeof(rel)), strerror(errno));
		return SK_ERR;
	}
	bool fatal = false;
	missing_caps(why, sizeof(why), &fatal);
	if (fatal) {
		snprintf(err, errlen,
			 "loading the eBPF probe needs root or CAP_BPF, CAP_PERFMON and "
			 "CAP_SYS_RESOURCE; missing: %s",
			 why);
		return SK_ERR;
	}
	/* 0: the kernel lacks it; < 0: the probe itself failed (say nothing,
	 * creating the rings below names the error) */
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 0) {
		snprintf(err, errlen,
			 "Linux %s has no BPF ring buffer (BPF_MAP_TYPE_RINGBUF, Linux 5.8), which "
			 "the eBPF probe needs; run a kernel >= 5.10 built with "
			 "CONFIG_DEBUG_INFO_BTF=y",
			 kernel_release(rel, sizeof(rel)));
		return SK_ERR;
	}

	g_log_inst = e;
	libbpf_set_print(libbpf_print);

	e->ncpus = libbpf_num_possible_cpus();
	if (e->ncpus <= 0 || e->ncpus > (int)SK_EBPF_MAX_CPUS) {
		snprintf(err, errlen, "cannot count the CPUs (%d)", e->ncpus);
		goto fail;
	}
	unsigned per = (unsigned)e->conf->cpus_for_each_buffer;
	e->nrings = per == 0 ? 1 : (e->ncpus + (int)per - 1) / (int)per;
	if (e->nrings > (int)EB_MAX_RINGS) {
		e->nrings = EB_MAX_RINGS;
	}
	for (int i = 0; i < e->nrings; i++) {
		e->ring_fds[i] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "shrike_ring", 0, 0,
						(__u32)e->ring_size, NULL);
		if (e->ring_fds[i] < 0) {
			r = -errno;
			snprintf(err, errlen, "cannot create a %" PRIu64 "-byte ring buffer: %s",
				 e->ring_size, strerror(-r));
			goto fail;
		}
	}

	/* Two tries at most: with the entry copies on fentry where the
	 * kernel has the functions, then, if the kernel refuses an fentry
	 * program (some kernels do not allow them: a hypervisor that forbids
	 * patching kernel text, a policy), with sk_sys_enter. */
	for (int attempt = 0; attempt < 2; attempt++) {
		e->skel = probe_bpf__open();
		if (e->skel == NULL) {
			snprintf(err, errlen, "cannot open the eBPF probe: %s", strerror(errno));
			goto fail;
		}
		e->skel->rodata->self_tgid = (__u32)getpid();
		e->skel->rodata->capture_env = e->conf->capture_env ? 1 : 0;
		e->skel->rodata->drop_failed = e->conf->drop_failed_exit ? 1 : 0;
		e->skel->rodata->wakeup_bytes = e->ring_size / 4;
		bpf_map__set_max_entries(e->skel->maps.ringbufs, (__u32)e->ncpus);
		bpf_map__set_inner_map_fd(e->skel->maps.ringbufs, e->ring_fds[0]);
		pick_programs(e, attempt == 0);
		set_stat_logs(e);
		e->loading = true;
		r = probe_bpf__load(e->skel);
		if (r == 0 || !e->fentry || strncmp(e->failed_prog, "sk_fe_", 6) != 0) {
			break;
		}
		eb_log(e, SK_LOG_DEBUG,
		       "the kernel refused fentry program %s (%s): entry copies at sys_enter "
		       "instead",
		       e->failed_prog, strerror(-r));
		e->loading = false;
		free_stat_logs(e);
		probe_bpf__destroy(e->skel);
		e->skel = NULL;
		e->failed_prog[0] = '\0';
		e->failed_map[0] = '\0';
		free(e->vlog);
		e->vlog = NULL;
	}
	if (r != 0) {
		if ((r == -EPERM || r == -EACCES) && why[0] != '\0' && e->failed_prog[0] == '\0') {
			snprintf(err, errlen,
				 "the kernel refused the eBPF probe: %s; it needs root or CAP_BPF, "
				 "CAP_PERFMON and CAP_SYS_RESOURCE; missing: %s",
				 strerror(-r), why);
		} else {
			diagnose_load(e, r, err, errlen);
			report_verified(e);
		}
		e->loading = false;
		goto fail;
	}
	e->loading = false;
	int outer = bpf_map__fd(e->skel->maps.ringbufs);
	for (int cpu = 0; cpu < e->ncpus; cpu++) {
		__u32 k = (__u32)cpu;
		int ring = per == 0 ? 0 : cpu / (int)per;
		if (ring >= e->nrings) {
			ring = e->nrings - 1;
		}
		if (bpf_map_update_elem(outer, &k, &e->ring_fds[ring], BPF_ANY) != 0) {
			r = -errno;
			snprintf(err, errlen, "cannot map CPU %d to its ring buffer: %s", cpu,
				 strerror(-r));
			goto fail;
		}
	}
	report_verified(e);
	free_stat_logs(e); /* libbpf reads them during the load only */
	r = fill_tails(e);
	if (r < 0) {
		snprintf(err, errlen, "cannot fill the probe's tail-call table: %s", strerror(-r));
		goto fail;
	}
	e->skel->bss->boot_to_epoch = boot_to_epoch();
	e->last_clock_sync = now_ns(CLOCK_MONOTONIC);
	r = apply_table(e);
	if (r < 0) {
		snprintf(err, errlen, "cannot fill the probe's syscall table: %s", strerror(-r));
		goto fail;
	}
	r = probe_bpf__attach(e->skel);
	if (r != 0) {
		snprintf(err, errlen, "cannot attach the eBPF probe to its tracepoints: %s",
			 strerror(-r));
		goto fail;
	}

	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	e->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (e->epfd < 0 || e->tfd < 0) {
		snprintf(err, errlen, "cannot create the poll timer: %s", strerror(errno));
		goto fail;
	}
	struct epoll_event ev = {.events = EPOLLIN};
	ev.data.fd = e->tfd;
	if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->tfd, &ev) != 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		goto fail;
	}
	for (int i = 0; i < e->nrings; i++) {
		e->rbs[i] = ring_buffer__new(e->ring_fds[i], on_record, e, NULL);
		if (e->rbs[i] == NULL) {
			snprintf(err, errlen, "cannot map ring buffer %d: %s", i, strerror(errno));
			goto fail;
		}
		ev.data.fd = ring_buffer__epoll_fd(e->rbs[i]);
		if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev) != 0) {
			snprintf(err, errlen, "epoll: %s", strerror(errno));
			goto fail;
		}
	}
	e->poll_ns = 0;
	set_poll(e, EB_POLL_MIN_NS);
	size_t nen = 0;
	for (unsigned i = 0; i < SK_EBPF_MAX_SYSCALLS; i++) {
		nen += e->table[i].enabled;
	}
	eb_log(e, SK_LOG_INFO,
	       "eBPF probe attached: %d ring buffer(s) of %" PRIu64 " bytes for %d CPU(s), %zu "
	       "syscall numbers recorded",
	       e->nrings, e->ring_size, e->ncpus, nen);
	*ret_fd = e->epfd;
	return SK_OK;

fail:
	eb_close(e);
	return SK_ERR;
}

/* Put an SK_EVT_DROP record for `lost` events at the end of the batch. */
static void add_drop_record(struct ebpf *e, uint64_t lost)
{
	unsigned char rec[SK_EVT_HDR_SIZE + 4 + 12];
	struct sk_evt_hdr h = {
	    .ts = now_ns(CLOCK_REALTIME),
	    .tid = 0,
	    .len = sizeof(rec),
	    .type = SK_EVT_DROP,
	    .nparams = 2,
	    .flags = 0,
	};
	uint16_t l0 = 8, l1 = 4;
	uint32_t any = 0xffffffffu;
	memcpy(rec, &h, sizeof(h));
	memcpy(rec + SK_EVT_HDR_SIZE, &l0, 2);
	memcpy(rec + SK_EVT_HDR_SIZE + 2, &l1, 2);
	memcpy(rec + SK_EVT_HDR_SIZE + 4, &lost, 8);
	memcpy(rec + SK_EVT_HDR_SIZE + 12, &any, 4);
	bool was_full = e->full;
	e->full = false;
	on_record(e, rec, sizeof(rec));
	e->full = was_full || e->full;
}

static int eb_next_batch(void *inst, const struct sk_evt_hdr *const **ret_evs, size_t *ret_n,
			 char *err, size_t errlen)
{
	struct ebpf *e = inst;
	uint64_t ticks;
	(void)err;
	(void)errlen;
	*ret_n = 0;
	if (e->skel == NULL) {
		return SK_EOF;
	}
	while (read(e->tfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks)) {
	}
	e->n = 0;
	e->arena_used = 0;
	e->full = false;

	uint64_t mono = now_ns(CLOCK_MONOTONIC);
	if (mono - e->last_clock_sync >= EB_CLOCK_SYNC_NS) {
		e->skel->bss->boot_to_epoch = boot_to_epoch();
		e->last_clock_sync = mono;
	}
	if (mono - e->last_drop_check >= EB_DROP_CHECK_NS) {
		struct sk_ebpf_counters c;
		e->last_drop_check = mono;
		if (read_counters(e, &c) == 0) {
			e->kdrops = c.drops + c.drops_big + prog_misses(e);
		}
	}
	if (e->kdrops > e->injected) {
		add_drop_record(e, e->kdrops - e->injected);
		e->injected = e->kdrops;
	}

	for (int k = 0; k < e->nrings && !e->full; k++) {
		int i = (e->next_ring + k) % e->nrings;
		int r = ring_buffer__consume(e->rbs[i]);
		if (r < 0 && r != -ENOSPC) {
			eb_log(e, SK_LOG_ERROR, "reading ring buffer %d failed: %s", i,
			       strerror(-r));
		}
	}
	e->next_ring = (e->next_ring + 1) % (e->nrings ? e->nrings : 1);

	if (e->n == 0) {
		uint64_t next = e->poll_ns * 2;
		set_poll(e, next > EB_POLL_MAX_NS ? EB_POLL_MAX_NS : next);
		return SK_RETRY;
	}
	set_poll(e, EB_POLL_MIN_NS);
	for (size_t i = 0; i < e->n; i++) {
		e->ptrs[i] = (const struct sk_evt_hdr *)(e->arena + e->offs[i]);
	}
	e->delivered += e->n;
	*ret_evs = e->ptrs;
	*ret_n = e->n;
	return SK_OK;
}

static int eb_stats(void *inst, struct sk_source_stats *ret)
{
	struct ebpf *e = inst;
	memset(ret, 0, sizeof(*ret));
	ret->events = e->delivered;
	if (e->skel != NULL) {
		struct sk_ebpf_counters c;
		if (read_counters(e, &c) == 0) {
			e->kdrops = c.drops + c.drops_big + prog_misses(e);
		}
	}
	ret->drops = e->kdrops > e->injected ? e->kdrops - e->injected : 0;
	return SK_OK;
}

SK_PLUGIN_OPS(sk_source_ops, eb_source_ops, .event_source = "syscall", .open = eb_open,
	      .next_batch = eb_next_batch, .close = eb_close, .stats = eb_stats,
	      .set_event_types = eb_set_event_types);
SK_PLUGIN_DEFINE(.name = "ebpf", .version = "0.1.0",
		 .description = "Syscalls from the kernel through a CO-RE eBPF probe",
		 .contact = "https://github.com/shrike-security/shrike", .params = ebpf_params,
		 .config_size = sizeof(struct ebpf_conf), .init = eb_init, .destroy = eb_destroy,
		 .source = &eb_source_ops);
