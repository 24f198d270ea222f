/* sources/kmod/kmod_test.c - the `kmod` plugin's callbacks against fake
 * devices: open(), ioctl() and mmap() of /dev/shrike<N> are wrapped at
 * link time (-Wl,--wrap), each fake device being an eventfd (so epoll
 * takes it) whose mapping is a control page and ring in memory written by
 * kmod_test_writer.h. Checks the messages of a missing module and of
 * another interface major, what open() tells the module and in which
 * order, batches from two rings with tail released on the next call,
 * drops, the syscall bitmap of set_event_types(), and close().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include <shrike/plugin.h>
#include <shrike/syscall_events.h>

#include "kmod_priv.h"
#include "kmod_test_writer.h"
#include "tests/plugin_metric.h"

extern const struct sk_plugin shrike_plugin_entry;
#define P (&shrike_plugin_entry)
#define metric(inst, name) sk_test_metric(P, (inst), (name))

/* ---- fake devices ------------------------------------------------------- */

#define NDEV 2
static unsigned ndev;		  /* devices that exist */
static uint32_t api_version;	  /* what SK_KMOD_IOC_INFO says */
static struct fake *dev[NDEV];	  /* the rings */
static int dev_fd[NDEV] = {-1, -1};
static int mapped[NDEV];
static char calls[512];		  /* the ioctls, in order: "I0 X0 F0 S0 W0 W1 E0 ..." */
static uint32_t last_tgid, last_flags, last_wake[NDEV];
static struct sk_ebpf_sc last_rows[SK_KMOD_MAX_SYSCALLS];
static __u32 last_compat[SK_KMOD_COMPAT_MAX];
static struct sk_kmod_syscalls last_sc;

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len);

int __wrap_open(const char *path, int flags, ...)
{
	unsigned n;
	char tail;
	if (sscanf(path, SK_KMOD_DEVICE_PREFIX "%u%c", &n, &tail) != 1) {
		va_list ap;
		va_start(ap, flags);
		int mode = va_arg(ap, int);
		va_end(ap);
		return __real_open(path, flags, mode);
	}
	if (n >= ndev) {
		errno = ENOENT;
		return -1;
	}
	dev_fd[n] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return dev_fd[n];
}

static int dev_of(int fd)
{
	for (unsigned i = 0; i < ndev; i++) {
		if (dev_fd[i] == fd) {
			return (int)i;
		}
	}
	return -1;
}

static void note(char c, int d)
{
	size_t used = strlen(calls);
	snprintf(calls + used, sizeof(calls) - used, "%s%c%d", used ? " " : "", c, d);
}

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	int d = dev_of(fd);
	if (d < 0) {
		return __real_ioctl(fd, req, arg);
	}
	switch (req) {
	case SK_KMOD_IOC_INFO: {
		struct sk_kmod_info *info = arg;
		memset(info, 0, sizeof(*info));
		info->api_version = api_version;
		info->cpu = (uint32_t)d;
		info->ring_size = dev[d]->size;
		info->ncpus = NDEV;
		snprintf(info->kernel, sizeof(info->kernel), "6.1.0-test");
		snprintf(info->version, sizeof(info->version), "0.0.0-test");
		note('I', d);
		return 0;
	}
	case SK_KMOD_IOC_EXCLUDE_TGID:
		memcpy(&last_tgid, arg, 4);
		note('X', d);
		return 0;
	case SK_KMOD_IOC_SET_FLAGS:
		memcpy(&last_flags, arg, 4);
		note('F', d);
		return 0;
	case SK_KMOD_IOC_SET_SYSCALLS:
		memcpy(&last_sc, arg, sizeof(last_sc));
		note('S', d);
		return 0;
	case SK_KMOD_IOC_SET_TABLE: {
		const struct sk_kmod_table *t = arg;
		assert_int_equal(t->nrows, SK_KMOD_MAX_SYSCALLS);
		assert_int_equal(t->row_size, sizeof(struct sk_ebpf_sc));
		assert_int_equal(t->ncompat, SK_KMOD_COMPAT_MAX);
		assert_int_equal(t->reserved, 0);
		memcpy(last_rows, (const void *)(uintptr_t)t->rows, sizeof(last_rows));
		memcpy(last_compat, (const void *)(uintptr_t)t->compat, sizeof(last_compat));
		note('T', d);
		return 0;
	}
	case SK_KMOD_IOC_SET_WAKEUP:
		memcpy(&last_wake[d], arg, 4);
		note('W', d);
		return 0;
	case SK_KMOD_IOC_ENABLE:
		note('E', d);
		return 0;
	case SK_KMOD_IOC_DISABLE:
		note('D', d);
		return 0;
	default:
		errno = ENOTTY;
		return -1;
	}
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	int d = dev_of(fd);
	if (d < 0) {
		return __real_mmap(addr, len, prot, flags, fd, off);
	}
	assert_int_equal(len, SK_KMOD_CTRL_SIZE + dev[d]->size);
	assert_int_equal(off, 0);
	assert_true(flags & MAP_SHARED);
	assert_true(prot & PROT_WRITE); /* the reader writes tail */
	mapped[d]++;
	return dev[d]->map;
}

