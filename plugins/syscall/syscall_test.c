/* plugins/syscall/syscall_test.c - unit tests of the `syscall` plugin: the
 * hash table, path resolution, passwd/group parsing, the /proc scan of the
 * test's own process, and hand-built records (encoded from the event table
 * in <shrike/syscall_events.h>) fed to parse() whose fields extract() must
 * return with Falco's semantics: process lineage, users from the process's
 * own root, fds of opens (also failed ones), dup, close, sockets, pipes,
 * memfd, symlink/link arguments, exit and eviction. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <shrike/plugin.h>
#include <shrike/syscall_events.h>

#include "../common/htab.h"
#include "names.h"
#include "fields_fd.h"
#include "state.h"
#include "syscall.h"
#include "userdb.h"
#include "tests/plugin_metric.h"

extern const struct sk_plugin shrike_plugin_entry;

#define metric(inst, name) sk_test_metric(&shrike_plugin_entry, (inst), (name))

/* ---- host ---------------------------------------------------------------- */

static void fake_log(struct sk_host *host, int level, const char *fmt, ...)
{
	(void)host;
	(void)level;
	(void)fmt;
}

static const char *fake_hostname(struct sk_host *host)
{
	(void)host;
	return "testhost";
}

static const struct sk_host_api api = {
    .struct_size = sizeof(struct sk_host_api),
    .log = fake_log,
    .hostname = fake_hostname,
};

static void *plugin_new(const char *proc_root, bool scan)
{
	static struct sys_conf conf;
	conf = (struct sys_conf){.proc_root = (char *)proc_root,
				 .scan_proc = scan,
				 .max_threads = 1000,
				 .max_fds = 1000};
	struct sk_init_input in = {.struct_size = sizeof(in),
				   .api = &api,
				   .config = &conf,
				   .config_json = "{}",
				   .instance_name = "syscall"};
	void *inst = NULL;
	char err[256] = "";
	int r = shrike_plugin_entry.init(&in, &inst, err, sizeof(err));
	if (r != SK_OK) {
		fail_msg("init: %s", err);
	}
	return inst;
}

/* ---- records, encoded from the table ------------------------------------ */

struct rb {
	const struct sk_sc_event *info;
	unsigned char data[SK_EVT_MAX_PARAMS][1024];
	uint32_t len[SK_EVT_MAX_PARAMS];
	_Alignas(8) unsigned char rec[40000];
	uint64_t num;
};

static struct rb rb;

static void rb_begin(unsigned type)
{
	rb.info = sk_sc_event_info(type);
	assert_non_null(rb.info);
	memset(rb.len, 0, sizeof(rb.len));
}

static int rb_idx(const char *name)
{
	int i = sk_sc_param_index(rb.info, name);
	if (i < 0) {
		fail_msg("%s has no parameter %s", rb.info->name, name);
	}
	return i;
}

/* a number, encoded with the size the table gives the parameter */
static void rb_num(const char *name, int64_t v)
{
	int i = rb_idx(name);
	uint32_t sz = sk_sc_pt_size(rb.info->params[i].type);
	assert_true(sz > 0);
	switch (sz) {
	case 8:
		memcpy(rb.data[i], &v, 8);
		break;
	case 4: {
		uint32_t x = (uint32_t)v;
		memcpy(rb.data[i], &x, 4);
		break;
	}
	case 2: {
		uint16_t x = (uint16_t)v;
		memcpy(rb.data[i], &x, 2);
		break;
	}
	default:
		rb.data[i][0] = (unsigned char)v;
	}
	rb.len[i] = sz;
}

static void rb_mem(const char *name, const void *p, size_t len)
{
	int i = rb_idx(name);
	assert_true(len <= sizeof(rb.data[i]));
	assert_int_equal(sk_sc_pt_size(rb.info->params[i].type), 0);
	memcpy(rb.data[i], p, len);
	rb.len[i] = (uint32_t)len;
}

static void rb_str(const char *name, const char *s)
{
	rb_mem(name, s, strlen(s) + 1);
}

/* NUL-separated list from a '|'-separated literal: "a|b|c" */
static void rb_list(const char *name, const char *items)
{
	char tmp[1024];
	size_t n = strlen(items);
	memcpy(tmp, items, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (tmp[i] == '|') {
			tmp[i] = '\0';
		}
	}
	rb_mem(name, tmp, n + 1);
}

static void rb_tuple4(const char *name, const char *sip, uint16_t sport, const char *dip,
		      uint16_t dport)
{
	unsigned char b[13];
	b[0] = AF_INET;
	inet_pton(AF_INET, sip, b + 1);
	memcpy(b + 5, &sport, 2);
	inet_pton(AF_INET, dip, b + 7);
	memcpy(b + 11, &dport, 2);
	rb_mem(name, b, sizeof(b));
}

static void rb_addr4(const char *name, const char *ip, uint16_t port)
{
	unsigned char b[7];
	b[0] = AF_INET;
	inet_pton(AF_INET, ip, b + 1);
	memcpy(b + 5, &port, 2);
	rb_mem(name, b, sizeof(b));
}

static void rb_addr_unix(const char *name, const char *path)
{
	unsigned char b[200];
	b[0] = AF_UNIX;
	size_t l = strlen(path) + 1;
	memcpy(b + 1, path, l);
	rb_mem(name, b, l + 1);
}

static uint64_t now_ts = 1795341600000000000ULL;

/* rb_send - finish the record and hand it to parse(); returns the event. */
static struct sk_event rb_send(void *inst, uint64_t tid)
{
	struct sk_evt_hdr h = {0};
	unsigned n = rb.info->nparams;
	size_t off = SK_EVT_HDR_SIZE + 2u * n;
	for (unsigned i = 0; i < n; i++) {
		uint16_t l = (uint16_t)rb.len[i];
		memcpy(rb.rec + SK_EVT_HDR_SIZE + 2 * i, &l, 2);
		memcpy(rb.rec + off, rb.data[i], rb.len[i]);
		off += rb.len[i];
	}
	now_ts += 1000;
	h.ts = now_ts;
	h.tid = tid;
	h.len = (uint32_t)off;
	h.type = rb.info->type;
	h.nparams = (uint8_t)n;
	memcpy(rb.rec, &h, sizeof(h));
	assert_int_equal(sk_evt_check(rb.rec, off), 0);
	struct sk_event ev = {
	    .rec = (const struct sk_evt_hdr *)rb.rec, .num = ++rb.num, .source = "syscall"};
	assert_int_equal(shrike_plugin_entry.parse->parse(inst, &ev), SK_OK);
	return ev;
}

/* ---- field access -------------------------------------------------------- */

static char xbuf[8192];

static void fmt_value(const struct sk_value *v, char *b, size_t cap)
{
	char ip[INET6_ADDRSTRLEN];
	switch (v->type) {
	case SK_TYPE_STRING:
		snprintf(b, cap, "%s", v->str.ptr);
		break;
	case SK_TYPE_BYTES:
		snprintf(b, cap, "%.*s", (int)v->str.len, v->str.ptr);
		break;
	case SK_TYPE_I64:
		snprintf(b, cap, "%lld", (long long)v->i64);
		break;
	case SK_TYPE_U64:
	case SK_TYPE_PORT:
	case SK_TYPE_ABSTIME:
	case SK_TYPE_RELTIME:
		snprintf(b, cap, "%llu", (unsigned long long)v->u64);
		break;
	case SK_TYPE_BOOL:
		snprintf(b, cap, "%s", v->b ? "true" : "false");
		break;
	case SK_TYPE_IPADDR:
	case SK_TYPE_IPNET:
		inet_ntop(v->ip.family == 4 ? AF_INET : AF_INET6, v->ip.addr, ip, sizeof(ip));
		snprintf(b, cap, "%s", ip);
		break;
	case SK_TYPE_LIST: {
		size_t n = 0;
		b[0] = '\0';
		for (uint32_t i = 0; i < v->list.n && n < cap; i++) {
			if (i) {
				b[n++] = ',';
			}
			fmt_value(&v->list.items[i], b + n, cap - n);
			n += strlen(b + n);
		}
		break;
	}
	default:
		snprintf(b, cap, "?");
	}
}

/* x - field `spec` ("proc.aname[2]", "evt.arg.flags") of event ev as text,
 * "<NA>" when it has no value. */
static const char *x(void *inst, const struct sk_event *ev, const char *spec)
{
	char name[128];
	const char *arg = NULL;
	snprintf(name, sizeof(name), "%s", spec);
	char *br = strchr(name, '[');
	if (br) {
		*br = '\0';
		arg = br + 1;
		name[strlen(spec) - 1] = '\0';
	}
	int idx = -1;
	for (int i = 0; sys_fields[i].name; i++) {
		if (strcmp(sys_fields[i].name, name) == 0) {
			idx = i;
		}
	}
	if (idx < 0 && strncmp(name, "evt.arg.", 8) == 0) {
		arg = spec + 8;
		for (int i = 0; sys_fields[i].name; i++) {
			if (strcmp(sys_fields[i].name, "evt.arg") == 0) {
				idx = i;
			}
		}
	}
	if (idx < 0 && strncmp(name, "evt.rawarg.", 11) == 0) {
		arg = spec + 11;
		for (int i = 0; sys_fields[i].name; i++) {
			if (strcmp(sys_fields[i].name, "evt.rawarg") == 0) {
				idx = i;
			}
		}
	}
	if (idx < 0) {
		fail_msg("no field %s", spec);
	}
	struct sk_field_req req = {.field_idx = (uint32_t)idx, .arg_key = arg};
	char *end = NULL;
	if (arg != NULL) {
		unsigned long long n = strtoull(arg, &end, 10);
		if (end != arg && *end == '\0') {
			req.has_index = 1;
			req.arg_index = n;
		}
	}
	struct sk_value v;
	int r = shrike_plugin_entry.extract->extract(inst, ev, &req, &v);
	if (r == SK_NA) {
		return "<NA>";
	}
	assert_int_equal(r, SK_OK);
	if (!(sys_fields[idx].flags & SK_FIELD_LIST) && v.type != SK_TYPE_LIST) {
		assert_int_equal(v.type, sys_fields[idx].type);
	}
	fmt_value(&v, xbuf, sizeof(xbuf));
	return xbuf;
}

#define X_EQ(inst, ev, spec, want) assert_string_equal(x((inst), &(ev), (spec)), (want))

/* ---- fake /proc root ----------------------------------------------------- */

static char fakeroot[PATH_MAX];

static void write_file(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", fakeroot, rel);
	char dir[PATH_MAX * 2];
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + strlen(fakeroot) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0755);
			*p = '/';
		}
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int make_fakeroot(void **state)
{
	(void)state;
	snprintf(fakeroot, sizeof(fakeroot), "/tmp/sksyscall_testXXXXXX");
	assert_non_null(mkdtemp(fakeroot));
	/* the host (pid 1) and a container process (pid 4000) with their own
	 * users; pid 4001 exists in no /proc (exited) */
	write_file("1/root/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
					"bob:x:1000:1000:Bob:/home/bob:/bin/bash\n");
	write_file("1/root/etc/group", "root:x:0:\nbob:x:1000:\n");
	write_file("4000/root/etc/passwd",
		   "# comment\n"
		   "root:x:0:0:root:/root:/bin/ash\n"
		   "broken line\n"
		   "alice:x:1000:1000:Alice:/home/alice:/bin/zsh\n"
		   "alias:x:1000:1000:dup:/nowhere:/bin/false\n"
		   "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n");
	write_file("4000/root/etc/group", "root:x:0:\nstaff:x:1000:alice\n");
	write_file("stat", "cpu 0 0 0 0\nbtime 1700000000\n");
	return 0;
}

static int remove_fakeroot(void **state)
{
	(void)state;
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fakeroot);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- tests: building blocks --------------------------------------------- */

