/* tests/ebpf/sysprobe.c - makes known syscalls for the eBPF tests and prints
 * the values the test then expects to find in the capture.
 *
 *   sysprobe files DIR   symlink, link, unlink, a failed openat; prints
 *                        "tid=N"
 *   sysprobe net         socket, bind, listen, connect, accept on
 *                        127.0.0.1; prints "tid=N lport=P cport=C lfd=F
 *                        cfd=F afd=F"
 *   sysprobe unix DIR    a refused connect to 127.0.0.1 (a port just freed),
 *                        bind/connect/accept on DIR/u.sock and on the
 *                        abstract name "sk-abstract"; prints "tid=N port=P"
 *   sysprobe memfdexec   copies /bin/true into a memfd and runs it with
 *                        execveat(fd, "", AT_EMPTY_PATH) (fexecve); prints
 *                        "tid=N fd=F" first
 *   sysprobe setuid FILE setuid(2) to its own uid, then chmod(FILE, 04755)
 *                        (the setuid bit); prints "tid=N"
 *   sysprobe storm N     N times open("/dev/null") + close as fast as it
 *                        can; prints "n=N ns=T"
 *   sysprobe int80 PATH  open(PATH, O_RDONLY) and close through int 0x80
 *                        from this 64-bit process: 32-bit (ia32) syscalls
 *                        (numbers 5 and 6); prints "tid=N fd=F" (x86-64)
 *   sysprobe bpfstats    whether the kernel's BPF run-time statistics are
 *                        on (a trivial program run once has a run count);
 *                        prints "bpf_stats=0" or "bpf_stats=1"
 *   sysprobe stop PID    SIGTERM to the main thread of PID (tgkill), which
 *                        reads its signals from a signalfd: a process-wide
 *                        kill may land on a plugin thread that does not
 *                        block SIGTERM
 *
 * Syscalls are made with syscall(2) where the libc might pick another one
 * (symlink vs symlinkat), so the event names are exact.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "sysprobe: %s: %s\n", what, strerror(errno));
	return 1;
}

static int files(const char *dir)
{
	char lnk[4096], file[4096], hard[4096], none[4096];
	snprintf(lnk, sizeof(lnk), "%s/lnk", dir);
	snprintf(file, sizeof(file), "%s/file", dir);
	snprintf(hard, sizeof(hard), "%s/hard", dir);
	snprintf(none, sizeof(none), "%s/nonexistent", dir);
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0) {
		return die(file);
	}
	close(fd);
	if (syscall(SYS_symlink, "target-of-lnk", lnk) != 0) {
		return die("symlink");
	}
	if (syscall(SYS_link, file, hard) != 0) {
		return die("link");
	}
	if (syscall(SYS_unlink, hard) != 0) {
		return die("unlink");
	}
	if (syscall(SYS_openat, AT_FDCWD, none, O_RDONLY | O_CLOEXEC, 0) >= 0 || errno != ENOENT) {
		return die("openat of a missing file did not fail with ENOENT");
	}
	printf("tid=%ld\n", (long)syscall(SYS_gettid));
	return 0;
}

static int net(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof(a);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(lfd, 8) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &al) != 0) {
		return die("listen");
	}
	int lport = ntohs(a.sin_port);
	int cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		return die("connect");
	}
	int afd = (int)syscall(SYS_accept, lfd, NULL, NULL);
	if (afd < 0) {
		return die("accept");
	}
	struct sockaddr_in c;
	al = sizeof(c);
	if (getsockname(cfd, (struct sockaddr *)&c, &al) != 0) {
		return die("getsockname");
	}
	printf("tid=%ld lport=%d cport=%d lfd=%d cfd=%d afd=%d\n", (long)syscall(SYS_gettid), lport,
	       ntohs(c.sin_port), lfd, cfd, afd);
	close(afd);
	close(cfd);
	close(lfd);
	return 0;
}

static int unix_and_refused(const char *dir)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof(a);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int t = socket(AF_INET, SOCK_STREAM, 0);
	if (t < 0 || bind(t, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(t, (struct sockaddr *)&a, &al) != 0) {
		return die("bind");
	}
	close(t);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != ECONNREFUSED) {
		return die("connect to a closed port was not refused");
	}
	close(c);
	struct sockaddr_un u = {.sun_family = AF_UNIX};
	snprintf(u.sun_path, sizeof(u.sun_path), "%s/u.sock", dir);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	int k = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(l, (struct sockaddr *)&u, sizeof(u)) != 0 || listen(l, 1) != 0 ||
	    connect(k, (struct sockaddr *)&u, sizeof(u)) != 0) {
		return die("unix socket");
	}
	int x = accept(l, NULL, NULL);
	close(x);
	close(k);
	close(l);
	unlink(u.sun_path);
	struct sockaddr_un ab = {.sun_family = AF_UNIX};
	memcpy(ab.sun_path, "\0sk-abstract", 12);
	socklen_t abl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 12);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	k = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind(l, (struct sockaddr *)&ab, abl) != 0 || listen(l, 1) != 0 ||
	    connect(k, (struct sockaddr *)&ab, abl) != 0) {
		return die("abstract unix socket");
	}
	close(k);
	close(l);
	printf("tid=%ld port=%d\n", (long)syscall(SYS_gettid), ntohs(a.sin_port));
	return 0;
}

static int memfdexec(void)
{
	int fd = (int)syscall(SYS_memfd_create, "sk-memfd", 0);
	int in = open("/bin/true", O_RDONLY);
	char buf[65536];
	ssize_t n;
	if (fd < 0 || in < 0) {
		return die("memfd_create");
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(fd, buf, (size_t)n) != n) {
			return die("write");
		}
	}
	close(in);
	printf("tid=%ld fd=%d\n", (long)syscall(SYS_gettid), fd);
	fflush(stdout);
	char *argv[] = {"sk-memfd-exe", NULL};
	char *envp[] = {NULL};
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	return die("execveat");
}

static int setuid_chmod(const char *path)
{
	printf("tid=%ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	if (syscall(SYS_setuid, (long)getuid()) != 0) {
		return die("setuid");
	}
	if (syscall(SYS_chmod, path, 04755) != 0) {
		return die("chmod");
	}
	return 0;
}

static int storm(long n)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0) {
			return die("open /dev/null");
		}
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
	printf("n=%ld ns=%lld\n", n, ns);
	return 0;
}

/* open + close with the 32-bit syscall ABI from a 64-bit process, the way
 * a program could try to slip past a monitor that only decodes 64-bit
 * calls. The path must sit below 4 GiB: ia32 arguments are 32 bits. */