int __wrap_munmap(void *addr, size_t len)
{
	for (unsigned i = 0; i < ndev; i++) {
		if (dev[i] != NULL && addr == dev[i]->map) {
			mapped[i]--;
			return 0;
		}
	}
	return __real_munmap(addr, len);
}

/* ---- fake host ---------------------------------------------------------- */

static char last_log[1024];

static void fake_log(struct sk_host *host, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fake_log(struct sk_host *host, int level, const char *fmt, ...)
{
	va_list ap;
	(void)host;
	(void)level;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}

static const struct sk_host_api fake_api = {.struct_size = sizeof(struct sk_host_api),
					    .log = fake_log};
static struct kmod_conf conf;

static int setup(void **state)
{
	(void)state;
	ndev = NDEV;
	api_version = SK_KMOD_API_VERSION;
	calls[0] = '\0';
	memset(&conf, 0, sizeof(conf));
	for (unsigned i = 0; i < NDEV; i++) {
		dev[i] = fake_new(4096, 1000ull * 4096);
		dev_fd[i] = -1;
		mapped[i] = 0;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NDEV; i++) {
		fake_free(dev[i]);
		dev[i] = NULL;
	}
	return 0;
}

static void *new_inst(void)
{
	struct sk_init_input in = {.struct_size = sizeof(in), .api = &fake_api, .config = &conf};
	void *inst = NULL;
	char err[256] = "";
	assert_int_equal(P->init(&in, &inst, err, sizeof(err)), SK_OK);
	return inst;
}

static int sc_bit(const struct sk_kmod_syscalls *sc, unsigned nr)
{
	return (int)((sc->bits[nr / 64] >> (nr % 64)) & 1u);
}

/* ---- tests -------------------------------------------------------------- */

static void test_no_module(void **state)
{
	(void)state;
	ndev = 0;
	void *inst = new_inst();
	char err[512] = "";
	int fd = -1;
	assert_int_equal(P->source->open(inst, "", &fd, err, sizeof(err)), SK_ERR);
	assert_string_equal(err,
			    "the shrike kernel module is not loaded (no /dev/shrike0): load it "
			    "with `modprobe "
			    "shrike` (package shrike-dkms)");
	P->destroy(inst);
}

static void test_other_major(void **state)
{
	(void)state;
	api_version = (2u << 16) | 0;
	void *inst = new_inst();
	char err[512] = "";
	int fd = -1;
	assert_int_equal(P->source->open(inst, "", &fd, err, sizeof(err)), SK_ERR);
	assert_string_equal(err, "the shrike module speaks interface 2.0, this plugin 1.1: install "
				 "the module of this Shrike version");
	assert_null(strchr(calls, 'E')); /* never enabled */
	assert_int_equal(mapped[0] + mapped[1], 0);
	P->destroy(inst);
}

static void test_open_batches_close(void **state)
{
	(void)state;
	conf.drop_failed_exit = true;
	conf.capture_env = true;
	void *inst = new_inst();
	char err[512] = "";
	int fd = -1;
	assert_int_equal(P->source->open(inst, "", &fd, err, sizeof(err)), SK_OK);
	assert_true(fd >= 0);
	/* configured first, enabled last; global settings to the first device */
	assert_string_equal(calls, "I0 I1 T0 X0 F0 S0 W0 W1 E0");
	assert_int_equal(last_tgid, (uint32_t)getpid());
	assert_int_equal(last_flags, SK_KMOD_F_DROP_FAILED_EXIT | SK_KMOD_F_CAPTURE_ENV);
	/* the table: the ebpf source's rows, every known syscall (the set
	 * selects), and the ia32 numbers mapped onto them */
	assert_int_equal(last_rows[SYS_openat].type, SK_SC_OPENAT);
	assert_int_equal(last_rows[SYS_openat].nparams, SK_SC_OPENAT_NPARAMS);
	assert_int_equal(last_rows[SYS_openat].p[0].kind, SK_K_RET);
	assert_int_equal(last_rows[SYS_execve].special, SK_SP_EXEC);
	assert_int_equal(last_rows[SYS_read].type, SK_SC_READ);
	assert_int_equal(last_compat[5 /* ia32 open */] & SK_CNR_NR, SYS_open + 1);
	assert_int_equal(last_wake[0], 1024);
	assert_int_equal(mapped[0], 1);
	assert_int_equal(mapped[1], 1);
	/* the configuration's default set: security events, not read */
	assert_int_equal(sc_bit(&last_sc, SYS_execve), 1);
	assert_int_equal(sc_bit(&last_sc, SYS_openat), 1);
	assert_int_equal(sc_bit(&last_sc, SYS_read), 0);

	const struct sk_evt_hdr *const *evs = NULL;
	size_t n = 99;
	assert_int_equal(P->source->next_batch(inst, &evs, &n, err, sizeof(err)), SK_RETRY);
	assert_int_equal(n, 0);

	assert_int_equal(fake_put(dev[0], 8, 1), 0);
	assert_int_equal(fake_put(dev[0], 8, 2), 0);
	assert_int_equal(fake_put(dev[1], 8, 3), 0);
	assert_int_equal(fake_put_as(dev[1], SK_EVT_DROP, 8, 5), 0); /* 5 lost */
	dev[1]->ctrl->drops = 7;
	assert_int_equal(P->source->next_batch(inst, &evs, &n, err, sizeof(err)), SK_OK);
	assert_int_equal(n, 4);
	uint64_t ids = 0;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal((uintptr_t)evs[i] % 8, 0);
		assert_int_equal(sk_evt_check(evs[i], evs[i]->len), 0);
		ids |= 1ull << evs[i]->ts;
	}
	assert_int_equal(ids, (1u << 1) | (1u << 2) | (1u << 3) | (1u << 5));
	/* the host holds them: tails untouched until the next call */
	assert_int_not_equal(dev[0]->ctrl->tail, dev[0]->ctrl->head);
	assert_int_not_equal(dev[1]->ctrl->tail, dev[1]->ctrl->head);
	struct sk_source_stats st;
	assert_int_equal(P->source->stats(inst, &st), SK_OK);
	assert_int_equal(st.events, 4);
	assert_int_equal(st.drops, 2); /* 7 counted, 5 handed over as a record */

	assert_int_equal(P->source->next_batch(inst, &evs, &n, err, sizeof(err)), SK_RETRY);
	assert_int_equal(dev[0]->ctrl->tail, dev[0]->ctrl->head);
	assert_int_equal(dev[1]->ctrl->tail, dev[1]->ctrl->head);

	/* the rules use openat only: openat and the state events */
	uint16_t types[] = {SK_SC_OPENAT};
	assert_int_equal(P->source->set_event_types(inst, types, 1), SK_OK);
	assert_int_equal(sc_bit(&last_sc, SYS_openat), 1);
	assert_int_equal(sc_bit(&last_sc, SYS_execve), 1);
	assert_int_equal(sc_bit(&last_sc, SYS_connect), sk_sc_event_info(SK_SC_CONNECT)->flags &
							       SK_SCF_STATE ? 1 : 0);
	assert_int_equal(sc_bit(&last_sc, SYS_kill), 0);
	assert_int_equal(sc_bit(&last_sc, SYS_read), 0);

	calls[0] = '\0';
	P->source->close(inst);
	assert_string_equal(calls, "D0");
	assert_int_equal(mapped[0] + mapped[1], 0);
	assert_int_equal(P->source->next_batch(inst, &evs, &n, err, sizeof(err)), SK_EOF);
	P->destroy(inst);
}