static void test_htab(void **state)
{
	(void)state;
	struct sk_htab h;
	sk_htab_init(&h);
	static int vals[5000];
	for (int i = 0; i < 5000; i++) {
		assert_int_equal(sk_htab_put(&h, (uint64_t)i * 7, &vals[i], NULL), 0);
	}
	assert_int_equal(h.n, 5000);
	for (int i = 0; i < 5000; i += 2) {
		assert_ptr_equal(sk_htab_del(&h, (uint64_t)i * 7), &vals[i]);
	}
	assert_int_equal(h.n, 2500);
	for (int i = 0; i < 5000; i++) {
		void *v = sk_htab_get(&h, (uint64_t)i * 7);
		if (i % 2) {
			assert_ptr_equal(v, &vals[i]);
		} else {
			assert_null(v);
		}
	}
	void *old;
	assert_int_equal(sk_htab_put(&h, 7, &vals[0], &old), 0);
	assert_ptr_equal(old, &vals[1]);
	assert_int_equal(h.n, 2500);
	assert_null(sk_htab_del(&h, 12345678));
	sk_htab_fini(&h);
}

static void test_path_join(void **state)
{
	(void)state;
	char b[PATH_MAX];
	struct {
		const char *dir, *path, *want;
	} cases[] = {
	    {"/home/u", "a.txt", "/home/u/a.txt"},
	    {"/home/u/", "./a/../b//c", "/home/u/b/c"},
	    {"/", "../../etc/shadow", "/etc/shadow"},
	    {"/x", "/etc//passwd/", "/etc/passwd"},
	    {"/a/b", "..", "/a"},
	    {"/a/b", ".", "/a/b"},
	    {"/", ".", "/"},
	    {NULL, "rel", "/rel"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = sk_path_join(cases[i].dir, cases[i].path, b, sizeof(b));
		assert_int_equal(n, (int)strlen(cases[i].want));
		assert_string_equal(b, cases[i].want);
	}
	assert_int_equal(sk_path_join("/", "abcdef", b, 4), -ENAMETOOLONG);
}

/* The host's users when PID 1's root cannot be read under proc_root (a
 * /proc without the host's init): from host_root, $HOST_ROOT in a
 * container, not from this process's own "/". */
static void test_userdb_host_root(void **state)
{
	(void)state;
	write_file("noinit/stat", "cpu 0 0 0 0\nbtime 1700000000\n");
	write_file("hostfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
					"carol:x:4321:4321:Carol:/home/carol:/bin/sh\n");
	write_file("hostfs/etc/group", "carol:x:4321:\n");
	char proc[PATH_MAX + 16], host[PATH_MAX + 16];
	snprintf(proc, sizeof(proc), "%s/noinit", fakeroot);
	snprintf(host, sizeof(host), "%s/hostfs", fakeroot);
	struct sk_state st;
	struct sk_state_conf sc = {.proc_root = proc, .host_root = host};
	assert_int_equal(sk_state_init(&st, &sc), 0);
	struct stat hb;
	assert_int_equal(stat(host, &hb), 0);
	assert_int_equal(st.host_root_key, ((uint64_t)hb.st_dev << 40) ^ (uint64_t)hb.st_ino);
	struct sk_thread *t = sk_state_new_thread(&st, 777); /* in no /proc */
	assert_non_null(t);
	t->pid = 777;
	const struct sk_userdb *db = sk_state_userdb(&st, t, 1, false);
	assert_non_null(db);
	assert_string_equal(sk_userdb_user(db, 4321)->name, "carol");
	assert_string_equal(sk_userdb_group(db, 4321)->name, "carol");
	sk_state_fini(&st);
}

static void test_userdb(void **state)
{
	(void)state;
	char root[PATH_MAX + 16];
	snprintf(root, sizeof(root), "%s/4000/root", fakeroot);
	struct sk_userdb *db = sk_userdb_load(root);
	assert_non_null(db);
	assert_int_equal(db->nusers, 3); /* comment, broken line and duplicate id dropped */
	const struct sk_user *u = sk_userdb_user(db, 1000);
	assert_non_null(u);
	assert_string_equal(u->name, "alice"); /* the first entry of an id wins */
	assert_string_equal(u->home, "/home/alice");
	assert_string_equal(u->shell, "/bin/zsh");
	assert_string_equal(sk_userdb_user(db, 0)->shell, "/bin/ash");
	assert_null(sk_userdb_user(db, 42));
	assert_string_equal(sk_userdb_group(db, 1000)->name, "staff");
	sk_userdb_free(db);
	/* a root without the files: empty, not an error */
	db = sk_userdb_load("/nonexistent-root");
	assert_non_null(db);
	assert_int_equal(db->nusers, 0);
	assert_null(sk_userdb_user(db, 0));
	sk_userdb_free(db);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(sk_errno_name(ENOENT), "ENOENT");
	assert_string_equal(sk_errno_name(EACCES), "EACCES");
	assert_null(sk_errno_name(0));
	assert_null(sk_errno_name(100000));
	char b[256];
	sk_caps_format((1ULL << 0) | (1ULL << 21) | (1ULL << 63), b, sizeof(b));
	assert_string_equal(b, "CAP_CHOWN CAP_SYS_ADMIN CAP_63");
	sk_caps_format(0, b, sizeof(b));
	assert_string_equal(b, "");
	assert_string_equal(sk_fd_type_name(SK_FD_IPV4), "ipv4");
	assert_int_equal(sk_fd_type_char(SK_FD_FILE), 'f');
	assert_int_equal(sk_fd_type_char(SK_FD_MEMFD), 'm');
}

/* ---- tests: /proc scan of this process ----------------------------------- */

static void test_proc_scan_self(void **state)
{
	(void)state;
	/* things the scan must find: a file, a listening TCP socket, a pipe */
	char tmpf[] = "/tmp/skscanXXXXXX";
	int ffd = mkstemp(tmpf);
	assert_true(ffd >= 0);
	int sfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(sfd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(sfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(sfd, 1), 0);
	socklen_t sl = sizeof(sa);
	getsockname(sfd, (struct sockaddr *)&sa, &sl);
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);

	void *inst = plugin_new("/proc", true);
	struct sys_inst *in = inst;
	struct sk_thread *t = sk_state_thread(&in->st, getpid());
	assert_non_null(t);
	assert_int_equal(t->pid, getpid());
	assert_int_equal(t->ppid, getppid());
	assert_int_equal(t->euid, geteuid());
	assert_int_equal(t->egid, getegid());
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	assert_string_equal(t->exepath, exe);
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_string_equal(t->files->cwd, cwd);
	assert_true(t->start_ts > 1000000000ULL * 1600000000ULL);
	assert_true(t->pidns != 0);
	assert_true(t->fdlimit > 0);
	assert_non_null(t->cgroups);
	/* the parent is in the table too */
	assert_non_null(sk_state_parent(&in->st, t));

	const struct sk_fd *f = sk_fd_get(t, ffd);
	assert_non_null(f);
	assert_int_equal(f->type, SK_FD_FILE);
	assert_string_equal(f->name, tmpf);
	const struct sk_fd *s = sk_fd_get(t, sfd);
	assert_non_null(s);
	assert_int_equal(s->type, SK_FD_IPV4);
	assert_int_equal(s->l4proto, SK_L4_TCP);
	assert_int_equal(s->role, SK_ROLE_SERVER);
	char want[64];
	snprintf(want, sizeof(want), "127.0.0.1:%u", ntohs(sa.sin_port));
	assert_string_equal(s->name, want);
	const struct sk_fd *p = sk_fd_get(t, pfd[0]);
	assert_non_null(p);
	assert_int_equal(p->type, SK_FD_PIPE);
	assert_true(strncmp(p->name, "pipe:[", 6) == 0);

	/* a thread looked up on demand */
	sk_state_remove(&in->st, getpid());
	assert_null(sk_state_thread(&in->st, getpid()));
	t = sk_state_get_thread(&in->st, getpid());
	assert_non_null(t);
	assert_string_equal(t->exepath, exe);
	assert_true(t->from_proc);

	shrike_plugin_entry.destroy(inst);
	close(ffd);
	unlink(tmpf);
	close(sfd);
	close(pfd[0]);
	close(pfd[1]);
}

/* test_proc_scan_fake - a process in a fake /proc tree: every file the scan
 * reads, with known values (stat's odd comm, NSpid, capabilities, cgroups,
 * loginuid, fds of each kind, and an executable from an overlay's upper
 * layer found through mountinfo). */
static void test_proc_scan_fake(void **state)
{
	(void)state;
	char upper[PATH_MAX + 64], text[PATH_MAX * 2 + 512], link[PATH_MAX + 64];
	snprintf(upper, sizeof(upper), "%s/upper", fakeroot);
	write_file("upper/usr/local/bin/dropper", "#!/bin/sh\n");
	/* pid 7000 (host) is 12 in its namespace; comm has a space and ')' */
	write_file("7000/stat",
		   "7000 (my )prog) S 4000 7000 6999 34817 0 0 321 0 5 0 0 0 0 0 20 0 1 0 "
		   "250 0 0\n");
	write_file("7000/status",
		   "Name:\tmy )prog\nUid:\t1000\t1000\t1000\t1000\n"
		   "Gid:\t1000\t1000\t1000\t1000\nCapInh:\t0000000000000000\n"
		   "CapPrm:\t0000000000200000\nCapEff:\t0000000000200001\n"
		   "NStgid:\t7000\t12\nNSpid:\t7000\t12\nNSpgid:\t7000\t12\n"
		   "VmSize:\t  123456 kB\nVmRSS:\t    2048 kB\nVmSwap:\t      16 kB\n");
	static const char cmdline[] = "/usr/local/bin/dropper\0--fast\0x y"; /* + final NUL */
	write_file("7000/cmdline", "");
	snprintf(text, sizeof(text), "%s/7000/cmdline", fakeroot);
	FILE *cf = fopen(text, "w");
	assert_non_null(cf);
	assert_int_equal(fwrite(cmdline, 1, sizeof(cmdline), cf), sizeof(cmdline));
	fclose(cf);
	write_file("7000/loginuid", "1000");
	write_file("7000/environ", "");
	snprintf(text, sizeof(text), "%s/7000/environ", fakeroot);
	FILE *ef = fopen(text, "w");
	assert_non_null(ef);
	assert_int_equal(fwrite("A=1\0MODE=prod\0", 1, 14, ef), 14);
	fclose(ef);
	write_file("7000/cgroup", "0::/machine.slice/libpod-abc.scope\n");
	write_file("7000/limits",
		   "Limit Soft Hard Units\nMax open files            1024                 "
		   "4096                 files\n");
	snprintf(text, sizeof(text),
		 "22 1 0:21 / / rw,relatime - overlay overlay rw,lowerdir=/l1:/l2,upperdir=%s,"
		 "workdir=/w\n23 22 0:22 / /proc rw - proc proc rw\n",
		 upper);
	write_file("7000/mountinfo", text);
	write_file("7000/root/etc/passwd", "alice:x:1000:1000::/home/alice:/bin/sh\n");
	char path[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/7000/exe", fakeroot);
	assert_int_equal(symlink("/usr/local/bin/dropper", path), 0);
	snprintf(path, sizeof(path), "%s/7000/cwd", fakeroot);
	assert_int_equal(symlink("/srv/app", path), 0);
	snprintf(path, sizeof(path), "%s/7000/fd", fakeroot);
	mkdir(path, 0755);
	struct {
		const char *fd, *target;
	} fds[] = {{"0", "/dev/null"},
		   {"3", "pipe:[4242]"},
		   {"4", "anon_inode:[eventfd]"},
		   {"5", "/memfd:stage2 (deleted)"},
		   {"6", "socket:[999999999]"},
		   {"7", "anon_inode:inotify"}};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		snprintf(link, sizeof(link), "%s/7000/fd/%s", fakeroot, fds[i].fd);
		assert_int_equal(symlink(fds[i].target, link), 0);
	}

	void *inst = plugin_new(fakeroot, false);
	struct sys_inst *in = inst;
	struct sk_thread *t = sk_state_load_tid(&in->st, 7000);
	assert_non_null(t);
	assert_string_equal(t->comm, "my )prog");
	assert_int_equal(t->ppid, 4000);
	assert_int_equal(t->pgid, 7000);
	assert_int_equal(t->sid, 6999);
	assert_int_equal(t->tty, 34817);
	assert_int_equal(t->vpid, 12);
	assert_int_equal(t->vtid, 12);
	assert_int_equal(t->vpgid, 12);
	assert_int_equal(t->euid, 1000);
	assert_int_equal(t->loginuid, 1000);
	assert_int_equal(t->cap_eff, 0x200001);
	assert_int_equal(t->fdlimit, 1024);
	/* btime 1700000000 + 250 ticks */
	assert_int_equal(t->start_ts, 1700000000ULL * 1000000000ULL +
					  250ULL * (1000000000ULL / in->st.ticks_per_sec));
	assert_string_equal(t->exe, "/usr/local/bin/dropper");
	assert_int_equal(t->args_len, strlen("--fast") + 1 + strlen("x y"));
	assert_string_equal(t->exepath, "/usr/local/bin/dropper");
	assert_true(t->exe_upper_layer);
	assert_false(t->exe_from_memfd);
	assert_string_equal(t->files->cwd, "/srv/app");
	assert_int_equal(sk_fd_get(t, 0)->type, SK_FD_FILE);
	assert_int_equal(sk_fd_get(t, 3)->type, SK_FD_PIPE);
	assert_int_equal(sk_fd_get(t, 3)->ino, 4242);
	assert_int_equal(sk_fd_get(t, 4)->type, SK_FD_EVENT);
	assert_int_equal(sk_fd_get(t, 5)->type, SK_FD_MEMFD);
	assert_string_equal(sk_fd_get(t, 5)->name, "memfd:stage2");
	assert_int_equal(sk_fd_get(t, 6)->type, SK_FD_UNKNOWN); /* not in any net table */
	assert_int_equal(sk_fd_get(t, 7)->type, SK_FD_INOTIFY);

	/* the fields of an event of this process */
	rb_begin(SK_SC_OPENAT);
	rb_num("fd", 8);
	rb_num("dirfd", AT_FDCWD);
	rb_str("name", "data.bin");
	rb_num("flags", O_RDONLY);
	struct sk_event ev = rb_send(inst, 7000);
	X_EQ(inst, ev, "fd.name", "/srv/app/data.bin");
	X_EQ(inst, ev, "proc.name", "my )prog");
	X_EQ(inst, ev, "proc.args", "--fast x y");
	X_EQ(inst, ev, "proc.cmdnargs", "2");
	X_EQ(inst, ev, "proc.vpid", "12");
	X_EQ(inst, ev, "proc.is_exe_upper_layer", "true");
	X_EQ(inst, ev, "thread.cap_effective", "CAP_CHOWN CAP_SYS_ADMIN");
	X_EQ(inst, ev, "thread.cgroups", "unified=/machine.slice/libpod-abc.scope");
	X_EQ(inst, ev, "user.name", "alice"); /* from /proc/7000/root/etc/passwd */
	X_EQ(inst, ev, "user.loginname", "alice");
	X_EQ(inst, ev, "proc.tty", "34817");
	X_EQ(inst, ev, "proc.fdlimit", "1024");
	X_EQ(inst, ev, "proc.stdin.name", "/dev/null");
	/* the environment, read from /proc/7000/environ on first use */
	X_EQ(inst, ev, "proc.env", "A=1 MODE=prod");
	X_EQ(inst, ev, "proc.env[MODE]", "prod");
	/* memory from status, page faults from stat (minflt, majflt) */
	X_EQ(inst, ev, "proc.vmsize", "123456");
	X_EQ(inst, ev, "proc.vmrss", "2048");
	X_EQ(inst, ev, "proc.vmswap", "16");
	X_EQ(inst, ev, "thread.vmsize", "123456");
	X_EQ(inst, ev, "thread.pfminor", "321");
	X_EQ(inst, ev, "thread.pfmajor", "5");
	X_EQ(inst, ev, "proc.pgid", "7000");
	X_EQ(inst, ev, "proc.is_pgid_leader", "true");
	X_EQ(inst, ev, "proc.fdusage", "0"); /* 7 of 1024 */
	shrike_plugin_entry.destroy(inst);
}

/* ---- tests: events -------------------------------------------------------- */

#define SH_PID	 4000
#define CAT_PID	 4001
#define INIT_PID 3999

/* spawn - the shell 4000 (in the container root of the fake tree) forks
 * 4001, which execs `cat /etc/shadow`. Returns the execve event. */
static struct sk_event spawn_cat(void *inst)
{
	/* the shell: its own execve record creates it */
	rb_begin(SK_SC_CLONE);
	rb_num("res", 0);
	rb_str("exe", "/sbin/init");
	rb_num("tid", INIT_PID);
	rb_num("pid", INIT_PID);
	rb_num("ptid", 1);
	rb_str("cwd", "/");
	rb_str("comm", "init");
	rb_num("flags", 0);
	rb_num("uid", 0);
	rb_num("gid", 0);
	rb_num("vtid", 1);
	rb_num("vpid", 1);
	rb_num("sid", INIT_PID);
	rb_num("pgid", INIT_PID);
	rb_num("vpgid", 1);
	rb_send(inst, INIT_PID);

	rb_begin(SK_SC_CLONE);
	rb_num("res", 0);
	rb_str("exe", "/bin/sh");
	rb_list("args", "-c|cat /etc/shadow");
	rb_num("tid", SH_PID);
	rb_num("pid", SH_PID);
	rb_num("ptid", INIT_PID);
	rb_str("cwd", "/root");
	rb_str("comm", "sh");
	rb_num("flags", 0);
	rb_num("uid", 0);
	rb_num("gid", 0);
	rb_num("vtid", 7);
	rb_num("vpid", 7);
	rb_num("sid", INIT_PID);
	rb_num("pgid", SH_PID);
	rb_num("vpgid", 7);
	rb_num("cap_effective", (1ULL << 0) | (1ULL << 21));
	rb_list("cgroups",
		"cpuset=/machine.slice/libpod-x.scope|cpu,cpuacct=/machine.slice/libpod-x.scope/c");
	rb_send(inst, SH_PID);

	/* the fork: parent's record first (res = child), then the child's */
	rb_begin(SK_SC_FORK);
	rb_num("res", CAT_PID);
	rb_send(inst, SH_PID);
	rb_begin(SK_SC_FORK);
	rb_num("res", 0);
	rb_str("exe", "/bin/sh");
	rb_list("args", "-c|cat /etc/shadow");
	rb_num("tid", CAT_PID);
	rb_num("pid", CAT_PID);
	rb_num("ptid", SH_PID);
	rb_str("cwd", "/root");
	rb_str("comm", "sh");
	rb_num("flags", 0);
	rb_num("uid", 0);
	rb_num("gid", 0);
	rb_num("vtid", 8);
	rb_num("vpid", 8);
	rb_send(inst, CAT_PID);

	rb_begin(SK_SC_EXECVE);
	rb_num("res", 0);
	rb_str("exe", "cat");
	rb_list("args", "/etc/shadow");
	rb_num("tid", CAT_PID);
	rb_num("pid", CAT_PID);
	rb_num("ptid", SH_PID);
	rb_str("cwd", "/root");
	rb_str("comm", "cat");
	rb_list("env", "HOME=/root|PATH=/bin:/usr/bin|EMPTY=");
	rb_num("uid", 0);
	rb_num("gid", 0);
	rb_num("loginuid", 1000);
	rb_num("flags", SK_EXE_UPPER_LAYER);
	rb_num("cap_effective", 1ULL << 21);
	rb_num("cap_permitted", (1ULL << 21) | (1ULL << 12));
	rb_num("cap_inheritable", 0);
	rb_num("exe_ino", 1234);
	rb_str("trusted_exepath", "/usr/bin/cat");
	rb_str("filename", "/bin/cat");
	rb_num("vtid", 8);
	rb_num("vpid", 8);
	rb_num("pgid", SH_PID);
	rb_num("vpgid", 7);
	return rb_send(inst, CAT_PID);
}

static void test_process_lineage(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	struct sk_event ev = spawn_cat(inst);
	X_EQ(inst, ev, "evt.type", "execve");
	X_EQ(inst, ev, "evt.dir", "<");
	X_EQ(inst, ev, "evt.res", "SUCCESS");
	X_EQ(inst, ev, "evt.rawres", "0");
	X_EQ(inst, ev, "evt.failed", "false");
	X_EQ(inst, ev, "evt.category", "process");
	X_EQ(inst, ev, "evt.hostname", "testhost");
	X_EQ(inst, ev, "evt.source", "syscall");
	X_EQ(inst, ev, "proc.name", "cat");
	X_EQ(inst, ev, "proc.exe", "cat");
	X_EQ(inst, ev, "proc.exepath", "/usr/bin/cat");
	X_EQ(inst, ev, "proc.args", "/etc/shadow");
	X_EQ(inst, ev, "proc.cmdline", "cat /etc/shadow");
	X_EQ(inst, ev, "proc.exeline", "cat /etc/shadow");
	X_EQ(inst, ev, "proc.cmdnargs", "1");
	X_EQ(inst, ev, "proc.cmdlenargs", "11");
	X_EQ(inst, ev, "proc.pid", "4001");
	X_EQ(inst, ev, "proc.vpid", "8");
	X_EQ(inst, ev, "proc.ppid", "4000");
	X_EQ(inst, ev, "proc.pvpid", "7");
	X_EQ(inst, ev, "proc.pname", "sh");
	X_EQ(inst, ev, "proc.pexe", "/bin/sh");
	X_EQ(inst, ev, "proc.pcmdline", "sh -c cat /etc/shadow");
	X_EQ(inst, ev, "proc.aname[0]", "cat");
	X_EQ(inst, ev, "proc.aname[1]", "sh");
	X_EQ(inst, ev, "proc.aname[2]", "init");
	X_EQ(inst, ev, "proc.aname[3]", "<NA>");
	X_EQ(inst, ev, "proc.apid[2]", "3999");
	X_EQ(inst, ev, "proc.aexe[1]", "/bin/sh");
	X_EQ(inst, ev, "proc.aname", "sh,init"); /* any ancestor */
	X_EQ(inst, ev, "proc.cwd", "/root/");
	X_EQ(inst, ev, "proc.sid", "3999"); /* inherited from the shell */
	X_EQ(inst, ev, "proc.sname", "init");
	X_EQ(inst, ev, "proc.is_sid_leader", "false");
	X_EQ(inst, ev, "proc.vpgid", "7");
	X_EQ(inst, ev, "proc.vpgid.name", "sh");
	X_EQ(inst, ev, "proc.is_vpgid_leader", "false");
	X_EQ(inst, ev, "proc.loginshellid", "4000");
	X_EQ(inst, ev, "proc.is_exe_upper_layer", "true");
	X_EQ(inst, ev, "proc.is_exe_from_memfd", "false");
	X_EQ(inst, ev, "proc.exe_ino", "1234");
	X_EQ(inst, ev, "proc.env[HOME]", "/root");
	X_EQ(inst, ev, "proc.env[EMPTY]", "");
	X_EQ(inst, ev, "proc.env[NOPE]", "<NA>");
	X_EQ(inst, ev, "proc.env", "HOME=/root PATH=/bin:/usr/bin EMPTY=");
	X_EQ(inst, ev, "thread.tid", "4001");
	X_EQ(inst, ev, "thread.vtid", "8");
	X_EQ(inst, ev, "thread.ismain", "true");
	X_EQ(inst, ev, "thread.cap_effective", "CAP_SYS_ADMIN");
	X_EQ(inst, ev, "thread.cap_permitted", "CAP_NET_ADMIN CAP_SYS_ADMIN");
	X_EQ(inst, ev, "thread.cap_inheritable", "");
	/* cgroups come from the clone (execve's were not given) */
	X_EQ(inst, ev, "thread.cgroup[cpuacct]", "/machine.slice/libpod-x.scope/c");
	X_EQ(inst, ev, "thread.cgroup[memory]", "<NA>");
	X_EQ(inst, ev, "evt.arg.filename", "/bin/cat");
	/* byte buffers print as Falco prints them: NULs as '.' */
	X_EQ(inst, ev, "evt.arg.args", "/etc/shadow.");
	X_EQ(inst, ev, "evt.arg.env", "HOME=/root.PATH=/bin:/usr/bin.EMPTY=.");
	X_EQ(inst, ev, "evt.arg[0]", "0");
	X_EQ(inst, ev, "evt.arg.flags", "EXE_UPPER_LAYER");
	X_EQ(inst, ev, "evt.rawarg.flags", "2");
	X_EQ(inst, ev, "evt.rawarg.filename", "<NA>");
	X_EQ(inst, ev, "evt.arg.nosuch", "<NA>");
	/* the parent's lineage fields on the shell's own events */
	struct sys_inst *in = inst;
	assert_int_equal(sk_state_thread(&in->st, SH_PID)->pid, SH_PID);
	/* users: pid 4000 has a root in the fake tree; 4001 has none (it
	 * exited), so its parent's root is used: root of the container */
	X_EQ(inst, ev, "user.uid", "0");
	X_EQ(inst, ev, "user.name", "root");
	X_EQ(inst, ev, "user.shell", "/bin/ash"); /* the container's, not the host's /bin/bash */
	X_EQ(inst, ev, "user.homedir", "/root");
	X_EQ(inst, ev, "user.loginuid", "1000");
	X_EQ(inst, ev, "user.loginname", "alice");
	X_EQ(inst, ev, "group.gid", "0");
	X_EQ(inst, ev, "group.name", "root");
	shrike_plugin_entry.destroy(inst);
}

static struct sk_event open_ev(void *inst, int64_t fd, int64_t dirfd, const char *name,
			       int64_t flags, int64_t mode);

/* fields_evtproc.c: counters, times, process group, ancestors, memory */
static void test_evtproc_fields(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	struct sk_event ev = spawn_cat(inst);
	X_EQ(inst, ev, "evt.count", "1");
	X_EQ(inst, ev, "evt.count.error", "0");
	X_EQ(inst, ev, "evt.count.error.file", "<NA>");
	X_EQ(inst, ev, "evt.count.error.other", "0"); /* no fd, no open, not memory */
	X_EQ(inst, ev, "evt.count.exit", "1");
	X_EQ(inst, ev, "evt.type.is[execve]", "1");
	X_EQ(inst, ev, "evt.type.is[open]", "0");
	X_EQ(inst, ev, "syscall.type", "execve");
	X_EQ(inst, ev, "evt.deltatime", "1000"); /* rb_send: 1 us apart */
	X_EQ(inst, ev, "evt.deltatime.s", "0");
	X_EQ(inst, ev, "evt.deltatime.ns", "1000");
	X_EQ(inst, ev, "evt.info", x(inst, &ev, "evt.args"));
	X_EQ(inst, ev, "evt.outputtime", x(inst, &ev, "evt.time"));
	X_EQ(inst, ev, "evt.is_wait", "false");
	X_EQ(inst, ev, "evt.is_async", "false");
	X_EQ(inst, ev, "evt.asynctype", "<NA>");
	X_EQ(inst, ev, "evt.plugininfo", "<NA>");
	X_EQ(inst, ev, "util.cnt", "1");
	X_EQ(inst, ev, "util.cnt", "2");
	X_EQ(inst, ev, "proc.pgid", "4000");
	X_EQ(inst, ev, "proc.pgid.name", "sh");
	X_EQ(inst, ev, "proc.pgid.exe", "/bin/sh");
	X_EQ(inst, ev, "proc.is_pgid_leader", "false");
	X_EQ(inst, ev, "proc.aargs[0]", "/etc/shadow");
	X_EQ(inst, ev, "proc.aargs[1]", "-c cat /etc/shadow");
	X_EQ(inst, ev, "proc.aargs[9]", "<NA>");
	X_EQ(inst, ev, "proc.aargs", "-c cat /etc/shadow"); /* init has none */
	X_EQ(inst, ev, "proc.aenv[0]", "HOME=/root PATH=/bin:/usr/bin EMPTY=");
	X_EQ(inst, ev, "proc.aenv[HOME]", ""); /* the parents' only, none has it */
	X_EQ(inst, ev, "proc.fdusage", "0");   /* no limit known */
	/* page faults: unknown after the execve (a clone starts them at 0) */
	X_EQ(inst, ev, "thread.pfmajor", "<NA>");
	X_EQ(inst, ev, "thread.cpu", "<NA>");
	X_EQ(inst, ev, "thread.exectime", "0");
	X_EQ(inst, ev, "thread.totexectime", "0");

	/* mmap: the memory after the call, on the calling thread */
	rb_begin(SK_SC_MMAP);
	rb_num("res", 0x7f0000000000);
	rb_num("vm_size", 10240);
	rb_num("vm_rss", 4096);
	rb_num("vm_swap", 8);
	rb_num("length", 4096);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "proc.vmsize", "10240");
	X_EQ(inst, ev, "proc.vmrss", "4096");
	X_EQ(inst, ev, "proc.vmswap", "8");
	X_EQ(inst, ev, "thread.vmrss", "4096");
	X_EQ(inst, ev, "evt.count.error.memory", "0");
	X_EQ(inst, ev, "evt.count.error.other", "<NA>");
	/* a failed one: a memory error; a munmap without figures keeps them */
	rb_begin(SK_SC_MMAP);
	rb_num("res", -EBADF);
	rb_num("fd", 99);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "evt.count.error", "1");
	X_EQ(inst, ev, "evt.count.error.memory", "1");
	X_EQ(inst, ev, "proc.vmsize", "10240");

	/* a failed open is a file error; a write to a file named .../dev/log
	 * is a syslog write */
	ev = open_ev(inst, -ENOENT, AT_FDCWD, "/nonexistent", O_RDONLY, 0);
	X_EQ(inst, ev, "evt.count.error.file", "1");
	X_EQ(inst, ev, "evt.count.error.net", "<NA>");
	ev = open_ev(inst, 5, AT_FDCWD, "/run/dev/log", O_WRONLY, 0);
	X_EQ(inst, ev, "evt.count.error.file", "0");
	rb_begin(SK_SC_WRITE);
	rb_num("res", 3);
	rb_num("fd", 5);
	rb_num("size", 3);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "evt.is_syslog", "true");
	X_EQ(inst, ev, "evt.type.is[write]", "1");
	/* libsinsp's table fields: a write of 3 bytes to a file */
	X_EQ(inst, ev, "evt.buflen.out", "3");
	X_EQ(inst, ev, "evt.buflen.in", "<NA>");
	X_EQ(inst, ev, "evt.buflen.file", "3");
	X_EQ(inst, ev, "evt.buflen.file.out", "3");
	X_EQ(inst, ev, "evt.buflen.file.in", "<NA>");
	X_EQ(inst, ev, "evt.buflen.net", "<NA>");
	X_EQ(inst, ev, "evt.buflen.net.out", "<NA>");
	char nametid[64];
	snprintf(nametid, sizeof(nametid), "cat%d", CAT_PID);
	X_EQ(inst, ev, "thread.nametid", nametid);
	X_EQ(inst, ev, "thread.vmsize.b", "10485760"); /* 10240 KiB from the mmap */
	X_EQ(inst, ev, "thread.vmrss.b", "4194304");
	/* deprecated in Falco: accepted, no value */
	X_EQ(inst, ev, "evt.latency", "<NA>");
	X_EQ(inst, ev, "evt.wait_latency", "<NA>");
	X_EQ(inst, ev, "evt.infra.docker.container.id", "<NA>");
	X_EQ(inst, ev, "evt.count.procinfo", "<NA>");
	rb_begin(SK_SC_WRITE);
	rb_num("res", 3);
	rb_num("fd", 1);
	rb_num("size", 3);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "evt.is_syslog", "false");

	/* a thread of cat: no thread.vm*, page faults from 0 */
	rb_begin(SK_SC_CLONE);
	rb_num("res", 0);
	rb_str("exe", "cat");
	rb_num("tid", CAT_PID + 1);
	rb_num("pid", CAT_PID);
	rb_num("ptid", SH_PID);
	rb_str("comm", "cat");
	rb_num("flags", 0x10000 /* CLONE_THREAD */);
	rb_num("vm_size", 20480);
	rb_num("vm_rss", 5000);
	rb_num("vm_swap", 0);
	ev = rb_send(inst, CAT_PID + 1);
	X_EQ(inst, ev, "thread.ismain", "false");
	X_EQ(inst, ev, "proc.vmsize", "20480");
	X_EQ(inst, ev, "thread.vmsize", "0");
	X_EQ(inst, ev, "thread.vmrss", "0");
	X_EQ(inst, ev, "thread.pfmajor", "0");
	X_EQ(inst, ev, "thread.pfminor", "0");

	/* procexit is no syscall and no exit event for Falco */
	rb_begin(SK_SC_PROCEXIT);
	rb_num("status", 0);
	ev = rb_send(inst, CAT_PID + 1);
	X_EQ(inst, ev, "syscall.type", "<NA>");
	X_EQ(inst, ev, "evt.count.exit", "<NA>");
	X_EQ(inst, ev, "evt.count.error", "<NA>");
	X_EQ(inst, ev, "evt.count", "1");
	shrike_plugin_entry.destroy(inst);
}

