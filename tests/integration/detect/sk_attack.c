/* tests/integration/detect/sk_attack.c - the attacker's (and the victim
 * server's) side of the detection suite, as one small static program copied
 * into the test image (and run on the host) under several names. Each mode
 * makes the real system calls of one behaviour the default rules must catch:
 *
 *   serve PORT          a "web server" (installed as /usr/sbin/nginx): answers
 *                       HTTP GET /shadow (open /etc/shadow), /traverse (open
 *                       /var/www/html/../../../etc/passwd), /shell (fork and
 *                       exec /bin/sh -c true), / (a page), one client at a time
 *   listen [ADDR:]PORT...  accept connections on every PORT and close them
 *   redirect HOST PORT  connect, dup2 the socket onto fd 0, 1 and 2
 *   packet              socket(AF_PACKET, SOCK_RAW)
 *   ptrace-attach       PTRACE_ATTACH to a child, then detach
 *   traceme             PTRACE_TRACEME (anti-debugging)
 *   memfd               copy /bin/true (or argv[2]) into a memfd and execute it
 *   module              init_module and finit_module of a dummy image (fails
 *                       where the kernel has no module support; the attempt is
 *                       what counts)
 *   noop                exit 0 (to be executed from a dropped copy)
 *
 * Prints "ok" on success; exit status 0 unless the mode could not run at all.
 * Network addresses are IPv4 literals only (no DNS). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* tcp_listen - listen on "PORT" (every address) or "ADDR:PORT". */
static int tcp_listen(const char *spec)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	const char *colon = strchr(spec, ':');
	if (colon != NULL) {
		char addr[64];
		snprintf(addr, sizeof(addr), "%.*s", (int)(colon - spec), spec);
		if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
			return -1;
		}
		spec = colon + 1;
	}
	a.sin_port = htons((unsigned short)atoi(spec));
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0) {
		return -1;
	}
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0) {
		close(s);
		return -1;
	}
	return s;
}

static void reply(int c, const char *body)
{
	char buf[256];
	int n =
	    snprintf(buf, sizeof(buf),
		     "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s",
		     strlen(body), body);
	if (write(c, buf, (size_t)n) < 0) {
		perror("write");
	}
}

static const char *read_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		return "open failed\n";
	}
	char b[64];
	ssize_t n = read(fd, b, sizeof(b));
	close(fd);
	return n >= 0 ? "read\n" : "read failed\n";
}

static int serve(const char *port)
{
	int s = tcp_listen(port);
	if (s < 0) {
		perror("listen");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c < 0) {
			continue;
		}
		char req[512] = {0};
		ssize_t n = read(c, req, sizeof(req) - 1);
		if (n <= 0) {
			close(c);
			continue;
		}
		if (strncmp(req, "GET /shadow ", 12) == 0) {
			reply(c, read_file("/etc/shadow"));
		} else if (strncmp(req, "GET /traverse ", 14) == 0) {
			reply(c, read_file("/var/www/html/../../../etc/passwd"));
		} else if (strncmp(req, "GET /shell ", 11) == 0) {
			pid_t p = fork();
			if (p == 0) {
				execl("/bin/sh", "sh", "-c", "true", (char *)NULL);
				_exit(127);
			}
			if (p > 0) {
				waitpid(p, NULL, 0);
			}
			reply(c, "shell\n");
		} else {
			reply(c, "<html>hello</html>\n");
		}
		close(c);
	}
}

static int listen_all(int argc, char **argv)
{
	fd_set all;
	int maxfd = -1;
	FD_ZERO(&all);
	for (int i = 0; i < argc; i++) {
		int s = tcp_listen(argv[i]);
		if (s < 0 || s >= FD_SETSIZE) {
			perror(argv[i]);
			return 1;
		}
		FD_SET(s, &all);
		maxfd = s > maxfd ? s : maxfd;
	}
	for (;;) {
		fd_set r = all;
		if (select(maxfd + 1, &r, NULL, NULL, NULL) < 0) {
			continue;
		}
		for (int s = 0; s <= maxfd; s++) {
			if (FD_ISSET(s, &r)) {
				int c = accept(s, NULL, NULL);
				if (c >= 0) {
					close(c);
				}
			}
		}
	}
}