/* A thread that moves between CPUs leaves records in two rings: a batch
 * hands them over in time order, ties in the order they were read. */
static void test_batch_in_time_order(void **state)
{
	(void)state;
	void *inst = new_inst();
	char err[512] = "";
	int fd = -1;
	assert_int_equal(P->source->open(inst, "", &fd, err, sizeof(err)), SK_OK);
	assert_int_equal(fake_put(dev[0], 8, 10), 0);
	assert_int_equal(fake_put(dev[0], 8, 30), 0);
	assert_int_equal(fake_put(dev[0], 8, 31), 0);
	assert_int_equal(fake_put(dev[1], 8, 20), 0);
	assert_int_equal(fake_put(dev[1], 8, 30), 0);
	assert_int_equal(fake_put(dev[1], 8, 40), 0);
	const struct sk_evt_hdr *const *evs = NULL;
	size_t n = 0;
	assert_int_equal(P->source->next_batch(inst, &evs, &n, err, sizeof(err)), SK_OK);
	assert_int_equal(n, 6);
	const uint64_t want[] = {10, 20, 30, 30, 31, 40};
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(evs[i]->ts, want[i]);
	}
	/* the two records of time 30: the one read first (the first ring's)
	 * stays first */
	const unsigned char *a = (const unsigned char *)evs[2], *b = (const unsigned char *)evs[3];
	assert_true(a >= dev[0]->data && a < dev[0]->data + dev[0]->size);
	assert_true(b >= dev[1]->data && b < dev[1]->data + dev[1]->size);
	P->source->close(inst);
	P->destroy(inst);
}