static struct sk_event open_ev(void *inst, int64_t fd, int64_t dirfd, const char *name,
			       int64_t flags, int64_t mode)
{
	rb_begin(SK_SC_OPENAT);
	rb_num("fd", fd);
	rb_num("dirfd", dirfd);
	rb_str("name", name);
	rb_num("flags", flags);
	rb_num("mode", mode);
	rb_num("dev", 0x803);
	rb_num("ino", 777);
	rb_num("layer", SK_LAYER_NONE);
	return rb_send(inst, CAT_PID);
}

static void test_files(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	spawn_cat(inst);
	struct sk_event ev = open_ev(inst, 3, AT_FDCWD, "/etc/shadow", O_RDONLY | O_CLOEXEC, 0);
	X_EQ(inst, ev, "evt.type", "openat");
	X_EQ(inst, ev, "fd.num", "3");
	X_EQ(inst, ev, "fd.name", "/etc/shadow");
	X_EQ(inst, ev, "fd.nameraw", "/etc/shadow");
	X_EQ(inst, ev, "fd.directory", "/etc");
	X_EQ(inst, ev, "fd.filename", "shadow");
	X_EQ(inst, ev, "fd.type", "file");
	X_EQ(inst, ev, "fd.typechar", "f");
	X_EQ(inst, ev, "fd.ino", "777");
	X_EQ(inst, ev, "fd.dev", "2051");
	X_EQ(inst, ev, "fd.dev.major", "8");
	X_EQ(inst, ev, "fd.dev.minor", "3");
	X_EQ(inst, ev, "fd.sip", "<NA>");
	X_EQ(inst, ev, "evt.is_open_read", "true");
	X_EQ(inst, ev, "evt.is_open_write", "false");
	X_EQ(inst, ev, "evt.is_open_create", "false");
	X_EQ(inst, ev, "evt.arg.flags", "O_RDONLY|O_CLOEXEC");
	X_EQ(inst, ev, "evt.arg.fd", "<f>/etc/shadow");
	X_EQ(inst, ev, "evt.arg[0]", "<f>/etc/shadow");
	X_EQ(inst, ev, "evt.arg.dirfd", "AT_FDCWD");
	X_EQ(inst, ev, "evt.rawres", "3");
	X_EQ(inst, ev, "evt.res", "SUCCESS");
	X_EQ(inst, ev, "evt.category", "file");
	X_EQ(inst, ev, "proc.name", "cat");
	X_EQ(inst, ev, "user.name", "root");
	X_EQ(inst, ev, "evt.args",
	     "fd=3(<f>/etc/shadow) dirfd=-100(AT_FDCWD) name=/etc/shadow "
	     "flags=524288(O_RDONLY|O_CLOEXEC) "
	     "mode=00 dev=803 ino=777 layer=0");
	X_EQ(inst, ev, "proc.fdopencount", "1");

	/* a failed open still names its file, resolved against the cwd */
	ev = open_ev(inst, -ENOENT, AT_FDCWD, "../nope/x", O_WRONLY | O_CREAT, 0755);
	X_EQ(inst, ev, "evt.res", "ENOENT");
	X_EQ(inst, ev, "evt.rawres", "-2");
	X_EQ(inst, ev, "evt.failed", "true");
	X_EQ(inst, ev, "fd.name", "/nope/x");
	X_EQ(inst, ev, "fd.nameraw", "../nope/x");
	X_EQ(inst, ev, "fd.num", "-1");
	X_EQ(inst, ev, "fd.directory", "/nope");
	X_EQ(inst, ev, "fd.filename", "<NA>"); /* not recovered, as in Falco */
	X_EQ(inst, ev, "fd.typechar", "f");
	X_EQ(inst, ev, "evt.arg.fd", "ENOENT");
	X_EQ(inst, ev, "evt.arg[0]", "ENOENT");
	X_EQ(inst, ev, "evt.rawarg.fd", "-2");
	X_EQ(inst, ev, "evt.arg.name", "/nope/x");
	X_EQ(inst, ev, "evt.is_open_write", "true");
	X_EQ(inst, ev, "evt.is_open_create", "true");
	X_EQ(inst, ev, "evt.is_open_exec", "true");
	X_EQ(inst, ev, "proc.fdopencount", "1"); /* nothing was added */

	/* a directory fd, then a path relative to it */
	ev = open_ev(inst, 4, AT_FDCWD, "/var/lib", O_RDONLY | O_DIRECTORY, 0);
	X_EQ(inst, ev, "fd.type", "directory");
	X_EQ(inst, ev, "fd.typechar", "d");
	X_EQ(inst, ev, "fd.directory", "/var/lib");
	X_EQ(inst, ev, "fd.filename", "<NA>");
	ev = open_ev(inst, 5, 4, "dpkg/status", O_RDWR, 0);
	X_EQ(inst, ev, "fd.name", "/var/lib/dpkg/status");
	X_EQ(inst, ev, "fd.nameraw", "dpkg/status");
	X_EQ(inst, ev, "evt.is_open_read", "true");
	X_EQ(inst, ev, "evt.is_open_write", "true");
	/* relative to an unknown dirfd: Falco's <NA> prefix */
	ev = open_ev(inst, 6, 99, "x", O_RDONLY, 0);
	X_EQ(inst, ev, "fd.name", "<NA>x");

	/* dup: evt.rawres is the new fd, and the new fd is the event's fd */
	rb_begin(SK_SC_DUP2);
	rb_num("res", 10);
	rb_num("oldfd", 3);
	rb_num("newfd", 10);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "evt.rawres", "10");
	X_EQ(inst, ev, "fd.num", "10");
	X_EQ(inst, ev, "fd.name", "/etc/shadow");
	X_EQ(inst, ev, "evt.arg.oldfd", "<f>/etc/shadow");

	/* chdir, then a relative open */
	rb_begin(SK_SC_CHDIR);
	rb_num("res", 0);
	rb_str("path", "../tmp");
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "proc.cwd", "/tmp/");
	ev = open_ev(inst, 7, AT_FDCWD, "a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	X_EQ(inst, ev, "fd.name", "/tmp/a.txt");
	X_EQ(inst, ev, "evt.is_open_exec", "false");

	/* close: the fields still describe the closed fd; then it is gone */
	rb_begin(SK_SC_CLOSE);
	rb_num("res", 0);
	rb_num("fd", 3);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.name", "/etc/shadow");
	X_EQ(inst, ev, "fd.num", "3");
	X_EQ(inst, ev, "evt.arg.fd", "<f>/etc/shadow");
	rb_begin(SK_SC_FCHMOD);
	rb_num("res", -EBADF);
	rb_num("fd", 3);
	rb_num("mode", 0644);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.name", "<NA>");
	X_EQ(inst, ev, "fd.num", "3");
	X_EQ(inst, ev, "evt.res", "EBADF");
	X_EQ(inst, ev, "evt.arg.mode", "0644");

	/* symlink and link arguments: target as given, link paths absolute */
	rb_begin(SK_SC_SYMLINKAT);
	rb_num("res", 0);
	rb_str("target", "../etc/passwd");
	rb_num("linkdirfd", AT_FDCWD);
	rb_str("linkpath", "lnk");
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "evt.arg.target", "../etc/passwd");
	X_EQ(inst, ev, "evt.arg.linkpath", "/tmp/lnk");
	X_EQ(inst, ev, "evt.abspath.dst", "/tmp/lnk");
	rb_begin(SK_SC_LINKAT);
	rb_num("res", 0);
	rb_num("olddir", 4);
	rb_str("oldpath", "dpkg/status");
	rb_num("newdir", AT_FDCWD);
	rb_str("newpath", "/tmp/hard");
	rb_num("flags", 0);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "evt.arg.oldpath", "/var/lib/dpkg/status");
	X_EQ(inst, ev, "evt.abspath.src", "/var/lib/dpkg/status");
	X_EQ(inst, ev, "evt.abspath.dst", "/tmp/hard");
	rb_begin(SK_SC_UNLINKAT);
	rb_num("res", 0);
	rb_num("dirfd", AT_FDCWD);
	rb_str("name", "old.log");
	rb_num("flags", 0);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "evt.abspath", "/tmp/old.log");

	/* pipes, memfd and eventfd */
	rb_begin(SK_SC_PIPE2);
	rb_num("res", 0);
	rb_num("fd1", 20);
	rb_num("fd2", 21);
	rb_num("ino", 5555);
	rb_num("flags", O_CLOEXEC);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.type", "pipe");
	X_EQ(inst, ev, "fd.num", "20");
	X_EQ(inst, ev, "fd.name", "pipe:[5555]");
	rb_begin(SK_SC_MEMFD_CREATE);
	rb_num("fd", 22);
	rb_str("name", "payload");
	rb_num("flags", 0);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.type", "memfd");
	X_EQ(inst, ev, "fd.typechar", "m");
	X_EQ(inst, ev, "fd.name", "memfd:payload");
	rb_begin(SK_SC_EVENTFD2);
	rb_num("res", 23);
	rb_num("initval", 0);
	rb_num("flags", 0);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.type", "event");
	X_EQ(inst, ev, "fd.typechar", "e");

	/* stdin/out/err types from the table */
	ev = open_ev(inst, 0, AT_FDCWD, "/dev/null", O_RDONLY, 0);
	X_EQ(inst, ev, "proc.stdin.name", "/dev/null");
	X_EQ(inst, ev, "proc.stdin.type", "file");
	X_EQ(inst, ev, "proc.stdout.type", "<NA>");

	/* the exec closes close-on-exec fds (the pipe), keeps the others */
	rb_begin(SK_SC_EXECVE);
	rb_num("res", 0);
	rb_str("exe", "true");
	rb_str("comm", "true");
	ev = rb_send(inst, CAT_PID);
	struct sys_inst *in = inst;
	struct sk_thread *t = sk_state_thread(&in->st, CAT_PID);
	assert_null(sk_fd_get(t, 20));
	assert_null(sk_fd_get(t, 21));
	assert_non_null(sk_fd_get(t, 10)); /* dup2 clears O_CLOEXEC */
	assert_non_null(sk_fd_get(t, 22));
	X_EQ(inst, ev, "proc.args", "");
	X_EQ(inst, ev, "proc.env", "<NA>"); /* no env in the record; no /proc/4001 */
	shrike_plugin_entry.destroy(inst);
}

