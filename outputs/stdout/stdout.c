/* outputs/stdout/stdout.c - the `stdout` output plugin (stdout_output):
 * one alert line per line on file descriptor 1, through stdio's buffer;
 * flush() pushes the buffer out (the core calls it when its queue runs
 * empty, or after every alert with unbuffered outputs). Once standard
 * output is closed (EPIPE, EBADF) the first failure is logged and every
 * later alert fails at once (counted by the core); an alert whose bytes were
 * still in stdio's buffer at that moment was already counted as sent.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <shrike/plugin.h>

struct stdout_inst {
	const struct sk_host_api *api;
	struct sk_host *host;
	bool broken_logged;
	bool closed; /* EPIPE/EBADF seen: standard output is gone for good */
};

/* A write error: log the first one (a closed pipe stays closed), then let
 * the core count the failures. */
static int fail(struct stdout_inst *s, int err)
{
	clearerr(stdout);
	if (err == EPIPE || err == EBADF) {
		s->closed = true;
	}
	if (!s->broken_logged) {
		s->broken_logged = true;
		s->api->log(s->host, SK_LOG_ERROR, "cannot write alerts to standard output: %s%s",
			    strerror(err),
			    err == EPIPE || err == EBADF ? " (further failures are counted only)"
							 : "");
	}
	return SK_ERR;
}

static int stdout_init(const struct sk_init_input *in, void **ret_inst, char *err, size_t errlen)
{
	struct stdout_inst *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return SK_ERR;
	}
	s->api = in->api;
	s->host = in->host;
	*ret_inst = s;
	return SK_OK;
}

static void stdout_destroy(void *inst)
{
	if (inst) {
		fflush(stdout);
		free(inst);
	}
}

static int stdout_write(void *inst, const struct sk_alert *alert)
{
	struct stdout_inst *s = inst;
	if (s->closed) {
		return SK_ERR; /* already logged; the core counts it */
	}
	errno = 0;
	if (fwrite(alert->line, 1, alert->line_len, stdout) != alert->line_len ||
	    putc('\n', stdout) == EOF) {
		return fail(s, errno ? errno : EIO);
	}
	s->broken_logged = false;
	return SK_OK;
}

static int stdout_flush(void *inst)
{
	struct stdout_inst *s = inst;
	if (s->closed) {
		return SK_OK; /* nothing can be flushed; failures were counted */
	}
	errno = 0;
	if (fflush(stdout) != 0) {
		return fail(s, errno ? errno : EIO);
	}
	return SK_OK;
}

SK_PLUGIN_OPS(sk_output_ops, stdout_output_ops, .write = stdout_write, .flush = stdout_flush);
SK_PLUGIN_DEFINE(.name = "stdout", .version = "1.0.0",
		 .description = "Writes alerts to standard output, one per line",
		 .contact = "https://github.com/shrike-security/shrike", .init = stdout_init,
		 .destroy = stdout_destroy, .output = &stdout_output_ops);
