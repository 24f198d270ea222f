/* bench/syscall_load.c - a syscall-heavy workload for bench/syscalls.sh.
 *
 *   syscall_load MODE N [RATE]
 *
 * MODE is one of
 *   openclose  open("/dev/null") + close            2 syscalls per op
 *   stat       stat("/etc/hostname")                1 syscall per op
 *   connect    socket + connect + accept + close×2  to a listener on
 *              127.0.0.1 of this process           5 syscalls per op
 *   forkexec   fork + execve("/bin/true") + wait   (the child's exec and
 *              exit included)                       ~4 syscalls per op
 * It runs N operations as fast as it can, or at RATE syscalls per second
 * when RATE is given (batches of 100 operations, sleeping in between), and
 * prints one line:
 *   MODE ops=N syscalls=S ns=T ns_per_op=X ns_per_syscall=Y rate=R
 * (R: syscalls per second achieved).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int lfd = -1;
static struct sockaddr_in laddr;

static int op(const char *mode)
{
	if (strcmp(mode, "openclose") == 0) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0) {
			return -1;
		}
		close(fd);
		return 0;
	}
	if (strcmp(mode, "stat") == 0) {
		struct stat st;
		return stat("/etc/hostname", &st);
	}
	if (strcmp(mode, "connect") == 0) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&laddr, sizeof(laddr)) != 0) {
			return -1;
		}
		int a = accept(lfd, NULL, NULL);
		if (a < 0) {
			return -1;
		}
		close(a);
		close(c);
		return 0;
	}
	if (strcmp(mode, "forkexec") == 0) {
		pid_t p = fork();
		if (p < 0) {
			return -1;
		}
		if (p == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		int st;
		return waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
	}
	errno = EINVAL;
	return -1;
}

static int per_op(const char *mode)
{
	if (strcmp(mode, "openclose") == 0) {
		return 2;
	}
	if (strcmp(mode, "stat") == 0) {
		return 1;
	}
	if (strcmp(mode, "connect") == 0) {
		return 5;
	}
	return 4; /* fork (clone), execve, exit_group, wait4 */
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: syscall_load openclose|stat|connect|forkexec N [RATE]\n");
		return 2;
	}
	const char *mode = argv[1];
	long n = atol(argv[2]);
	double rate = argc > 3 ? atof(argv[3]) : 0;
	if (strcmp(mode, "connect") == 0) {
		socklen_t l = sizeof(laddr);
		laddr.sin_family = AF_INET;
		laddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		lfd = socket(AF_INET, SOCK_STREAM, 0);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&laddr, sizeof(laddr)) != 0 ||
		    listen(lfd, 128) != 0 || getsockname(lfd, (struct sockaddr *)&laddr, &l) != 0) {
			perror("syscall_load: listen");
			return 1;
		}
	}
	int k = per_op(mode);
	long long t0 = now();
	for (long i = 0; i < n; i++) {
		if (op(mode) != 0) {
			fprintf(stderr, "syscall_load: %s failed: %s\n", mode, strerror(errno));
			return 1;
		}
		if (rate > 0 && i % 100 == 99) {
			long long due = t0 + (long long)((double)(i + 1) * k * 1e9 / rate);
			long long d = due - now();
			if (d > 0) {
				struct timespec ts = {d / 1000000000LL, d % 1000000000LL};
				nanosleep(&ts, NULL);
			}
		}
	}
	long long ns = now() - t0;
	double sc = (double)n * k;
	printf("%s ops=%ld syscalls=%.0f ns=%lld ns_per_op=%.0f ns_per_syscall=%.0f rate=%.0f\n",
	       mode, n, sc, ns, (double)ns / (double)n, (double)ns / sc, sc * 1e9 / (double)ns);
	return 0;
}
