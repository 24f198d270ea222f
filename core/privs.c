/* core/privs.c - least privilege: once the sources run, every thread drops
 * the capabilities Shrike no longer needs (see privs.h).
 *
 * Capabilities are a per-thread attribute on Linux: capset(2) and
 * PR_CAPBSET_DROP change the calling thread only, and a thread inherits its
 * creator's sets when it is created. By the time the sources are open the
 * output workers, the web servers and the plugins' threads exist already,
 * so the main thread drops its own and then signals every other thread
 * (/proc/self/task) with SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX, whose handler
 * does the same (two system calls, async-signal-safe). Each thread's
 * /proc/self/task/TID/status is then read back to count the ones that still
 * hold more (they block the signal). Raw system calls, no libcap: this is
 * all of it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <shrike/plugin.h>

#include "privs.h"

#define CAP_MAX_KNOWN 63

/* What the signalled threads drop to: written before the signals are sent. */
static volatile uint64_t target;
static volatile int last_cap;
static volatile sig_atomic_t armed; /* before sk_privs_drop: the handler ignores it */

static int cap_get(uint64_t *ret_eff, uint64_t *ret_prm)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) != 0) {
		return -errno;
	}
	*ret_eff = (uint64_t)d[0].effective | ((uint64_t)d[1].effective << 32);
	*ret_prm = (uint64_t)d[0].permitted | ((uint64_t)d[1].permitted << 32);
	return 0;
}

/* drop_self - this thread: bounding set (while CAP_SETPCAP is still
 * effective), ambient set, then effective/permitted/inheritable.
 * Async-signal-safe. Returns 0 or -errno of capset; *bset_failed tells
 * whether some bounding drop was refused. */
static int drop_self(uint64_t keep, int lastcap, bool *bset_failed)
{
	int saved = errno;
	bool failed = false;
	for (int c = 0; c <= lastcap; c++) {
		if (keep & (UINT64_C(1) << c)) {
			continue;
		}
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1 &&
		    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0) {
			failed = true;
		}
	}
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	int rc = syscall(SYS_capset, &h, d) == 0 ? 0 : -errno;
	/* With no_new_privs (systemd's NoNewPrivileges=yes) programs started
	 * later cannot gain more than the permitted set anyway. */
	if (bset_failed && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		*bset_failed = failed;
	}
	errno = saved;
	return rc;
}

static void on_signal(int signo)
{
	(void)signo;
	if (armed) {
		(void)drop_self(target, last_cap, NULL);
	}
}

static int read_last_cap(void)
{
	int n = CAP_LAST_CAP;
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (f != NULL) {
		if (fscanf(f, "%d", &n) != 1) {
			n = CAP_LAST_CAP;
		}
		fclose(f);
	}
	return n < 0 || n > CAP_MAX_KNOWN ? CAP_LAST_CAP : n;
}

/* task_holds_more - whether thread tid's status shows CapPrm or CapEff
 * beyond keep. A vanished thread holds nothing. */
static bool task_holds_more(const char *tid, uint64_t keep)
{
	char path[300], line[128];
	snprintf(path, sizeof(path), "/proc/self/task/%s/status", tid);
	FILE *f = fopen(path, "re");
	bool more = false;
	if (f == NULL) {
		return false;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		uint64_t v;
		if ((sscanf(line, "CapPrm: %" SCNx64, &v) == 1 ||
		     sscanf(line, "CapEff: %" SCNx64, &v) == 1) &&
		    (v & ~keep) != 0) {
			more = true;
		}
	}
	fclose(f);
	return more;
}

/* signal_threads - send the signal to every other thread; wait (up to
 * about a second) until each shows the dropped set. Returns the number of
 * threads that still hold more. */
static unsigned signal_threads(int signo, uint64_t keep)
{
	pid_t self = (pid_t)syscall(SYS_gettid);
	pid_t pid = getpid();
	unsigned stuck = 0;
	for (int round = 0; round < 100; round++) {
		DIR *dir = opendir("/proc/self/task");
		if (dir == NULL) {
			return 1;
		}
		stuck = 0;
		struct dirent *de;
		while ((de = readdir(dir)) != NULL) {
			if (de->d_name[0] == '.' || atoi(de->d_name) == self ||
			    !task_holds_more(de->d_name, keep)) {
				continue;
			}
			stuck++;
			if (round == 0 || round == 50) {
				(void)syscall(SYS_tgkill, pid, atoi(de->d_name), signo);
			}
		}
		closedir(dir);
		if (stuck == 0) {
			break;
		}
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return stuck;
}

int sk_privs_init(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX, &sa, NULL) == 0 ? 0 : -errno;
}

int sk_privs_drop(uint64_t keep, uint64_t *ret_kept, unsigned *ret_stuck, char *err, size_t errlen)
{
	uint64_t eff = 0, prm = 0;
	int rc = cap_get(&eff, &prm);
	*ret_kept = 0;
	*ret_stuck = 0;
	if (rc < 0) {
		snprintf(err, errlen, "cannot read the capabilities (capget): %s", strerror(-rc));
		return rc;
	}
	target = prm & keep;
	last_cap = read_last_cap();
	int signo = SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX;
	rc = sk_privs_init();
	if (rc < 0) {
		snprintf(err, errlen, "cannot install the handler of signal %d: %s", signo,
			 strerror(-rc));
		return rc;
	}
	armed = 1;
	bool bset_failed = false;
	rc = drop_self(target, last_cap, &bset_failed);
	if (rc < 0) {
		snprintf(err, errlen, "cannot drop capabilities (capset): %s", strerror(-rc));
		return rc;
	}
	*ret_kept = target;
	*ret_stuck = signal_threads(signo, target);
	if (bset_failed) {
		snprintf(err, errlen,
			 "the bounding set could not be reduced (no CAP_SETPCAP): "
			 "programs that program_output starts as root may regain "
			 "capabilities unless no_new_privs is set (systemd: "
			 "NoNewPrivileges=yes)");
	}
	return 0;
}

void sk_privs_names(uint64_t set, char *buf, size_t len)
{
	static const char *const names[] = {
	    [0] = "CAP_CHOWN",	    [1] = "CAP_DAC_OVERRIDE",  [2] = "CAP_DAC_READ_SEARCH",
	    [3] = "CAP_FOWNER",	    [4] = "CAP_FSETID",	       [5] = "CAP_KILL",
	    [6] = "CAP_SETGID",	    [7] = "CAP_SETUID",	       [8] = "CAP_SETPCAP",
	    [12] = "CAP_NET_ADMIN", [13] = "CAP_NET_RAW",      [19] = "CAP_SYS_PTRACE",
	    [21] = "CAP_SYS_ADMIN", [24] = "CAP_SYS_RESOURCE", [38] = "CAP_PERFMON",
	    [39] = "CAP_BPF",
	};
	size_t off = 0;
	buf[0] = '\0';
	for (int c = 0; c <= CAP_MAX_KNOWN && off < len; c++) {
		if (!(set & (UINT64_C(1) << c))) {
			continue;
		}
		const char *n = (size_t)c < sizeof(names) / sizeof(names[0]) ? names[c] : NULL;
		int w = n ? snprintf(buf + off, len - off, "%s%s", off ? " " : "", n)
			  : snprintf(buf + off, len - off, "%scap_%d", off ? " " : "", c);
		if (w < 0) {
			break;
		}
		off += (size_t)w;
	}
	if (off == 0) {
		snprintf(buf, len, "none");
	}
}