/* socket_ev - socket() returning `fd` */
static struct sk_event socket_ev(void *inst, int64_t fd, int domain, int type)
{
	rb_begin(SK_SC_SOCKET);
	rb_num("fd", fd);
	rb_num("domain", domain);
	rb_num("type", type);
	rb_num("proto", 0);
	return rb_send(inst, CAT_PID);
}

/* connect4_ev - a successful IPv4 connect of `fd` from cip:cport to
 * sip:sport */
static struct sk_event connect4_ev(void *inst, int64_t fd, const char *cip, uint16_t cport,
				   const char *sip, uint16_t sport)
{
	rb_begin(SK_SC_CONNECT);
	rb_num("res", 0);
	rb_tuple4("tuple", cip, cport, sip, sport);
	rb_num("fd", fd);
	rb_addr4("addr", sip, sport);
	return rb_send(inst, CAT_PID);
}

/* ---- tests: thread counts, fd.types, fd.name_changed, fd.*ip.name ------- */

static void thread_ev(void *inst, int64_t tid)
{
	rb_begin(SK_SC_CLONE);
	rb_num("res", 0);
	rb_num("tid", tid);
	rb_num("pid", CAT_PID);
	rb_num("ptid", CAT_PID);
	rb_str("comm", "cat");
	rb_num("flags", CLONE_THREAD | CLONE_FILES | CLONE_VM | CLONE_FS);
	rb_send(inst, (uint64_t)tid);
}

