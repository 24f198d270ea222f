/* tests/ebpf/ia32prog.c - a 32-bit (ia32) program for tests/ebpf/ia32.sh,
 * built there with gcc -m32 -static: its syscalls have ia32 numbers and
 * registers. It makes, with the numbers written here so the events are
 * exact whatever the libc prefers:
 *   open(DIR/ia32-open, O_WRONLY|O_CREAT), then openat(AT_FDCWD, the
 *   same path, O_RDONLY), each closed;
 *   socket, bind, listen, connect, accept on 127.0.0.1 through socketcall
 *   (what a 32-bit libc uses), then socket + connect with the direct
 *   syscalls (Linux 4.3);
 *   a failed execve of DIR/no-such-program;
 *   fork, and in the child execve("/bin/true").
 * and prints "pid=N ofd=F afd=F lfd=F cfd=F sfd=F dfd=F lport=P cport=C
 * dport=D child=N" (descriptors: open, openat, listening, connected,
 * accepted, direct-connected).
 *
 *   ia32prog DIR
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/net.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#if !defined(__i386__)
#error "build with -m32"
#endif

static long sockcall(int call, unsigned long a0, unsigned long a1, unsigned long a2)
{
	unsigned long args[3] = {a0, a1, a2};
	return syscall(SYS_socketcall, call, args);
}

int main(int argc, char **argv)
{
	char p[4096];
	if (argc != 2) {
		fprintf(stderr, "usage: ia32prog DIR\n");
		return 2;
	}
	snprintf(p, sizeof(p), "%s/ia32-open", argv[1]);
	long ofd = syscall(SYS_open, p, O_WRONLY | O_CREAT, 0644);
	if (ofd < 0) {
		perror("open");
		return 1;
	}
	syscall(SYS_close, ofd);
	long afd = syscall(SYS_openat, AT_FDCWD, p, O_RDONLY);
	if (afd < 0) {
		perror("openat");
		return 1;
	}
	syscall(SYS_close, afd);

	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof(a);
	long l = sockcall(SYS_SOCKET, AF_INET, SOCK_STREAM, 0);
	if (l < 0 || sockcall(SYS_BIND, l, (unsigned long)&a, sizeof(a)) != 0 ||
	    sockcall(SYS_LISTEN, l, 8, 0) != 0 || getsockname(l, (struct sockaddr *)&a, &al) != 0) {
		perror("listen");
		return 1;
	}
	long c = sockcall(SYS_SOCKET, AF_INET, SOCK_STREAM, 0);
	if (c < 0 || sockcall(SYS_CONNECT, c, (unsigned long)&a, sizeof(a)) != 0) {
		perror("connect");
		return 1;
	}
	long s = sockcall(SYS_ACCEPT, l, 0, 0);
	struct sockaddr_in ca;
	socklen_t cl = sizeof(ca);
	if (s < 0 || getsockname(c, (struct sockaddr *)&ca, &cl) != 0) {
		perror("accept");
		return 1;
	}
	long d = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	if (d < 0 || syscall(SYS_connect, d, &a, sizeof(a)) != 0) {
		perror("direct connect");
		return 1;
	}
	struct sockaddr_in da;
	cl = sizeof(da);
	getsockname(d, (struct sockaddr *)&da, &cl);

	char *args[] = {"no-such-program", NULL};
	snprintf(p, sizeof(p), "%s/no-such-program", argv[1]);
	syscall(SYS_execve, p, args, NULL);

	fflush(stdout);
	long child = syscall(SYS_fork);
	if (child == 0) {
		char *targs[] = {"/bin/true", NULL};
		syscall(SYS_execve, "/bin/true", targs, NULL);
		_exit(127);
	}
	int st = 0;
	waitpid((pid_t)child, &st, 0);
	printf("pid=%d ofd=%ld afd=%ld lfd=%ld cfd=%ld sfd=%ld dfd=%ld lport=%u cport=%u dport=%u "
	       "child=%ld\n",
	       getpid(), ofd, afd, l, c, s, d, ntohs(a.sin_port), ntohs(ca.sin_port),
	       ntohs(da.sin_port), child);
	return st == 0 ? 0 : 1;
}