static int int80(const char *path)
{
#if defined(__x86_64__)
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low == MAP_FAILED) {
		return die("mmap");
	}
	snprintf(low, 4096, "%s", path);
	long fd = 5; /* ia32 open */
	__asm__ volatile("int $0x80"
			 : "+a"(fd)
			 : "b"(low), "c"((long)O_RDONLY), "d"(0L)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	if (fd < 0) {
		errno = (int)-fd;
		return die("int 0x80 open");
	}
	long r = 6; /* ia32 close */
	__asm__ volatile("int $0x80"
			 : "+a"(r)
			 : "b"(fd)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	printf("tid=%ld fd=%ld\n", (long)syscall(SYS_gettid), fd);
	return 0;
#else
	(void)path;
	fprintf(stderr, "sysprobe: int80 is x86-64 only\n");
	return 2;
#endif
}

static int bpf_call(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof(*a));
}

/* Whether the kernel counts BPF program runs now: bpf_enable_stats() (the
 * ebpf source's bpf_stats) or kernel.bpf_stats_enabled, whose file shows
 * only what was written to it, not the holders of a bpf_enable_stats()
 * descriptor. A two-instruction socket filter run once with
 * BPF_PROG_TEST_RUN has a run count only while they are on. */
static int bpfstats(void)
{
	struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uintptr_t) "GPL";
	int fd = bpf_call(BPF_PROG_LOAD, &a);
	if (fd < 0) {
		return die("BPF_PROG_LOAD");
	}
	unsigned char pkt[64] = {0};
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (__u32)fd;
	a.test.data_in = (uintptr_t)pkt;
	a.test.data_size_in = sizeof(pkt);
	a.test.repeat = 1;
	if (bpf_call(BPF_PROG_TEST_RUN, &a) != 0) {
		return die("BPF_PROG_TEST_RUN");
	}
	struct bpf_prog_info info;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (__u32)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	if (bpf_call(BPF_OBJ_GET_INFO_BY_FD, &a) != 0) {
		return die("BPF_OBJ_GET_INFO_BY_FD");
	}
	close(fd);
	printf("bpf_stats=%d\n", info.run_cnt > 0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "files") == 0) {
		return files(argv[2]);
	}
	if (argc == 2 && strcmp(argv[1], "memfdexec") == 0) {
		return memfdexec();
	}
	if (argc == 3 && strcmp(argv[1], "unix") == 0) {
		return unix_and_refused(argv[2]);
	}
	if (argc == 2 && strcmp(argv[1], "net") == 0) {
		return net();
	}
	if (argc == 3 && strcmp(argv[1], "stop") == 0) {
		long pid = atol(argv[2]);
		if (syscall(SYS_tgkill, pid, pid, SIGTERM) != 0) {
			return die("tgkill");
		}
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "setuid") == 0) {
		return setuid_chmod(argv[2]);
	}
	if (argc == 3 && strcmp(argv[1], "storm") == 0) {
		return storm(atol(argv[2]));
	}
	if (argc == 3 && strcmp(argv[1], "int80") == 0) {
		return int80(argv[2]);
	}
	if (argc == 2 && strcmp(argv[1], "bpfstats") == 0) {
		return bpfstats();
	}
	fprintf(stderr, "usage: sysprobe files DIR | net | unix DIR | setuid FILE | storm N | "
			"int80 PATH | bpfstats | stop PID\n");
	return 2;
}