static struct sk_event exit_ev(void *inst, int64_t tid)
{
	rb_begin(SK_SC_PROCEXIT);
	rb_num("status", 0);
	rb_num("ret", 0);
	rb_num("sig", 0);
	return rb_send(inst, (uint64_t)tid);
}

static struct sk_event read_ev(void *inst, int64_t tid, int64_t fd)
{
	rb_begin(SK_SC_READ);
	rb_num("res", 0);
	rb_num("fd", fd);
	rb_num("size", 16);
	return rb_send(inst, (uint64_t)tid);
}

/* proc.nthreads counts the live threads of the process, the main thread
 * included; proc.nchilds the others (Falco's semantics: an exiting thread
 * no longer counts on its own exit event) */
static void test_thread_counts(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	struct sk_event ev = spawn_cat(inst);
	X_EQ(inst, ev, "proc.nthreads", "1");
	X_EQ(inst, ev, "proc.nchilds", "0");
	thread_ev(inst, 4002);
	thread_ev(inst, 4003);
	ev = read_ev(inst, 4003, 0);
	X_EQ(inst, ev, "proc.nthreads", "3");
	X_EQ(inst, ev, "proc.nchilds", "2");
	ev = read_ev(inst, CAT_PID, 0);
	X_EQ(inst, ev, "proc.nthreads", "3");
	/* the shell next door is another process */
	ev = read_ev(inst, SH_PID, 0);
	X_EQ(inst, ev, "proc.nthreads", "1");
	X_EQ(inst, ev, "proc.nchilds", "0");
	/* the main thread exits first: the other two live on */
	ev = exit_ev(inst, CAT_PID);
	X_EQ(inst, ev, "proc.nthreads", "2");
	X_EQ(inst, ev, "proc.nchilds", "2");
	ev = read_ev(inst, 4002, 0);
	X_EQ(inst, ev, "proc.nthreads", "2");
	X_EQ(inst, ev, "proc.nchilds", "2");
	ev = exit_ev(inst, 4003);
	X_EQ(inst, ev, "proc.nthreads", "1");
	X_EQ(inst, ev, "proc.nchilds", "1");
	shrike_plugin_entry.destroy(inst);
}

/* fd.types: every type of the process's open fds once, in a fixed order;
 * fd.types[N] the type of fd N; NA on events about no fd, as in Falco */
static void test_fd_types(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	struct sk_event ev = spawn_cat(inst);
	X_EQ(inst, ev, "fd.types", "<NA>"); /* an execve */
	ev = open_ev(inst, 3, AT_FDCWD, "/etc/hosts", O_RDONLY, 0);
	X_EQ(inst, ev, "fd.types", "file");
	ev = socket_ev(inst, 4, AF_INET, SOCK_STREAM);
	X_EQ(inst, ev, "fd.types", "file,ipv4");
	open_ev(inst, 5, AT_FDCWD, "/var", O_RDONLY | O_DIRECTORY, 0);
	ev = open_ev(inst, 6, AT_FDCWD, "/etc/passwd", O_RDONLY, 0);
	X_EQ(inst, ev, "fd.types", "file,directory,ipv4");
	X_EQ(inst, ev, "fd.types[4]", "ipv4");
	X_EQ(inst, ev, "fd.types[5]", "directory");
	X_EQ(inst, ev, "fd.types[99]", "<NA>");
	/* a thread sees the fds it shares; a read of an unknown fd is still
	 * about an fd */
	thread_ev(inst, 4002);
	ev = read_ev(inst, 4002, 42);
	X_EQ(inst, ev, "fd.types", "file,directory,ipv4");
	X_EQ(inst, ev, "fd.types[3]", "file");
	shrike_plugin_entry.destroy(inst);
}

