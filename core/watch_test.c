/* core/watch_test.c - unit tests for core/watch.c in a real event loop:
 * which changes call back (a watched file written, renamed over, created
 * late; a YAML file added to or removed from a watched directory), which
 * do not (other names), and that a burst of changes calls back once.
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"
#include "watch.h"

static char dir[64];
static struct sk_loop *loop;
static struct sk_watch *watch;
static int calls;

static const char *at(const char *name)
{
	static char bufs[4][256];
	static unsigned next;
	char *b = bufs[next++ % 4];
	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

static void put(const char *name, const char *text)
{
	FILE *f = fopen(at(name), "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void on_signal(struct sk_loop *l, int signo, void *arg)
{
}

static void on_change(void *arg)
{
	calls++;
}

static void stop(struct sk_loop *l, void *arg)
{
	sk_loop_stop(l);
}

/* run - the loop for `ms`; returns the callbacks seen meanwhile. */
static int run(unsigned ms)
{
	calls = 0;
	int t = sk_loop_add_timer(loop, ms, stop, NULL);
	assert_true(t >= 0);
	assert_int_equal(sk_loop_run(loop), 0);
	sk_loop_del_timer(loop, t);
	return calls;
}

#define QUIET (SK_WATCH_SETTLE_MS + 300)

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/sk-watch-test-XXXXXX");
	if (!mkdtemp(dir)) {
		return -1;
	}
	loop = sk_loop_create(on_signal, NULL);
	watch = loop ? sk_watch_create(loop, on_change, NULL) : NULL;
	return watch ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	sk_watch_destroy(watch);
	sk_loop_destroy(loop);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_files(void **state)
{
	put("main.yaml", "a: 1\n");
	mkdir(at("conf.d"), 0755);
	const char *paths[] = {at("main.yaml"), at("conf.d"), at("late.yaml"), NULL,
			       "/nonexistent-dir/x.yaml"};
	assert_int_equal(sk_watch_set(watch, paths, 5), 0);
	assert_int_equal(run(100), 0);

	put("main.yaml", "a: 2\n"); /* written in place */
	assert_int_equal(run(QUIET), 1);

	put("tmp", "a: 3\n"); /* an editor's rename over it */
	assert_int_equal(rename(at("tmp"), at("main.yaml")), 0);
	assert_int_equal(run(QUIET), 1);

	put("late.yaml", "b: 1\n"); /* did not exist when watched */
	assert_int_equal(run(QUIET), 1);

	put("conf.d/10-a.yaml", "c: 1\n"); /* a YAML file in a watched directory */
	assert_int_equal(run(QUIET), 1);
	assert_int_equal(unlink(at("conf.d/10-a.yaml")), 0);
	assert_int_equal(run(QUIET), 1);

	/* other names are ignored */
	put("other.yaml", "x\n");
	put("conf.d/README", "x\n");
	put("conf.d/10-a.yaml.dpkg-new", "x\n");
	assert_int_equal(run(QUIET), 0);

	/* a burst gives one call */
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof(name), "conf.d/%d.yml", i);
		put(name, "d: 1\n");
	}
	put("main.yaml", "a: 4\n");
	assert_int_equal(run(QUIET + 200), 1);
}

static void test_set_replaces(void **state)
{
	put("one.yaml", "a: 1\n");
	put("two.yaml", "a: 1\n");
	const char *one[] = {at("one.yaml")};
	const char *two[] = {at("two.yaml")};
	assert_int_equal(sk_watch_set(watch, one, 1), 0);
	assert_int_equal(sk_watch_set(watch, two, 1), 0);
	put("one.yaml", "a: 2\n");
	assert_int_equal(run(QUIET), 0);
	put("two.yaml", "a: 2\n");
	assert_int_equal(run(QUIET), 1);
	/* nothing watched */
	assert_int_equal(sk_watch_set(watch, NULL, 0), 0);
	put("two.yaml", "a: 3\n");
	assert_int_equal(run(QUIET), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_set_replaces, setup, teardown),
	};
	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
