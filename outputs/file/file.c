/* outputs/file/file.c - the `file` output plugin (file_output): append one
 * alert line per line to a file.
 *
 * Keys: filename (required), keep_alive (default false). Like Falco,
 * without keep_alive the file is opened and closed for every alert (so a
 * rotated file is picked up at once); with keep_alive it stays open and
 * reopen() (SIGUSR1, for logrotate) closes and opens it again. Each alert is
 * one write(2) of "line\n" on an O_APPEND descriptor, so concurrent writers
 * do not interleave within a line. ENOSPC and EIO ask the core to retry the
 * same alert later (the part already written is not written again); other
 * errors fail the alert.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <shrike/plugin.h>

/* O_NOFOLLOW: a symlink planted at the path (by anyone who can write to
 * its directory) must not make root append alerts to the file it names. */
#define OPEN_FLAGS (O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW)
#define FILE_MODE  0600

struct file_conf {
	char *filename;
	bool keep_alive;
};

static const struct sk_param file_params[] = {
    {.name = "filename",
     .type = SK_PARAM_STR,
     .flags = SK_PARAM_REQUIRED,
     .offset = offsetof(struct file_conf, filename),
     .desc = "file to append alerts to (created with mode 0600; a symlink is refused)"},
    {.name = "keep_alive",
     .type = SK_PARAM_BOOL,
     .def = "false",
     .offset = offsetof(struct file_conf, keep_alive),
     .desc = "keep the file open between alerts (reopened on SIGUSR1)"},
    {.name = NULL},
};

struct file_inst {
	const struct sk_host_api *api;
	struct sk_host *host;
	char *filename;
	bool keep_alive;
	int fd; /* keep_alive: the open file, or -1 until (re)opened */
	/* A partially written alert, resumed when the core retries it. */
	const struct sk_alert *partial;
	char partial_uuid[40];
	size_t partial_done;
	int last_errno; /* last logged error, to log each problem once */
	int fail_errno; /* the last write's error, for last_error() */
};

/* why - strerror(), but ELOOP from O_NOFOLLOW said plainly. */
static const char *why(int err)
{
	return err == ELOOP ? "it is a symbolic link, which Shrike does not follow for files it "
			      "writes: remove the link or name the real file"
			    : strerror(err);
}

static void log_once(struct file_inst *f, int err, int level, const char *what)
{
	f->fail_errno = err;
	if (f->last_errno == err) {
		return;
	}
	f->last_errno = err;
	f->api->log(f->host, level, "%s %s: %s", what, f->filename, why(err));
}

static int open_file(struct file_inst *f, int extra_flags)
{
	int fd;
	do {
		fd = open(f->filename, OPEN_FLAGS | extra_flags, FILE_MODE);
	} while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
}

static int file_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	const struct file_conf *c = in->config;
	struct file_inst *f = NULL;

	if (!c || !c->filename || !c->filename[0]) {
		snprintf(err, errlen, "filename: an output file name is required");
		return SK_ERR;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	*ret_inst = f;
	f->api = in->api;
	f->host = in->host;
	f->fd = -1;
	f->keep_alive = c->keep_alive;
	f->filename = strdup(c->filename);
	if (!f->filename) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	/* Open now so a bad path fails at start-up. O_NONBLOCK: a FIFO with no
	 * reader yet (ENXIO) is fine, the worker opens it when it writes. */
	int fd = open_file(f, O_NONBLOCK);
	if (fd == -ENXIO) {
		return SK_OK;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", f->filename, why(-fd));
		return SK_ERR;
	}
	if (f->keep_alive) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0) {
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
		}
		f->fd = fd;
	} else {
		close(fd);
	}
	return SK_OK;
}

static void file_destroy(void *inst)
{
	struct file_inst *f = inst;
	if (!f) {
		return;
	}
	if (f->fd >= 0) {
		close(f->fd);
	}
	free(f->filename);
	free(f);
}

static bool same_alert(const struct file_inst *f, const struct sk_alert *a)
{
	return f->partial == a && a->uuid && strcmp(f->partial_uuid, a->uuid) == 0;
}

/* Write the rest of "line\n" from offset done. Returns 0 or -errno with
 * *done updated. */
static int write_line(int fd, const struct sk_alert *a, size_t *done)
{
	size_t total = (size_t)a->line_len + 1;
	while (*done < total) {
		struct iovec iov[2];
		int n = 0;
		if (*done < a->line_len) {
			iov[n].iov_base = (char *)a->line + *done;
			iov[n].iov_len = a->line_len - *done;
			n++;
		}
		iov[n].iov_base = "\n";
		iov[n].iov_len = 1;
		n++;
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		*done += (size_t)w;
	}
	return 0;
}

static int file_write(void *inst, const struct sk_alert *alert)
{
	struct file_inst *f = inst;
	int fd = f->fd;
	int err;

	if (fd < 0) {
		fd = open_file(f, 0);
		if (fd < 0) {
			err = -fd;
			log_once(f, err, SK_LOG_ERROR, "cannot open");
			return err == ENOSPC || err == EIO ? SK_RETRY : SK_ERR;
		}
		if (f->keep_alive) {
			f->fd = fd;
		}
	}
	size_t done = same_alert(f, alert) ? f->partial_done : 0;
	err = -write_line(fd, alert, &done);
	if (!f->keep_alive) {
		close(fd);
	}
	if (err == 0) {
		f->partial = NULL;
		f->last_errno = 0;
		return SK_OK;
	}
	if (err == ENOSPC || err == EIO) {
		f->partial = alert;
		snprintf(f->partial_uuid, sizeof(f->partial_uuid), "%s",
			 alert->uuid ? alert->uuid : "");
		f->partial_done = done;
		log_once(f, err, SK_LOG_WARNING, "cannot write to (will retry)");
		return SK_RETRY;
	}
	f->partial = NULL;
	log_once(f, err, SK_LOG_ERROR, "cannot write to");
	if (f->keep_alive && f->fd >= 0) {
		/* EPIPE, EBADF...: open it again for the next alert. */
		close(f->fd);
		f->fd = -1;
	}
	return SK_ERR;
}

static int file_reopen(void *inst)
{
	struct file_inst *f = inst;
	if (!f->keep_alive) {
		return SK_OK; /* opened for every alert anyway */
	}
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
	int fd = open_file(f, 0);
	if (fd < 0) {
		log_once(f, -fd, SK_LOG_ERROR, "cannot reopen");
		return SK_ERR; /* the next write tries again */
	}
	f->fd = fd;
	f->api->log(f->host, SK_LOG_INFO, "reopened %s", f->filename);
	return SK_OK;
}

/* file_last_error - why the last write failed, so the core's retry and
 * retry_budget lines name it (ENOSPC: "No space left on device"). */
static const char *file_last_error(void *inst)
{
	const struct file_inst *f = inst;
	return f->fail_errno != 0 ? why(f->fail_errno) : NULL;
}

SK_PLUGIN_OPS(sk_output_ops, file_output_ops, .write = file_write, .reopen = file_reopen);
SK_PLUGIN_DEFINE(.name = "file", .version = "1.0.0",
		 .description = "Appends alerts to a file, one per line",
		 .contact = "https://github.com/shrike-security/shrike", .params = file_params,
		 .config_size = sizeof(struct file_conf), .init = file_init,
		 .destroy = file_destroy, .last_error = file_last_error,
		 .output = &file_output_ops);