static struct sk_event dgram_ev(void *inst, unsigned type, int64_t fd, const char *sip,
				uint16_t sport, const char *dip, uint16_t dport)
{
	rb_begin(type);
	rb_num("res", 10);
	rb_num("fd", fd);
	rb_num("size", 10);
	rb_tuple4("tuple", sip, sport, dip, dport);
	return rb_send(inst, CAT_PID);
}

/* fd.name_changed: true when the event leaves its fd with another name
 * than it had (a UDP socket talking to a new peer, a connect, a bind) or
 * creates it with a name; false for a datagram to the same peer again */
static void test_fd_name_changed(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	spawn_cat(inst);
	struct sk_event ev = socket_ev(inst, 3, AF_INET, SOCK_DGRAM);
	X_EQ(inst, ev, "fd.name_changed", "false"); /* created without a name */
	ev = dgram_ev(inst, SK_SC_SENDTO, 3, "10.0.0.5", 5353, "8.8.8.8", 53);
	X_EQ(inst, ev, "fd.name", "10.0.0.5:5353->8.8.8.8:53");
	X_EQ(inst, ev, "fd.name_changed", "true");
	ev = dgram_ev(inst, SK_SC_SENDTO, 3, "10.0.0.5", 5353, "8.8.8.8", 53);
	X_EQ(inst, ev, "fd.name_changed", "false");
	ev = dgram_ev(inst, SK_SC_RECVFROM, 3, "10.0.0.5", 5353, "8.8.8.8", 53);
	X_EQ(inst, ev, "fd.name_changed", "false");
	ev = dgram_ev(inst, SK_SC_SENDMSG, 3, "10.0.0.5", 5353, "1.1.1.1", 53);
	X_EQ(inst, ev, "fd.name", "10.0.0.5:5353->1.1.1.1:53");
	X_EQ(inst, ev, "fd.name_changed", "true");
	ev = read_ev(inst, CAT_PID, 3);
	X_EQ(inst, ev, "fd.name_changed", "false");
	/* a connected socket keeps its tuple */
	ev = connect4_ev(inst, 3, "10.0.0.5", 5353, "9.9.9.9", 53);
	X_EQ(inst, ev, "fd.name_changed", "true");
	ev = dgram_ev(inst, SK_SC_SENDTO, 3, "10.0.0.5", 5353, "8.8.8.8", 53);
	X_EQ(inst, ev, "fd.name", "10.0.0.5:5353->9.9.9.9:53");
	X_EQ(inst, ev, "fd.name_changed", "false");
	/* files: an open names its new fd, a failed one has none, a close
	 * changes nothing */
	ev = open_ev(inst, 4, AT_FDCWD, "/etc/hosts", O_RDONLY, 0);
	X_EQ(inst, ev, "fd.name_changed", "true");
	ev = open_ev(inst, -ENOENT, AT_FDCWD, "/nope", O_RDONLY, 0);
	X_EQ(inst, ev, "fd.name_changed", "<NA>");
	rb_begin(SK_SC_CLOSE);
	rb_num("res", 0);
	rb_num("fd", 4);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.name", "/etc/hosts");
	X_EQ(inst, ev, "fd.name_changed", "false");
	/* no fd at all */
	ev = read_ev(inst, CAT_PID, 77);
	X_EQ(inst, ev, "fd.name_changed", "<NA>");
	shrike_plugin_entry.destroy(inst);
}

static uint32_t field_idx(const char *name)
{
	for (uint32_t i = 0; sys_fields[i].name; i++) {
		if (strcmp(sys_fields[i].name, name) == 0) {
			return i;
		}
	}
	fail_msg("no field %s", name);
	return 0;
}

/* fd.*ip.name: the names rule conditions compare the fields with (the
 * engine hands them over while compiling) are resolved in the background;
 * an address then shows the names that resolve to it. Only names that
 * resolve without a network: localhost (/etc/hosts) and address
 * literals. */
static void test_domain_names(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	struct sys_inst *in = inst;
	spawn_cat(inst);
	socket_ev(inst, 3, AF_INET, SOCK_STREAM);
	struct sk_event ev = connect4_ev(inst, 3, "127.0.0.1", 40000, "127.0.0.1", 8080);
	/* no rule names a domain: no table, no thread, NA */
	const char *other[] = {"localhost"};
	struct sk_field_req req = {.field_idx = field_idx("proc.name")};
	shrike_plugin_entry.extract->field_constants(inst, &req, other, 1);
	assert_null(in->dns);
	X_EQ(inst, ev, "fd.sip.name", "<NA>");

	const char *names[] = {"localhost", "127.0.0.1", "localhost", "::1", ""};
	req.field_idx = field_idx("fd.sip.name");
	shrike_plugin_entry.extract->field_constants(inst, &req, names, 5);
	const char *more[] = {"10.1.2.3"};
	req.field_idx = field_idx("fd.rip.name");
	shrike_plugin_entry.extract->field_constants(inst, &req, more, 1);
	assert_non_null(in->dns);
	/* the next event starts the resolver; wait for a first round (four
	 * distinct names) */
	ev = read_ev(inst, CAT_PID, 3);
	for (int i = 0; i < 1000 && sys_dns_resolved(in->dns) < 4; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	assert_true(sys_dns_resolved(in->dns) >= 4);
	/* two names resolve to 127.0.0.1: any may match (a list) */
	X_EQ(inst, ev, "fd.sip.name", "localhost,127.0.0.1");
	X_EQ(inst, ev, "fd.cip.name", "localhost,127.0.0.1");
	X_EQ(inst, ev, "fd.lip.name", "localhost,127.0.0.1");
	X_EQ(inst, ev, "fd.rip.name", "localhost,127.0.0.1");
	/* another server: only the literal names it */
	socket_ev(inst, 4, AF_INET, SOCK_STREAM);
	ev = connect4_ev(inst, 4, "127.0.0.1", 40001, "10.1.2.3", 443);
	X_EQ(inst, ev, "fd.sip.name", "10.1.2.3");
	X_EQ(inst, ev, "fd.rip.name", "10.1.2.3");
	X_EQ(inst, ev, "fd.cip.name", "localhost,127.0.0.1");
	/* files and listening sockets have no such names */
	ev = open_ev(inst, 5, AT_FDCWD, "/etc/hosts", O_RDONLY, 0);
	X_EQ(inst, ev, "fd.sip.name", "<NA>");
	socket_ev(inst, 6, AF_INET, SOCK_STREAM);
	rb_begin(SK_SC_BIND);
	rb_num("res", 0);
	rb_addr4("addr", "127.0.0.1", 8080);
	rb_num("fd", 6);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.sip.name", "localhost,127.0.0.1");
	X_EQ(inst, ev, "fd.cip.name", "<NA>");
	/* the thread is stopped and the table freed (valgrind, ASan) */
	shrike_plugin_entry.destroy(inst);
}

static void test_network(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	spawn_cat(inst);
	struct sk_event ev = socket_ev(inst, 3, AF_INET, SOCK_STREAM | SOCK_CLOEXEC);
	X_EQ(inst, ev, "fd.type", "ipv4");
	X_EQ(inst, ev, "fd.name", "");
	X_EQ(inst, ev, "evt.arg.domain", "AF_INET");
	X_EQ(inst, ev, "evt.category", "net");

	/* connect: fd.name is client->server; local = client */
	ev = connect4_ev(inst, 3, "10.0.0.1", 40000, "93.184.216.34", 443);
	X_EQ(inst, ev, "fd.name", "10.0.0.1:40000->93.184.216.34:443");
	X_EQ(inst, ev, "fd.cip", "10.0.0.1");
	X_EQ(inst, ev, "fd.sip", "93.184.216.34");
	X_EQ(inst, ev, "fd.cport", "40000");
	X_EQ(inst, ev, "fd.sport", "443");
	X_EQ(inst, ev, "fd.lip", "10.0.0.1");
	X_EQ(inst, ev, "fd.rip", "93.184.216.34");
	X_EQ(inst, ev, "fd.lport", "40000");
	X_EQ(inst, ev, "fd.rport", "443");
	X_EQ(inst, ev, "fd.l4proto", "tcp");
	X_EQ(inst, ev, "fd.sockfamily", "ip");
	X_EQ(inst, ev, "fd.is_server", "false");
	X_EQ(inst, ev, "fd.connected", "true");
	X_EQ(inst, ev, "fd.ip", "10.0.0.1,93.184.216.34");
	X_EQ(inst, ev, "fd.port", "40000,443");
	X_EQ(inst, ev, "fd.rnet", "93.184.216.34");
	X_EQ(inst, ev, "evt.arg.tuple", "10.0.0.1:40000->93.184.216.34:443");
	X_EQ(inst, ev, "evt.arg.addr", "93.184.216.34:443");

	/* a failed connect: only the destination is known */
	socket_ev(inst, 4, AF_INET, SOCK_DGRAM);
	rb_begin(SK_SC_CONNECT);
	rb_num("res", -ECONNREFUSED);
	rb_num("fd", 4);
	rb_addr4("addr", "127.0.0.1", 53);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "evt.res", "ECONNREFUSED");
	X_EQ(inst, ev, "fd.name", "0.0.0.0:0->127.0.0.1:53");
	X_EQ(inst, ev, "fd.sip", "127.0.0.1");
	X_EQ(inst, ev, "fd.connected", "false");
	X_EQ(inst, ev, "fd.l4proto", "udp");

	/* a server: bind + listen + accept; local = server */
	socket_ev(inst, 5, AF_INET, SOCK_STREAM);
	rb_begin(SK_SC_BIND);
	rb_num("res", 0);
	rb_addr4("addr", "0.0.0.0", 8080);
	rb_num("fd", 5);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.name", "0.0.0.0:8080");
	X_EQ(inst, ev, "fd.is_server", "true");
	X_EQ(inst, ev, "fd.sport", "8080");
	X_EQ(inst, ev, "fd.cip", "<NA>");
	rb_begin(SK_SC_ACCEPT4);
	rb_num("fd", 6);
	rb_tuple4("tuple", "192.168.1.9", 51000, "192.168.1.2", 8080);
	rb_num("flags", 0);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.name", "192.168.1.9:51000->192.168.1.2:8080");
	X_EQ(inst, ev, "fd.is_server", "true");
	X_EQ(inst, ev, "fd.lip", "192.168.1.2");
	X_EQ(inst, ev, "fd.rip", "192.168.1.9");
	X_EQ(inst, ev, "fd.lport", "8080");
	X_EQ(inst, ev, "fd.rport", "51000");
	X_EQ(inst, ev, "fd.cip", "192.168.1.9");
	X_EQ(inst, ev, "evt.rawres", "6");

	/* unix sockets */
	socket_ev(inst, 7, AF_UNIX, SOCK_STREAM);
	rb_begin(SK_SC_CONNECT);
	rb_num("res", 0);
	rb_num("fd", 7);
	rb_addr_unix("addr", "/run/podman/podman.sock");
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.type", "unix");
	X_EQ(inst, ev, "fd.typechar", "u");
	X_EQ(inst, ev, "fd.name", "/run/podman/podman.sock");
	X_EQ(inst, ev, "fd.sockfamily", "unix");
	X_EQ(inst, ev, "fd.sip", "<NA>");
	X_EQ(inst, ev, "fd.l4proto", "<NA>");
	X_EQ(inst, ev, "fd.nameraw", "");
	/* with the kernel's tuple: Falco's "src->dst path" name */
	unsigned char ut[1 + 16 + 32];
	uint64_t src = 0x9c758d0f, dst = 0x9c758d0a;
	ut[0] = AF_UNIX;
	memcpy(ut + 1, &src, 8);
	memcpy(ut + 9, &dst, 8);
	memcpy(ut + 17, "/tmp/stream.sock", 17);
	rb_begin(SK_SC_CONNECT);
	rb_num("res", 0);
	rb_mem("tuple", ut, 17 + 17);
	rb_num("fd", 7);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.name", "9c758d0f->9c758d0a /tmp/stream.sock");
	X_EQ(inst, ev, "fd.connected", "true");
	X_EQ(inst, ev, "fd.is_server", "false");
	shrike_plugin_entry.destroy(inst);
}

