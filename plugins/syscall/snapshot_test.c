/* plugins/syscall/snapshot_test.c - unit tests of the syscall state in
 * capture files (snapshot.c): the whole state read from this machine's
 * /proc, saved through a host that records every save_state() call, comes
 * back identical in an instance that has no /proc of its own; pieces
 * learnt while recording (a thread looked up in /proc, a root directory, an
 * environment) are saved as they are learnt and applied on replay at the
 * right moment; and damaged or out-of-place state records are skipped with
 * a warning, never a crash. */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <shrike/plugin.h>
#include <shrike/syscall_events.h>

#include "snapshot.h"
#include "state.h"
#include "syscall.h"
#include "userdb.h"

extern const struct sk_plugin shrike_plugin_entry;

/* ---- a host that records save_state() as SK_EVT_STATE records ------------- */

struct saved {
	uint64_t *recs[4096]; /* 8-byte aligned records */
	size_t n;
	bool capturing;
	unsigned warnings;
};

static struct saved saved;

static void fake_log(struct sk_host *host, int level, const char *fmt, ...)
{
	(void)host;
	(void)fmt;
	if (level <= SK_LOG_WARNING) {
		saved.warnings++;
	}
}

static const char *fake_hostname(struct sk_host *host)
{
	(void)host;
	return "testhost";
}

/* The daemon's record: param 0 the plugin name, param 1 the bytes (one
 * malloc'd, aligned record; free() it). */
static uint64_t *state_record(const char *plugin, const void *data, size_t len)
{
	struct sk_staterec_buf b = {0};
	struct sk_staterec_part parts[] = {{plugin, strlen(plugin) + 1}, {data, len}};
	size_t total = sk_staterec_build(&b, SK_EVT_STATE, 0, parts, 2);
	assert_true(total > 0);
	assert_int_equal(sk_evt_check(b.p, total), 0);
	return (uint64_t *)(void *)b.p;
}

static int fake_save_state(struct sk_host *host, const void *data, size_t len)
{
	(void)host;
	if (!saved.capturing) {
		return SK_NA;
	}
	if (len == 0) {
		return SK_OK;
	}
	assert_true(saved.n < sizeof(saved.recs) / sizeof(saved.recs[0]));
	saved.recs[saved.n++] = state_record("syscall", data, len);
	return SK_OK;
}

static const struct sk_host_api api = {
    .struct_size = sizeof(struct sk_host_api),
    .log = fake_log,
    .hostname = fake_hostname,
    .save_state = fake_save_state,
};

static struct sys_conf conf_live, conf_replay;

static struct sys_inst *plugin_new(struct sys_conf *conf, const char *proc_root, bool scan)
{
	*conf = (struct sys_conf){.proc_root = (char *)proc_root,
				  .scan_proc = scan,
				  .max_threads = 100000,
				  .max_fds = 100000};
	struct sk_init_input in = {.struct_size = sizeof(in),
				   .api = &api,
				   .config = conf,
				   .config_json = "{}",
				   .instance_name = "syscall"};
	void *inst = NULL;
	char err[256] = "";
	if (shrike_plugin_entry.init(&in, &inst, err, sizeof(err)) != SK_OK) {
		fail_msg("init: %s", err);
	}
	return inst;
}

static uint64_t evnum;

/* replay - hand every saved record to `in` as the daemon does. */
static void replay(struct sys_inst *in, size_t from)
{
	for (size_t i = from; i < saved.n; i++) {
		struct sk_event ev = {.rec = (const struct sk_evt_hdr *)saved.recs[i],
				      .num = evnum,
				      .source = "syscall"};
		assert_int_equal(shrike_plugin_entry.parse->parse(in, &ev), SK_OK);
	}
}

static void saved_clear(void)
{
	for (size_t i = 0; i < saved.n; i++) {
		free(saved.recs[i]);
	}
	saved.n = 0;
	saved.warnings = 0;
}