static int redirect(const char *host, int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	if (s < 0 || inet_pton(AF_INET, host, &a.sin_addr) != 1 ||
	    connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("connect");
		return 1;
	}
	for (int fd = 0; fd < 3; fd++) {
		if (dup2(s, fd) < 0) {
			return 1; /* stderr may be the socket already: no message */
		}
	}
	return 0;
}

static int packet(void)
{
	int s = socket(AF_PACKET, SOCK_RAW, htons(0x0003 /* ETH_P_ALL */));
	if (s < 0) {
		printf("socket: %s\n", strerror(errno));
		return 0;
	}
	close(s);
	printf("ok\n");
	return 0;
}

static int ptrace_attach(void)
{
	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	if (child < 0) {
		return 1;
	}
	usleep(50000);
	if (ptrace(PTRACE_ATTACH, child, NULL, NULL) < 0) {
		printf("ptrace: %s\n", strerror(errno));
	} else {
		waitpid(child, NULL, 0);
		ptrace(PTRACE_DETACH, child, NULL, NULL);
		printf("ok\n");
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}

static int traceme(void)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
		printf("ptrace: %s\n", strerror(errno));
	} else {
		printf("ok\n");
	}
	return 0;
}

static int memfd_exec(const char *path)
{
	int in = open(path, O_RDONLY);
	int m = (int)syscall(SYS_memfd_create, "sk-payload", 0);
	if (in < 0 || m < 0) {
		perror("memfd");
		return 1;
	}
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(m, buf, (size_t)n) != n) {
			perror("write");
			return 1;
		}
	}
	close(in);
	/* the new process is named after the memfd ("memfd:sk-payload") on
	 * recent kernels, after the descriptor number on older ones */
	printf("%d\n", m);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		char *const args[] = {"true", NULL};
		char *const env[] = {NULL};
		syscall(SYS_execveat, m, "", args, env, AT_EMPTY_PATH);
		_exit(127);
	}
	int st = 0;
	waitpid(p, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

static int module(void)
{
	static const char img[] = "\177ELF not a real module";
	long r = syscall(SYS_init_module, img, sizeof(img), "");
	printf("init_module: %s\n", r < 0 ? strerror(errno) : "loaded?!");
	int fd = open("/proc/self/exe", O_RDONLY);
	r = syscall(SYS_finit_module, fd, "", 0);
	printf("finit_module: %s\n", r < 0 ? strerror(errno) : "loaded?!");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "serve") == 0 && argc == 3) {
		return serve(argv[2]);
	}
	if (strcmp(mode, "listen") == 0 && argc > 2) {
		return listen_all(argc - 2, argv + 2);
	}
	if (strcmp(mode, "redirect") == 0 && argc == 4) {
		return redirect(argv[2], atoi(argv[3]));
	}
	if (strcmp(mode, "packet") == 0) {
		return packet();
	}
	if (strcmp(mode, "ptrace-attach") == 0) {
		return ptrace_attach();
	}
	if (strcmp(mode, "traceme") == 0) {
		return traceme();
	}
	if (strcmp(mode, "memfd") == 0) {
		return memfd_exec(argc > 2 ? argv[2] : "/bin/true");
	}
	if (strcmp(mode, "module") == 0) {
		return module();
	}
	if (strcmp(mode, "noop") == 0) {
		return 0;
	}
	fprintf(stderr,
		"usage: %s serve PORT | listen [ADDR:]PORT... | redirect HOST PORT | packet | "
		"ptrace-attach | traceme | memfd [FILE] | module | noop\n",
		argv[0]);
	return 2;
}
