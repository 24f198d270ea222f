/* core/privs_test.c - sk_privs: capability names, and the drop reaching
 * every thread: threads that leave the signal unblocked end with the kept
 * set, a thread that blocks it is counted as stuck. Each case runs in a
 * child process (the drop cannot be undone); the thread cases need
 * capabilities to drop (root), else they are skipped.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <shrike/plugin.h>

#include "privs.h"

static void test_names(void **state)
{
	(void)state;
	char buf[256];
	sk_privs_names(SK_PRIVS_KEEP, buf, sizeof(buf));
	assert_string_equal(buf, "CAP_DAC_READ_SEARCH CAP_SYS_PTRACE");
	sk_privs_names(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	sk_privs_names((UINT64_C(1) << 39) | (UINT64_C(1) << 40), buf, sizeof(buf));
	assert_string_equal(buf, "CAP_BPF cap_40");
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int done;

static void *idle_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	while (!done) {
		pthread_cond_wait(&cond, &mu);
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

/* child - 3 threads, `blocked` of them with every signal blocked; drop to
 * SK_PRIVS_KEEP; exit 0 when the kept set and the stuck count are right. */
static int child(unsigned blocked)
{
	pthread_t t[3];
	sk_privs_init();
	for (unsigned i = 0; i < 3; i++) {
		sigset_t all, old;
		sigfillset(&all);
		if (i >= blocked) {
			sigdelset(&all, SIGRTMAX - SK_PRIVS_SIGNAL_BELOW_MAX);
		}
		pthread_sigmask(SIG_SETMASK, &all, &old);
		pthread_create(&t[i], NULL, idle_thread, NULL);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	char err[512] = "";
	uint64_t kept = 0;
	unsigned stuck = 99;
	int rc = sk_privs_drop(SK_PRIVS_KEEP, &kept, &stuck, err, sizeof(err));
	pthread_mutex_lock(&mu);
	done = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&mu);
	for (unsigned i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
	}
	if (rc != 0 || kept != SK_PRIVS_KEEP || stuck != blocked) {
		fprintf(stderr, "rc %d kept %llx stuck %u: %s\n", rc, (unsigned long long)kept,
			stuck, err);
		return 1;
	}
	return 0;
}

static int run_child(unsigned blocked)
{
	pid_t p = fork();
	if (p == 0) {
		_exit(child(blocked));
	}
	int st = 0;
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void test_every_thread(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		skip();
	}
	assert_int_equal(run_child(0), 0);
}

static void test_blocked_thread_counted(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		skip();
	}
	assert_int_equal(run_child(1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_every_thread),
	    cmocka_unit_test(test_blocked_thread_counted),
	};
	return cmocka_run_group_tests_name("privs", tests, NULL, NULL);
}