static void test_exit_and_ids(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	struct sys_inst *in = inst;
	spawn_cat(inst);
	/* setuid changes the user the fields show */
	rb_begin(SK_SC_SETUID);
	rb_num("res", 0);
	rb_num("uid", 1000);
	struct sk_event ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "user.uid", "1000");
	X_EQ(inst, ev, "user.name", "alice");
	X_EQ(inst, ev, "user.homedir", "/home/alice");
	rb_begin(SK_SC_SETRESGID);
	rb_num("res", 0);
	rb_num("rgid", -1);
	rb_num("egid", 1000);
	rb_num("sgid", -1);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "group.gid", "1000");
	X_EQ(inst, ev, "group.name", "staff");
	/* a uid the container does not know */
	rb_begin(SK_SC_SETUID);
	rb_num("res", 0);
	rb_num("uid", 4242);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "user.name", "<NA>");
	/* a failed setuid changes nothing */
	rb_begin(SK_SC_SETUID);
	rb_num("res", -EPERM);
	rb_num("uid", 0);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "user.uid", "4242");
	X_EQ(inst, ev, "evt.res", "EPERM");
	/* setsid makes the process a session leader */
	rb_begin(SK_SC_SETSID);
	rb_num("res", 8);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "proc.sid", "4001");
	X_EQ(inst, ev, "proc.sname", "cat");
	/* a thread shares the fd table */
	rb_begin(SK_SC_CLONE);
	rb_num("res", 0);
	rb_num("tid", 4002);
	rb_num("pid", CAT_PID);
	rb_num("ptid", CAT_PID);
	rb_str("comm", "cat");
	rb_num("flags", CLONE_THREAD | CLONE_FILES | CLONE_VM | CLONE_FS);
	rb_send(inst, 4002);
	open_ev(inst, 9, AT_FDCWD, "/x", O_RDONLY, 0);
	assert_non_null(sk_fd_get(sk_state_thread(&in->st, 4002), 9));
	rb_begin(SK_SC_CLOSE);
	rb_num("res", 0);
	rb_num("fd", 9);
	ev = rb_send(inst, 4002);
	X_EQ(inst, ev, "thread.tid", "4002");
	X_EQ(inst, ev, "proc.pid", "4001");
	X_EQ(inst, ev, "thread.ismain", "false");
	X_EQ(inst, ev, "proc.ppid", "4000");
	assert_null(sk_fd_get(sk_state_thread(&in->st, CAT_PID), 9));
	open_ev(inst, 11, AT_FDCWD, "/var/log/app.log", O_WRONLY | O_APPEND, 0);
	/* exit: the exit event still has the process; the next one evicts it */
	size_t before = in->st.threads.n;
	rb_begin(SK_SC_PROCEXIT);
	rb_num("status", 0);
	rb_num("ret", 0);
	rb_num("sig", 0);
	ev = rb_send(inst, 4002);
	X_EQ(inst, ev, "proc.name", "cat");
	X_EQ(inst, ev, "evt.type", "procexit");
	X_EQ(inst, ev, "evt.res", "<NA>");
	rb_begin(SK_SC_PROCEXIT);
	rb_num("status", 0);
	rb_num("ret", 0);
	rb_num("sig", 9);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "evt.arg.sig", "SIGKILL");
	assert_int_equal(in->st.threads.n, before - 1);
	uint64_t fds = in->st.nfds;
	rb_begin(SK_SC_SETSID);
	rb_num("res", 1);
	rb_send(inst, SH_PID);
	assert_int_equal(in->st.threads.n, before - 2);
	assert_null(sk_state_thread(&in->st, CAT_PID));
	assert_true(in->st.nfds < fds); /* the process's fds went with it */
	shrike_plugin_entry.destroy(inst);
}

/* test_container_users - a process that is gone, whose parents run on the
 * host (a container runtime's), gets the users of a live process in the same
 * cgroups (its container), not the host's. */
static void test_container_users(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	spawn_cat(inst); /* sh 4000: container root, cgroups libpod-x */
	rb_begin(SK_SC_CLONE);
	rb_num("res", 0);
	rb_str("exe", "/bin/id");
	rb_num("tid", 6000);
	rb_num("pid", 6000);
	rb_num("ptid", 1); /* a host process: ancestors would say "host" */
	rb_str("comm", "id");
	rb_num("flags", 0);
	rb_num("uid", 1000);
	rb_num("gid", 1000);
	rb_list("cgroups",
		"cpuset=/machine.slice/libpod-x.scope|cpu,cpuacct=/machine.slice/libpod-x.scope/c");
	struct sk_event ev = rb_send(inst, 6000);
	X_EQ(inst, ev, "user.name", "alice");
	X_EQ(inst, ev, "user.shell", "/bin/zsh");
	X_EQ(inst, ev, "group.name", "staff");
	/* the same without a sibling: the host's users */
	rb_begin(SK_SC_CLONE);
	rb_num("res", 0);
	rb_num("tid", 6001);
	rb_num("pid", 6001);
	rb_num("ptid", 1);
	rb_str("comm", "id");
	rb_num("flags", 0);
	rb_num("uid", 1000);
	rb_num("gid", 1000);
	rb_list("cgroups", "cpuset=/elsewhere");
	ev = rb_send(inst, 6001);
	X_EQ(inst, ev, "user.name", "bob");
	X_EQ(inst, ev, "group.name", "bob");
	shrike_plugin_entry.destroy(inst);
}

/* test_purge - threads whose exit was lost go once they are idle and gone
 * from /proc; live ones (in the fake /proc: 4000) stay. */
static void test_purge(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	struct sys_inst *in = inst;
	spawn_cat(inst);
	size_t before = in->st.threads.n;
	assert_int_equal(sk_state_purge(&in->st, 0), 0); /* nothing is that old */
	size_t gone = sk_state_purge(&in->st, now_ts + 1);
	/* 3999 and 4001 have no directory in the fake /proc; 4000 has one */
	assert_int_equal(gone, 2);
	assert_int_equal(in->st.threads.n, before - 2);
	assert_non_null(sk_state_thread(&in->st, SH_PID));
	assert_null(sk_state_thread(&in->st, CAT_PID));
	shrike_plugin_entry.destroy(inst);
}

/* clone_child - the clone record of a new process `tid` whose parent (1)
 * the table does not hold. */
static void clone_child(void *inst, int64_t tid)
{
	rb_begin(SK_SC_CLONE);
	rb_num("res", 0);
	rb_num("tid", tid);
	rb_num("pid", tid);
	rb_num("ptid", 1);
	rb_str("comm", "w");
	rb_num("flags", 0);
	rb_send(inst, (uint64_t)tid);
}

static void test_bounds(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	struct sys_inst *in = inst;
	in->st.conf.max_threads = 20;
	in->st.conf.max_fds = 16;
	for (int i = 0; i < 100; i++) {
		clone_child(inst, 5000 + i);
		assert_true(in->st.threads.n <= 20);
	}
	assert_true(in->st.threads_evicted >= 80);
	/* the most recent ones stay */
	assert_non_null(sk_state_thread(&in->st, 5099));
	for (int fd = 0; fd < 100; fd++) {
		rb_begin(SK_SC_OPENAT);
		rb_num("fd", fd);
		rb_num("dirfd", AT_FDCWD);
		rb_str("name", "/f");
		rb_num("flags", 0);
		rb_send(inst, 5099);
	}
	assert_int_equal(sk_state_thread(&in->st, 5099)->files->fds.n, 16);
	assert_non_null(sk_fd_get(sk_state_thread(&in->st, 5099), 99));
	/* an event of an unknown thread without /proc scanning: an empty entry */
	rb_begin(SK_SC_OPENAT);
	rb_num("fd", 3);
	rb_num("dirfd", AT_FDCWD);
	rb_str("name", "rel");
	struct sk_event ev = rb_send(inst, 777777);
	X_EQ(inst, ev, "fd.name", "/rel");
	X_EQ(inst, ev, "proc.name", "<NA>");
	X_EQ(inst, ev, "proc.pname", "<NA>");
	X_EQ(inst, ev, "user.uid", "0");
	shrike_plugin_entry.destroy(inst);
}

/* the metrics table balances: the gauges are what was added less what
 * was removed or evicted */
static void assert_metrics_balance(void *inst)
{
	assert_int_equal(metric(inst, "threads"), metric(inst, "threads_added") -
						      metric(inst, "threads_removed") -
						      metric(inst, "threads_evicted"));
	assert_int_equal(metric(inst, "fds"), metric(inst, "fds_added") -
						  metric(inst, "fds_removed") -
						  metric(inst, "fds_evicted"));
}

/* test_metrics - the state counters move where the tables change: N
 * children's clone records add N threads, their exits remove them (one
 * event late); opens and closes add and remove fds; an event of a thread
 * the table does not hold, and one naming an fd it does not hold, count as
 * failed lookups. */
static void test_metrics(void **state)
{
	(void)state;
	enum { N = 5 };
	void *inst = plugin_new(fakeroot, false);
	for (int i = 0; i < N; i++) {
		clone_child(inst, 7000 + i);
		rb_begin(SK_SC_OPENAT);
		rb_num("fd", 3);
		rb_num("dirfd", AT_FDCWD);
		rb_str("name", "/f");
		rb_send(inst, 7000 + i);
	}
	assert_int_equal(metric(inst, "threads_added"), N);
	assert_int_equal(metric(inst, "threads"), N);
	assert_int_equal(metric(inst, "fds_added"), N);
	assert_int_equal(metric(inst, "fds"), N);
	/* a child's clone record is not a lookup; its own events find it */
	assert_int_equal(metric(inst, "thread_lookups_failed"), 0);
	assert_int_equal(metric(inst, "fd_lookups_failed"), 0);
	for (int i = 0; i < N; i++) {
		rb_begin(SK_SC_CLOSE);
		rb_num("res", 0);
		rb_num("fd", 3);
		rb_send(inst, 7000 + i);
	}
	assert_int_equal(metric(inst, "fds_removed"), N);
	assert_int_equal(metric(inst, "fds"), 0);
	assert_int_equal(metric(inst, "fd_lookups_failed"), 0);
	/* a read of fd 9, which was never opened */
	rb_begin(SK_SC_READ);
	rb_num("res", -EBADF);
	rb_num("fd", 9);
	rb_send(inst, 7000);
	assert_int_equal(metric(inst, "fd_lookups_failed"), 1);
	/* an event of a thread the table does not hold: a new empty entry */
	rb_begin(SK_SC_SETSID);
	rb_num("res", 1);
	rb_send(inst, 9999);
	assert_int_equal(metric(inst, "thread_lookups_failed"), 1);
	assert_int_equal(metric(inst, "threads_added"), N + 1);
	for (int i = 0; i < N; i++) {
		rb_begin(SK_SC_PROCEXIT);
		rb_num("status", 0);
		rb_num("ret", 0);
		rb_num("sig", 0);
		rb_send(inst, 7000 + i);
	}
	assert_int_equal(metric(inst, "threads_removed"), N - 1); /* the last one's exit is on */
	rb_begin(SK_SC_SETSID);
	rb_num("res", 1);
	rb_send(inst, 9999);
	assert_int_equal(metric(inst, "threads_removed"), N);
	assert_int_equal(metric(inst, "threads"), 1);
	assert_int_equal(metric(inst, "thread_lookups_failed"), 1);
	assert_int_equal(metric(inst, "threads_evicted"), 0);
	assert_int_equal(metric(inst, "proc_lookups"), 0); /* scan_proc is off */
	assert_metrics_balance(inst);
	/* evictions keep the balance */
	struct sys_inst *in = inst;
	in->st.conf.max_threads = 4;
	for (int i = 0; i < 10; i++) {
		rb_begin(SK_SC_SETSID);
		rb_num("res", 1);
		rb_send(inst, 8000 + i);
	}
	assert_true(metric(inst, "threads_evicted") > 0);
	assert_int_equal(metric(inst, "thread_lookups_failed"), 11);
	assert_metrics_balance(inst);
	shrike_plugin_entry.destroy(inst);
}

/* test_garbage - records whose parameters have random lengths and bytes,
 * for every event type, then every field: nothing may crash, leak (under
 * valgrind) or return a value of the wrong type. */
