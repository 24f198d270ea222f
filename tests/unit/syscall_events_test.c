/* tests/unit/syscall_events_test.c - checks of the syscall event table
 * (<shrike/syscall_events.h>) and its flag names (<shrike/syscall_names.h>):
 * the table is dense and well-formed, arguments carry Falco's names, and
 * the literal flag values agree with the C library's headers.
 */
#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <signal.h>

#include <cmocka.h>

#include <shrike/syscall_events.h>
#include <shrike/syscall_names.h>

/* Space-separated parameter names of event `name`. */
static void param_names(const char *name, char *buf, size_t len)
{
	const struct sk_sc_event *e = sk_sc_event_by_name(name);
	assert_non_null(e);
	buf[0] = '\0';
	for (unsigned i = 0; i < e->nparams; i++) {
		if (i > 0) {
			strncat(buf, " ", len - strlen(buf) - 1);
		}
		strncat(buf, e->params[i].name, len - strlen(buf) - 1);
	}
}

static void test_table_dense_and_well_formed(void **state)
{
	(void)state;
	for (unsigned i = 0; i < SK_SC_COUNT; i++) {
		const struct sk_sc_event *e = &sk_sc_events[i];
		assert_non_null(e->name);
		assert_int_equal(e->type, SK_EVT_SYSCALL_BASE + i);
		assert_ptr_equal(sk_sc_event_info(e->type), e);
		assert_true(e->nparams >= 1 && e->nparams <= SK_EVT_MAX_PARAMS);
		/* names are unique */
		for (unsigned j = 0; j < i; j++) {
			assert_string_not_equal(sk_sc_events[j].name, e->name);
		}
		/* the return value comes first (procexit has none: its status) */
		const char *first = e->params[0].name;
		if (e->type == SK_SC_PROCEXIT) {
			assert_string_equal(first, "status");
		} else {
			assert_true(strcmp(first, "res") == 0 || strcmp(first, "fd") == 0);
		}
		for (unsigned k = 0; k < e->nparams; k++) {
			const struct sk_sc_param *p = &e->params[k];
			assert_non_null(p->name);
			assert_true(p->type > SK_PT_NONE && p->type < SK_PT_MAX);
			if (p->type == SK_PT_FLAGS32 || p->type == SK_PT_ENUM32) {
				assert_non_null(sk_flag_table(p->aux));
			} else if (p->type == SK_PT_RELPATH) {
				assert_true(p->aux < k);
				assert_int_equal(e->params[p->aux].type, SK_PT_FD);
			} else {
				assert_int_equal(p->aux, 0);
			}
		}
	}
	assert_null(sk_sc_event_info(SK_EVT_SYSCALL_BASE - 1));
	assert_null(sk_sc_event_info(SK_EVT_SYSCALL_BASE + SK_SC_COUNT));
	assert_null(sk_sc_event_by_name("no_such_syscall"));
}