/* a close(fd) record of thread `tid`: any event moves the replay on */
static void parse_close(struct sys_inst *in, int64_t tid, int64_t fd)
{
	_Alignas(8) unsigned char b[64];
	struct sk_evt_hdr h = {.ts = 2, .tid = (uint64_t)tid, .type = SK_SC_CLOSE, .nparams = 2};
	uint16_t l = 8;
	int64_t res = 0;
	h.len = SK_EVT_HDR_SIZE + 4 + 16;
	memcpy(b, &h, sizeof(h));
	memcpy(b + SK_EVT_HDR_SIZE, &l, 2);
	memcpy(b + SK_EVT_HDR_SIZE + 2, &l, 2);
	memcpy(b + SK_EVT_HDR_SIZE + 4, &res, 8);
	memcpy(b + SK_EVT_HDR_SIZE + 12, &fd, 8);
	assert_int_equal(sk_evt_check(b, h.len), 0);
	struct sk_event ev = {.rec = (const struct sk_evt_hdr *)b, .num = ++evnum, .source = "syscall"};
	assert_int_equal(shrike_plugin_entry.parse->parse(in, &ev), SK_OK);
}

static void destroy(struct sys_inst *in)
{
	shrike_plugin_entry.destroy(in);
}

static void assert_str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL) {
		assert_ptr_equal(a, b);
	} else {
		assert_string_equal(a, b);
	}
}

/* ---- tests ---------------------------------------------------------------- */

/* The whole state of this machine's /proc, saved and restored. */
static void test_roundtrip(void **state)
{
	(void)state;
	int fd = open("/etc/hostname", O_RDONLY);
	assert_true(fd >= 0);
	saved_clear();
	struct sys_inst *a = plugin_new(&conf_live, "/proc", true);
	struct sk_thread *me = sk_state_thread(&a->st, getpid());
	assert_non_null(me);
	assert_non_null(sk_state_userdb(&a->st, me, 1, false)); /* users of our root */
	/* overlayfs layers, as open and exec records would have set them */
	me->exe_lower_layer = true;
	struct sk_fd *hfd = sk_fd_get(me, fd);
	assert_non_null(hfd);
	hfd->layer = SK_LAYER_UPPER;
	saved.capturing = true;
	assert_int_equal(sys_snap_save_all(a), SK_OK);
	saved.capturing = false;
	assert_true(saved.n > 3);

	struct sys_inst *b = plugin_new(&conf_replay, "/nonexistent", false);
	assert_int_equal(b->st.threads.n, 0);
	replay(b, 0);
	assert_int_equal(saved.warnings, 0);
	assert_true(b->st.offline);
	assert_int_equal(b->st.threads.n, a->st.threads.n);
	assert_int_equal(b->st.nfds, a->st.nfds);
	assert_int_equal(b->st.host_root_key, a->st.host_root_key);

	/* every thread, field for field, and every fd */
	size_t checked = 0;
	for (size_t i = 0; i < a->st.threads.cap; i++) {
		const struct sk_thread *x = a->st.threads.slots[i].val;
		if (x == NULL) {
			continue;
		}
		const struct sk_thread *y = sk_state_thread(&b->st, x->tid);
		assert_non_null(y);
		assert_int_equal(y->pid, x->pid);
		assert_int_equal(y->ppid, x->ppid);
		assert_int_equal(y->vtid, x->vtid);
		assert_int_equal(y->vpid, x->vpid);
		assert_int_equal(y->sid, x->sid);
		assert_int_equal(y->pgid, x->pgid);
		assert_int_equal(y->uid, x->uid);
		assert_int_equal(y->euid, x->euid);
		assert_int_equal(y->gid, x->gid);
		assert_int_equal(y->loginuid, x->loginuid);
		assert_int_equal(y->cap_eff, x->cap_eff);
		assert_int_equal(y->cap_prm, x->cap_prm);
		assert_int_equal(y->tty, x->tty);
		assert_int_equal(y->start_ts, x->start_ts);
		assert_int_equal(y->pidns, x->pidns);
		assert_int_equal(y->exe_ino, x->exe_ino);
		assert_int_equal(y->root_key, x->root_key);
		assert_int_equal(y->from_proc, x->from_proc);
		assert_int_equal(y->env_loaded, x->env_loaded);
		assert_int_equal(y->exe_upper_layer, x->exe_upper_layer);
		assert_int_equal(y->exe_lower_layer, x->exe_lower_layer);
		assert_int_equal(y->vmsize_kb, x->vmsize_kb);
		assert_int_equal(y->vmrss_kb, x->vmrss_kb);
		assert_int_equal(y->vmswap_kb, x->vmswap_kb);
		assert_int_equal(y->pf_known, x->pf_known);
		assert_int_equal(y->pfmajor, x->pfmajor);
		assert_int_equal(y->pfminor, x->pfminor);
		assert_string_equal(y->comm, x->comm);
		assert_str_same(y->exe, x->exe);
		assert_str_same(y->exepath, x->exepath);
		assert_int_equal(y->args_len, x->args_len);
		if (x->args_len) {
			assert_memory_equal(y->args, x->args, x->args_len);
		}
		assert_int_equal(y->cgroups_len, x->cgroups_len);
		assert_non_null(y->files);
		assert_str_same(y->files->cwd, x->files->cwd);
		assert_int_equal(y->files->fds.n, x->files->fds.n);
		for (size_t k = 0; k < x->files->fds.cap; k++) {
			const struct sk_fd *f = x->files->fds.slots[k].val;
			if (f == NULL) {
				continue;
			}
			const struct sk_fd *g = sk_fd_get(y, f->num);
			assert_non_null(g);
			assert_int_equal(g->type, f->type);
			assert_int_equal(g->ino, f->ino);
			assert_int_equal(g->flags, f->flags);
			assert_int_equal(g->from_proc, f->from_proc);
			assert_int_equal(g->layer, f->layer);
			assert_str_same(g->name, f->name);
		}
		checked++;
	}
	assert_int_equal(checked, a->st.threads.n);

	/* threads of one process share one fd table, as they did */
	const struct sk_thread *mine = sk_state_thread(&b->st, getpid());
	assert_non_null(mine);
	const struct sk_fd *f = sk_fd_get(mine, fd);
	assert_non_null(f);
	assert_string_equal(f->name, "/etc/hostname");
	assert_int_equal(f->layer, SK_LAYER_UPPER);
	assert_true(mine->exe_lower_layer);
	/* the users of our root came along */
	const struct sk_userdb *db = sk_state_userdb_of(&b->st, mine->root_key);
	assert_non_null(db);
	const struct sk_user *root = sk_userdb_user(db, 0);
	assert_non_null(root);
	assert_string_equal(root->name, "root");
	/* offline: an unknown thread is not looked up anywhere */
	struct sk_thread *t = sk_state_get_thread(&b->st, 0x7ffffff0);
	assert_non_null(t);
	assert_int_equal(t->exe, NULL);
	assert_int_equal(b->st.proc_lookups, 0);

	destroy(a);
	destroy(b);
	close(fd);
	saved_clear();
}