/* metrics() reports the control pages' counters: totals by reason, per
 * CPU, the same total as stats() plus the SK_EVT_DROP records; they stay
 * after close. */
static void test_metrics(void **state)
{
	(void)state;
	void *inst = new_inst();
	const struct sk_metric *m = NULL;
	size_t nm = 99;
	assert_int_equal(P->metrics(inst, &m, &nm), SK_OK);
	assert_int_equal(nm, 0); /* not open: no counters */
	char err[512] = "";
	int fd = -1;
	assert_int_equal(P->source->open(inst, "", &fd, err, sizeof(err)), SK_OK);
	assert_int_equal(P->metrics(inst, &m, &nm), SK_OK);
	assert_int_equal(nm, 5 + 2 * NDEV);
	assert_int_equal(metric(inst, "n_evts"), 0);
	dev[0]->ctrl->events = 3;
	dev[0]->ctrl->drops = 4; /* one too large, three with the ring full */
	dev[0]->ctrl->drops_big = 1;
	dev[0]->ctrl->drops_fault = 2;
	dev[1]->ctrl->events = 5;
	dev[1]->ctrl->drops = 7;
	assert_int_equal(fake_put_as(dev[1], SK_EVT_DROP, 8, 6), 0); /* 6 of them reported */
	assert_int_equal(metric(inst, "n_evts"), 8);
	assert_int_equal(metric(inst, "n_drops"), 11);
	assert_int_equal(metric(inst, "n_drops_buffer"), 10);
	assert_int_equal(metric(inst, "n_drops_max_event_size"), 1);
	assert_int_equal(metric(inst, "n_params_fault"), 2);
	assert_int_equal(metric(inst, "n_evts_cpu_0"), 3);
	assert_int_equal(metric(inst, "n_drops_cpu_0"), 4);
	assert_int_equal(metric(inst, "n_evts_cpu_1"), 5);
	assert_int_equal(metric(inst, "n_drops_cpu_1"), 7);
	const struct sk_evt_hdr *const *evs = NULL;
	size_t n = 0;
	assert_int_equal(P->source->next_batch(inst, &evs, &n, err, sizeof(err)), SK_OK);
	assert_int_equal(n, 1);
	struct sk_source_stats st;
	assert_int_equal(P->source->stats(inst, &st), SK_OK);
	assert_int_equal(6 + st.drops, metric(inst, "n_drops"));
	P->source->close(inst);
	assert_int_equal(metric(inst, "n_drops"), 11);
	assert_int_equal(metric(inst, "n_evts_cpu_1"), 5);
	P->destroy(inst);
}

static void test_unknown_syscall(void **state)
{
	(void)state;
	char *names[] = {"opne"};
	conf.syscalls.items = names;
	conf.syscalls.n = 1;
	struct sk_init_input in = {.struct_size = sizeof(in), .api = &fake_api, .config = &conf};
	void *inst = NULL;
	char err[256] = "";
	assert_int_equal(P->init(&in, &inst, err, sizeof(err)), SK_ERR);
	assert_non_null(strstr(err, "unknown syscall 'opne'"));
	P->destroy(inst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_no_module, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_other_major, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_batches_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_in_time_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_syscall, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