static void test_falco_argument_names(void **state)
{
	(void)state;
	char b[512];
	/* Falco's names, then `layer` (the overlayfs layer, which Falco
	 * keeps in the open flags as FD_UPPER_LAYER/FD_LOWER_LAYER) */
	param_names("openat", b, sizeof(b));
	assert_string_equal(b, "fd dirfd name flags mode dev ino layer");
	param_names("open", b, sizeof(b));
	assert_string_equal(b, "fd name flags mode dev ino layer");
	param_names("poll", b, sizeof(b));
	assert_string_equal(b, "res fds timeout");
	param_names("ppoll", b, sizeof(b));
	assert_string_equal(b, "res fds");
	param_names("connect", b, sizeof(b));
	assert_string_equal(b, "res tuple fd addr");
	param_names("symlinkat", b, sizeof(b));
	assert_string_equal(b, "res target linkdirfd linkpath");
	param_names("linkat", b, sizeof(b));
	assert_string_equal(b, "res olddir oldpath newdir newpath flags");
	param_names("socket", b, sizeof(b));
	assert_string_equal(b, "fd domain type proto");
	param_names("ptrace", b, sizeof(b));
	assert_string_equal(b, "res addr data request pid");
	param_names("procexit", b, sizeof(b));
	assert_string_equal(b, "status ret sig core reaper_tid");
	param_names("execve", b, sizeof(b));
	assert_string_equal(b,
			    "res exe args tid pid ptid cwd fdlimit vm_size vm_rss vm_swap comm "
			    "cgroups env tty vpgid loginuid flags cap_inheritable cap_permitted "
			    "cap_effective exe_ino exe_ino_ctime exe_ino_mtime uid trusted_exepath "
			    "pgid gid vtid vpid filename");
	const struct sk_sc_event *e = sk_sc_event_by_name("execveat");
	assert_non_null(e);
	assert_int_equal(e->nparams, SK_EVT_MAX_PARAMS);
	assert_int_equal(sk_sc_param_index(e, "pathname"), 31);
	assert_int_equal(e->params[31].aux, 30);
	e = sk_sc_event_by_name("clone3");
	assert_int_equal(e->type, SK_SC_CLONE3);
	assert_int_equal(sk_sc_param_index(e, "flags"), 13);
	assert_int_equal(sk_sc_param_index(e, "nope"), -1);
	assert_int_equal(SK_SC_OPENAT_NPARAMS, 8);
	/* the high-volume set stays off by default */
	assert_true(sk_sc_event_by_name("read")->flags & SK_SCF_HIGHVOL);
	assert_true(sk_sc_event_by_name("poll")->flags & SK_SCF_HIGHVOL);
	assert_false(sk_sc_event_by_name("openat")->flags & SK_SCF_HIGHVOL);
}

static void test_pt_sizes(void **state)
{
	(void)state;
	assert_int_equal(sk_sc_pt_size(SK_PT_FD), 8);
	assert_int_equal(sk_sc_pt_size(SK_PT_ERRNO), 8);
	assert_int_equal(sk_sc_pt_size(SK_PT_FLAGS32), 4);
	assert_int_equal(sk_sc_pt_size(SK_PT_UID), 4);
	assert_int_equal(sk_sc_pt_size(SK_PT_SIGNAL), 1);
	assert_int_equal(sk_sc_pt_size(SK_PT_PATH), 0);
	assert_int_equal(sk_sc_pt_size(SK_PT_SOCKTUPLE), 0);
}

static void test_flags_render(void **state)
{
	(void)state;
	char b[128];
	sk_flags_render(SK_FT_OPEN, O_RDONLY | O_CLOEXEC, b, sizeof(b));
	assert_string_equal(b, "O_RDONLY|O_CLOEXEC");
	sk_flags_render(SK_FT_OPEN, O_WRONLY | O_CREAT | O_TRUNC, b, sizeof(b));
	assert_string_equal(b, "O_TRUNC|O_CREAT|O_WRONLY");
	sk_flags_render(SK_FT_OPEN, O_RDWR, b, sizeof(b));
	assert_string_equal(b, "O_RDWR");
	sk_flags_render(SK_FT_SOCK_FAMILY, AF_INET6, b, sizeof(b));
	assert_string_equal(b, "AF_INET6");
	sk_flags_render(SK_FT_CLONE, CLONE_NEWNS | CLONE_NEWPID, b, sizeof(b));
	assert_string_equal(b, "CLONE_NEWNS|CLONE_NEWPID");
	sk_flags_render(SK_FT_PTRACE, PTRACE_ATTACH, b, sizeof(b));
	assert_string_equal(b, "PTRACE_ATTACH");
	sk_flags_render(SK_FT_PROT, 0, b, sizeof(b));
	assert_string_equal(b, "PROT_NONE");
	sk_flags_render(SK_FT_EXECVE, SK_EXE_FROM_MEMFD | SK_EXE_UPPER_LAYER, b, sizeof(b));
	assert_string_equal(b, "EXE_UPPER_LAYER|EXE_FROM_MEMFD");
	/* nothing matches: the number */
	sk_flags_render(SK_FT_AT, 0, b, sizeof(b));
	assert_string_equal(b, "0");
	sk_flags_render(SK_FT_NONE, 42, b, sizeof(b));
	assert_string_equal(b, "42");
	/* cut, but NUL-terminated and the full length returned */
	char s[6];
	size_t n = sk_flags_render(SK_FT_OPEN, O_RDONLY | O_CLOEXEC, s, sizeof(s));
	assert_int_equal(n, strlen("O_RDONLY|O_CLOEXEC"));
	assert_string_equal(s, "O_RDO");
	sk_u32 v = 0;
	assert_int_equal(sk_flag_lookup(SK_FT_OPEN, "O_CREAT", &v), 0);
	assert_int_equal(v, O_CREAT);
	assert_int_equal(sk_flag_lookup(SK_FT_OPEN, "O_NOPE", &v), -1);
}