/* Pieces learnt while recording: a thread looked up in /proc is saved when
 * it is read (and applied at once on replay); a root found out and an
 * environment read at extraction are applied after the next event. */
static void test_learnt_while_recording(void **state)
{
	(void)state;
	saved_clear();
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char c;
		close(pfd[1]);
		(void)!read(pfd[0], &c, 1);
		_exit(0);
	}
	close(pfd[0]);

	struct sys_inst *a = plugin_new(&conf_live, "/proc", true);
	saved.capturing = true;
	assert_int_equal(sys_snap_save_all(a), SK_OK);
	size_t snap_end = saved.n;
	/* the child as if its fork had been missed: looked up on demand */
	sk_state_remove(&a->st, child);
	struct sk_thread *c = sk_state_get_thread(&a->st, child);
	assert_non_null(c);
	assert_true(c->from_proc);
	assert_true(saved.n > snap_end);
	size_t after_thread = saved.n;
	/* its root and environment, found out while "extracting" */
	c->root_key = 0;
	c->env_loaded = false;
	assert_non_null(sk_state_userdb(&a->st, c, 5, false));
	size_t len = 0;
	assert_non_null(sk_state_env(&a->st, c, &len));
	assert_true(len > 0);
	assert_true(saved.n >= after_thread + 2);
	saved.capturing = false;
	uint64_t key = c->root_key;
	assert_true(key != 0);

	struct sys_inst *b = plugin_new(&conf_replay, "/nonexistent", false);
	replay(b, 0);
	assert_int_equal(saved.warnings, 0);
	struct sk_thread *d = sk_state_thread(&b->st, child);
	assert_non_null(d);
	assert_true(d->from_proc);
	assert_string_equal(d->comm, c->comm);
	/* not yet: they belong after the event they preceded (whose own
	 * parsing, an exec say, may set the root and clear the environment) */
	assert_false(d->env_loaded);
	d->root_key = 12345;
	parse_close(b, child, 99);
	d = sk_state_thread(&b->st, child);
	assert_int_equal(d->root_key, key);
	assert_true(d->env_loaded);
	assert_int_equal(d->env_len, c->env_len);
	assert_memory_equal(d->env, c->env, c->env_len);
	/* the replayed users answer for that root without any file */
	assert_ptr_equal(sk_state_userdb(&b->st, d, 6, true), sk_state_userdb_of(&b->st, key));

	assert_int_equal(write(pfd[1], "x", 1), 1);
	close(pfd[1]);
	waitpid(child, NULL, 0);
	destroy(a);
	destroy(b);
	saved_clear();
}