static void test_garbage(void **state)
{
	(void)state;
	void *inst = plugin_new(fakeroot, false);
	spawn_cat(inst);
	srand(42);
	for (int round = 0; round < 20; round++) {
		for (unsigned n = 0; n < SK_SC_COUNT; n++) {
			if (sk_sc_events[n].name == NULL) {
				continue;
			}
			rb_begin(SK_EVT_SYSCALL_BASE + n);
			for (unsigned i = 0; i < rb.info->nparams; i++) {
				uint32_t sz = sk_sc_pt_size(rb.info->params[i].type);
				uint32_t len = (rand() % 4 == 0) ? (uint32_t)(rand() % 64)
					       : sz		 ? sz
								 : 1 + (uint32_t)(rand() % 40);
				for (uint32_t k = 0; k < len; k++) {
					rb.data[i][k] =
					    (unsigned char)(rand() % 4 == 0 ? 0 : rand());
				}
				if (sz == 8 && len == 8 && rand() % 2) {
					int64_t small =
					    rand() % 64 - 8; /* plausible fds and results */
					memcpy(rb.data[i], &small, 8);
				}
				rb.len[i] = len;
			}
			struct sk_event ev =
			    rb_send(inst, rand() % 3 ? CAT_PID : 4100 + (uint64_t)(rand() % 50));
			for (int f = 0; sys_fields[f].name; f++) {
				x(inst, &ev, sys_fields[f].name);
				if (sys_fields[f].flags & (SK_FIELD_ARG_KEY | SK_FIELD_ARG_INDEX)) {
					char spec[160];
					snprintf(spec, sizeof(spec), "%s[1]", sys_fields[f].name);
					x(inst, &ev, spec);
					snprintf(spec, sizeof(spec), "%s[fd]", sys_fields[f].name);
					if (sys_fields[f].flags & SK_FIELD_ARG_KEY) {
						x(inst, &ev, spec);
					}
				}
			}
		}
	}
	shrike_plugin_entry.destroy(inst);
}

/* ---- tests: fields_fd.c (fd.uid, fd.container*, fd.*proto, layers,
 * fdlist.*, fs.path.*) ---------------------------------------------------- */

#define CTR_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_fd_extra(void **state)
{
	(void)state;
	/* /etc/services: the first name of a port/protocol wins */
	char svc[PATH_MAX + 16];
	snprintf(svc, sizeof(svc), "%s/services", fakeroot);
	FILE *f = fopen(svc, "w");
	assert_non_null(f);
	fputs("# comment\nssh\t\t22/tcp\nsecure 22/tcp\ndomain 53/udp # DNS\nbroken x/tcp\n"
	      "odd 70000/tcp\nsctpish 9/sctp\nhttp 80/tcp www\n",
	      f);
	fclose(f);
	assert_string_equal(sys_services_name(svc, 22, "tcp"), "ssh");
	assert_string_equal(sys_services_name(svc, 53, "udp"), "domain");
	assert_string_equal(sys_services_name(svc, 80, "tcp"), "http");
	assert_null(sys_services_name(svc, 53, "tcp"));
	assert_null(sys_services_name(svc, 9, "sctp"));
	assert_null(sys_services_name(svc, 4464, "tcp"));
	assert_null(sys_services_name("/nonexistent/services", 22, "tcp"));

	void *inst = plugin_new(fakeroot, false);
	spawn_cat(inst);
	/* exec again from a lower layer, inside a podman container */
	rb_begin(SK_SC_EXECVE);
	rb_num("res", 0);
	rb_str("exe", "cat");
	rb_num("tid", CAT_PID);
	rb_num("pid", CAT_PID);
	rb_num("ptid", SH_PID);
	rb_str("cwd", "/root");
	rb_str("comm", "cat");
	rb_list("cgroups", "=/machine.slice/libpod-" CTR_ID ".scope/container");
	rb_num("flags", SK_EXE_LOWER_LAYER);
	struct sk_event ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "proc.is_exe_lower_layer", "true");
	X_EQ(inst, ev, "proc.is_exe_upper_layer", "false");
	X_EQ(inst, ev, "fd.uid", "<NA>");
	X_EQ(inst, ev, "fdlist.nums", "<NA>");
	X_EQ(inst, ev, "fs.path.name", "<NA>");

	/* opens: the layer, fd.uid, fd.container*, fs.path.name */
	rb_begin(SK_SC_OPENAT);
	rb_num("fd", 3);
	rb_num("dirfd", AT_FDCWD);
	rb_str("name", "../etc/./shadow");
	rb_num("flags", O_RDONLY);
	rb_num("layer", SK_LAYER_UPPER);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.is_upper_layer", "true");
	X_EQ(inst, ev, "fd.is_lower_layer", "false");
	X_EQ(inst, ev, "fd.uid", "40013");
	X_EQ(inst, ev, "fd.containername", "0123456789ab:/etc/shadow");
	X_EQ(inst, ev, "fd.containerdirectory", "0123456789ab:/etc");
	X_EQ(inst, ev, "fs.path.name", "/etc/shadow");
	X_EQ(inst, ev, "fs.path.nameraw", "../etc/./shadow");
	X_EQ(inst, ev, "fs.path.source", "<NA>");
	X_EQ(inst, ev, "fd.cproto", "<NA>");
	ev = open_ev(inst, 4, AT_FDCWD, "/usr/lib/os-release", O_RDONLY, 0);
	X_EQ(inst, ev, "fd.is_upper_layer", "false");
	X_EQ(inst, ev, "fd.is_lower_layer", "false"); /* not on an overlayfs */
	rb_begin(SK_SC_OPENAT);
	rb_num("fd", -ENOENT);
	rb_num("dirfd", AT_FDCWD);
	rb_str("name", "/nonexistent");
	rb_num("layer", SK_LAYER_LOWER);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fs.path.name", "<NA>"); /* only successful calls */
	rb_begin(SK_SC_OPENAT);
	rb_num("fd", 5);
	rb_num("dirfd", AT_FDCWD);
	rb_str("name", "/usr/bin/cat");
	rb_num("layer", SK_LAYER_LOWER);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fd.is_lower_layer", "true");

	/* fs.path.*: one-path calls, the two-path ones, failures */
	rb_begin(SK_SC_MKDIR);
	rb_num("res", 0);
	rb_str("path", "newdir");
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fs.path.name", "/root/newdir");
	X_EQ(inst, ev, "fs.path.nameraw", "newdir");
	X_EQ(inst, ev, "fs.path.target", "<NA>");
	rb_begin(SK_SC_UNLINKAT);
	rb_num("res", -ENOENT);
	rb_num("dirfd", AT_FDCWD);
	rb_str("name", "gone");
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fs.path.name", "<NA>");
	rb_begin(SK_SC_RENAMEAT2);
	rb_num("res", 0);
	rb_num("olddirfd", AT_FDCWD);
	rb_str("oldpath", "a");
	rb_num("newdirfd", AT_FDCWD);
	rb_str("newpath", "/tmp/b");
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fs.path.source", "/root/a");
	X_EQ(inst, ev, "fs.path.sourceraw", "a");
	X_EQ(inst, ev, "fs.path.target", "/tmp/b");
	X_EQ(inst, ev, "fs.path.name", "<NA>");
	rb_begin(SK_SC_LINK);
	rb_num("res", 0);
	rb_str("oldpath", "existing");
	rb_str("newpath", "newlink");
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fs.path.source", "/root/newlink");
	X_EQ(inst, ev, "fs.path.target", "/root/existing");
	rb_begin(SK_SC_SYMLINKAT);
	rb_num("res", 0);
	rb_str("target", "rel/target");
	rb_num("linkdirfd", AT_FDCWD);
	rb_str("linkpath", "sl");
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fs.path.source", "/root/sl");
	X_EQ(inst, ev, "fs.path.target", "<UNKNOWN>/rel/target");
	X_EQ(inst, ev, "fs.path.targetraw", "rel/target");
	rb_begin(SK_SC_FCHMOD);
	rb_num("res", 0);
	rb_num("fd", 4);
	rb_num("mode", 0600);
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fs.path.name", "/usr/lib/os-release");
	X_EQ(inst, ev, "fs.path.nameraw", "/usr/lib/os-release");

	/* sockets: the proto fields and poll's fd list */
	socket_ev(inst, 6, AF_INET, SOCK_STREAM);
	ev = connect4_ev(inst, 6, "10.0.0.1", 40000, "10.0.0.2", 22);
	X_EQ(inst, ev, "fd.containername", "0123456789ab:10.0.0.1:40000->10.0.0.2:22");
	X_EQ(inst, ev, "fd.proto", "40000,22");
	X_EQ(inst, ev, "fd.cproto", "40000");
	socket_ev(inst, 7, AF_INET, SOCK_STREAM);
	rb_begin(SK_SC_BIND);
	rb_num("res", 0);
	rb_num("fd", 7);
	rb_addr4("addr", "127.0.0.1", 8080);
	rb_send(inst, CAT_PID);
	rb_begin(SK_SC_PPOLL);
	rb_num("res", 1);
	unsigned char fl[2 + 4 * 10];
	uint16_t n = 4;
	memcpy(fl, &n, 2);
	int64_t fds[4] = {6, 3, 7, 99};
	for (int i = 0; i < 4; i++) {
		uint16_t rev = i == 0 ? 1 : 0;
		memcpy(fl + 2 + i * 10, &fds[i], 8);
		memcpy(fl + 10 + i * 10, &rev, 2);
	}
	rb_mem("fds", fl, sizeof(fl));
	ev = rb_send(inst, CAT_PID);
	X_EQ(inst, ev, "fdlist.nums", "6,3,7,99");
	X_EQ(inst, ev, "fdlist.names",
	     "10.0.0.1:40000->10.0.0.2:22,/etc/shadow,127.0.0.1:8080,<NA>");
	X_EQ(inst, ev, "fdlist.cips", "10.0.0.1");
	X_EQ(inst, ev, "fdlist.sips", "10.0.0.2,127.0.0.1");
	X_EQ(inst, ev, "fdlist.cports", "40000");
	X_EQ(inst, ev, "fdlist.sports", "22");
	X_EQ(inst, ev, "evt.arg.fds", "6:1 3:0 7:0 99:0");
	shrike_plugin_entry.destroy(inst);
}

static void test_event_names(void **state)
{
	(void)state;
	const struct sk_evt_name *n = shrike_plugin_entry.extract->event_names;
	size_t count = 0;
	bool openat = false, procexit = false;
	for (; n->name; n++, count++) {
		const struct sk_sc_event *e = sk_sc_event_info(n->type);
		assert_non_null(e);
		assert_string_equal(e->name, n->name);
		openat |= strcmp(n->name, "openat") == 0 && n->type == SK_SC_OPENAT;
		procexit |= strcmp(n->name, "procexit") == 0;
	}
	assert_true(openat && procexit);
	size_t table = 0;
	for (unsigned i = 0; i < SK_SC_COUNT; i++) {
		table += sk_sc_events[i].name != NULL;
	}
	assert_int_equal(count, table);
	/* every field has a description, names are unique */
	for (int i = 0; sys_fields[i].name; i++) {
		assert_non_null(sys_fields[i].desc);
		for (int j = 0; j < i; j++) {
			assert_string_not_equal(sys_fields[i].name, sys_fields[j].name);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_htab),
	    cmocka_unit_test(test_path_join),
	    cmocka_unit_test(test_userdb),
	    cmocka_unit_test(test_userdb_host_root),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_proc_scan_self),
	    cmocka_unit_test(test_proc_scan_fake),
	    cmocka_unit_test(test_process_lineage),
	    cmocka_unit_test(test_evtproc_fields),
	    cmocka_unit_test(test_files),
	    cmocka_unit_test(test_network),
	    cmocka_unit_test(test_exit_and_ids),
	    cmocka_unit_test(test_container_users),
	    cmocka_unit_test(test_purge),
	    cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_metrics),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_event_names),
	    cmocka_unit_test(test_thread_counts),
	    cmocka_unit_test(test_fd_types),
	    cmocka_unit_test(test_fd_name_changed),
	    cmocka_unit_test(test_domain_names),
	    cmocka_unit_test(test_fd_extra),
	};
	return cmocka_run_group_tests(tests, make_fakeroot, remove_fakeroot);
}