/* value of `name` in table ft must equal `want` */
static void expect(unsigned ft, const char *name, unsigned long want)
{
	sk_u32 v = 0;
	if (sk_flag_lookup(ft, name, &v) != 0) {
		fail_msg("%s missing from table %u", name, ft);
	}
	if (v != (sk_u32)want) {
		fail_msg("%s: table says %#x, libc says %#lx", name, v, want);
	}
}

static void test_values_match_libc(void **state)
{
	(void)state;
	expect(SK_FT_OPEN, "O_CREAT", O_CREAT);
	expect(SK_FT_OPEN, "O_EXCL", O_EXCL);
	expect(SK_FT_OPEN, "O_TRUNC", O_TRUNC);
	expect(SK_FT_OPEN, "O_APPEND", O_APPEND);
	expect(SK_FT_OPEN, "O_NONBLOCK", O_NONBLOCK);
	expect(SK_FT_OPEN, "O_DSYNC", O_DSYNC);
	expect(SK_FT_OPEN, "O_DIRECT", O_DIRECT);
	expect(SK_FT_OPEN, "O_DIRECTORY", O_DIRECTORY);
	expect(SK_FT_OPEN, "O_NOFOLLOW", O_NOFOLLOW);
	expect(SK_FT_OPEN, "O_NOATIME", O_NOATIME);
	expect(SK_FT_OPEN, "O_CLOEXEC", O_CLOEXEC);
	expect(SK_FT_OPEN, "O_PATH", O_PATH);
	expect(SK_FT_OPEN, "O_NOCTTY", O_NOCTTY);
	expect(SK_FT_OPEN, "O_SYNC", O_SYNC & ~O_DSYNC);
	expect(SK_FT_OPEN, "O_TMPFILE", O_TMPFILE & ~O_DIRECTORY);
	expect(SK_FT_CLONE, "CLONE_VM", CLONE_VM);
	expect(SK_FT_CLONE, "CLONE_FS", CLONE_FS);
	expect(SK_FT_CLONE, "CLONE_FILES", CLONE_FILES);
	expect(SK_FT_CLONE, "CLONE_THREAD", CLONE_THREAD);
	expect(SK_FT_CLONE, "CLONE_VFORK", CLONE_VFORK);
	expect(SK_FT_CLONE, "CLONE_NEWNS", CLONE_NEWNS);
	expect(SK_FT_CLONE, "CLONE_NEWUSER", CLONE_NEWUSER);
	expect(SK_FT_CLONE, "CLONE_NEWPID", CLONE_NEWPID);
	expect(SK_FT_CLONE, "CLONE_NEWNET", CLONE_NEWNET);
	expect(SK_FT_CLONE, "CLONE_NEWCGROUP", CLONE_NEWCGROUP);
	expect(SK_FT_CLONE, "CLONE_NEWUTS", CLONE_NEWUTS);
	expect(SK_FT_CLONE, "CLONE_NEWIPC", CLONE_NEWIPC);
	expect(SK_FT_CLONE, "CLONE_PIDFD", CLONE_PIDFD);
	expect(SK_FT_PROT, "PROT_EXEC", PROT_EXEC);
	expect(SK_FT_MMAP, "MAP_ANONYMOUS", MAP_ANONYMOUS);
	expect(SK_FT_MMAP, "MAP_FIXED", MAP_FIXED);
	expect(SK_FT_MMAP, "MAP_STACK", MAP_STACK);
	expect(SK_FT_SOCK_FAMILY, "AF_UNIX", AF_UNIX);
	expect(SK_FT_SOCK_FAMILY, "AF_INET", AF_INET);
	expect(SK_FT_SOCK_FAMILY, "AF_NETLINK", AF_NETLINK);
	expect(SK_FT_SOCK_FAMILY, "AF_PACKET", AF_PACKET);
	expect(SK_FT_SOCK_FAMILY, "AF_VSOCK", AF_VSOCK);
	expect(SK_FT_SOCK_TYPE, "SOCK_STREAM", SOCK_STREAM);
	expect(SK_FT_SOCK_TYPE, "SOCK_NONBLOCK", SOCK_NONBLOCK);
	expect(SK_FT_SOCK_TYPE, "SOCK_CLOEXEC", SOCK_CLOEXEC);
	expect(SK_FT_PTRACE, "PTRACE_ATTACH", PTRACE_ATTACH);
	expect(SK_FT_PTRACE, "PTRACE_SEIZE", PTRACE_SEIZE);
	expect(SK_FT_PTRACE, "PTRACE_POKETEXT", PTRACE_POKETEXT);
	expect(SK_FT_PTRACE, "PTRACE_TRACEME", PTRACE_TRACEME);
	expect(SK_FT_PRCTL, "PR_SET_NAME", PR_SET_NAME);
	expect(SK_FT_PRCTL, "PR_SET_NO_NEW_PRIVS", PR_SET_NO_NEW_PRIVS);
	expect(SK_FT_PRCTL, "PR_CAP_AMBIENT", PR_CAP_AMBIENT);
	expect(SK_FT_PRCTL, "PR_SET_SECCOMP", PR_SET_SECCOMP);
	expect(SK_FT_PRCTL, "PR_SET_PTRACER", (unsigned long)PR_SET_PTRACER);
	expect(SK_FT_MOUNT, "RDONLY", MS_RDONLY);
	expect(SK_FT_MOUNT, "BIND", MS_BIND);
	expect(SK_FT_MOUNT, "REC", MS_REC);
	expect(SK_FT_MOUNT, "SHARED", MS_SHARED);
	expect(SK_FT_MOUNT, "LAZYTIME", MS_LAZYTIME);
	expect(SK_FT_UMOUNT, "DETACH", MNT_DETACH);
	expect(SK_FT_UMOUNT, "NOFOLLOW", UMOUNT_NOFOLLOW);
	expect(SK_FT_FCNTL, "F_DUPFD_CLOEXEC", F_DUPFD_CLOEXEC);
	expect(SK_FT_FCNTL, "F_SETFL", F_SETFL);
	expect(SK_FT_FCNTL, "F_ADD_SEALS", F_ADD_SEALS);
	expect(SK_FT_AT, "AT_REMOVEDIR", AT_REMOVEDIR);
	expect(SK_FT_AT, "AT_SYMLINK_FOLLOW", AT_SYMLINK_FOLLOW);
	expect(SK_FT_AT, "AT_EMPTY_PATH", AT_EMPTY_PATH);
	expect(SK_FT_RENAMEAT2, "RENAME_EXCHANGE", RENAME_EXCHANGE);
	expect(SK_FT_MEMFD, "MFD_CLOEXEC", MFD_CLOEXEC);
	expect(SK_FT_MEMFD, "MFD_ALLOW_SEALING", MFD_ALLOW_SEALING);
	expect(SK_FT_SHUTDOWN, "SHUT_RDWR", SHUT_RDWR);
	assert_string_equal(sk_signal_names[SIGKILL], "SIGKILL");
	assert_string_equal(sk_signal_names[SIGSYS], "SIGSYS");
	assert_int_equal(SK_SIGNAL_COUNT, 32);
	assert_string_equal(sk_cap_names[21], "CAP_SYS_ADMIN");
	assert_string_equal(sk_cap_names[39], "CAP_BPF");
	assert_int_equal(SK_CAP_COUNT, 41);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_dense_and_well_formed),
	    cmocka_unit_test(test_falco_argument_names),
	    cmocka_unit_test(test_pt_sizes),
	    cmocka_unit_test(test_flags_render),
	    cmocka_unit_test(test_values_match_libc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