/* Not capturing: nothing is built, nothing is saved. */
static void test_not_capturing(void **state)
{
	(void)state;
	saved_clear();
	saved.capturing = false;
	struct sys_inst *a = plugin_new(&conf_live, "/proc", true);
	assert_int_equal(sys_snap_save_all(a), SK_OK);
	struct sk_thread *me = sk_state_thread(&a->st, getpid());
	me->root_key = 0;
	sk_state_userdb(&a->st, me, 1, false);
	assert_int_equal(saved.n, 0);
	assert_int_equal(a->snap.saved, 0);
	destroy(a);
}

/* Damaged records: a warning, the rest still applies, no crash. */
static void test_bad_records(void **state)
{
	(void)state;
	saved_clear();
	struct sys_inst *a = plugin_new(&conf_live, "/proc", true);
	saved.capturing = true;
	assert_int_equal(sys_snap_save_all(a), SK_OK);
	saved.capturing = false;
	size_t n = saved.n;
	destroy(a);

	/* a piece before any beginning is not used (not offline either) */
	struct sys_inst *b = plugin_new(&conf_replay, "/nonexistent", false);
	struct sk_event ev = {.rec = (const struct sk_evt_hdr *)saved.recs[n - 2],
			      .num = 1,
			      .source = "syscall"};
	shrike_plugin_entry.parse->parse(b, &ev);
	assert_false(b->st.offline);
	assert_int_equal(b->st.threads.n, 0);
	assert_int_equal(saved.warnings, 1);

	/* every record cut short or with flipped bytes, then the good ones */
	srand(7);
	for (size_t i = 0; i < n; i++) {
		const struct sk_evt_hdr *r = (const struct sk_evt_hdr *)saved.recs[i];
		const void *p = NULL;
		uint32_t len = 0;
		assert_int_equal(sk_evt_param(r, 1, &p, &len), 0);
		unsigned char *copy = malloc(len);
		assert_non_null(copy);
		memcpy(copy, p, len);
		for (int k = 0; k < 8; k++) {
			copy[(size_t)rand() % len] ^= (unsigned char)(1 + rand() % 255);
		}
		for (uint32_t cut = 0; cut <= len; cut += len / 3 + 1) {
			uint64_t *bad = state_record("syscall", copy, cut);
			struct sk_event e = {.rec = (const struct sk_evt_hdr *)bad, .num = 1, .source = "syscall"};
			shrike_plugin_entry.parse->parse(b, &e);
			free(bad);
		}
		free(copy);
	}
	/* a wrong format version is refused */
	const struct sk_evt_hdr *r0 = (const struct sk_evt_hdr *)saved.recs[0];
	const void *p = NULL;
	uint32_t len = 0;
	assert_int_equal(sk_evt_param(r0, 1, &p, &len), 0);
	unsigned char *v2 = malloc(len);
	memcpy(v2, p, len);
	uint32_t version = 2; /* param 0 of the nested BEGIN record */
	memcpy(v2 + SK_EVT_HDR_SIZE + 4 * 3, &version, 4);
	uint64_t *rv = state_record("syscall", v2, len);
	struct sk_event e = {.rec = (const struct sk_evt_hdr *)rv, .num = 1, .source = "syscall"};
	struct sys_inst *c = plugin_new(&conf_replay, "/nonexistent", false);
	shrike_plugin_entry.parse->parse(c, &e);
	assert_false(c->st.offline);
	free(rv);
	free(v2);
	destroy(c);

	/* the intact records still rebuild the state */
	replay(b, 0);
	assert_true(b->st.offline);
	assert_true(b->st.threads.n > 0);
	assert_non_null(sk_state_thread(&b->st, getpid()));
	destroy(b);
	saved_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_learnt_while_recording),
	    cmocka_unit_test(test_not_capturing),
	    cmocka_unit_test(test_bad_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
