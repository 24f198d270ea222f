/* outputs/syslog/syslog_conf.h - the syslog output's configuration: its
 * parameter table (syslog_output keys) and the checks that turn the filled
 * struct into a validated target (transport, address, format, facility).
 */
#ifndef SK_OUTPUTS_SYSLOG_CONF_H
#define SK_OUTPUTS_SYSLOG_CONF_H

#include <stddef.h>
#include <stdint.h>

#include <shrike/plugin.h>

#include "syslog_format.h"

#define SYSLOG_DEFAULT_SOCKET "/dev/log"

/* Filled by the host from syslog_params. */
struct syslog_conf {
	char *ident;
	int facility; /* index into the facility names */
	char *address;
	int format; /* index: auto, rfc5424, rfc3164 */
	char *hostname;
	uint64_t timeout_ms;
};

extern const struct sk_param syslog_params[];

enum syslog_transport {
	SYSLOG_UNIX = 0, /* a local socket: /dev/log, or unix:///path */
	SYSLOG_UDP = 1,
	SYSLOG_TCP = 2,
};

/* The validated settings. Strings point into buffers of the struct. */
struct syslog_target {
	enum syslog_transport transport;
	char path[108]; /* SYSLOG_UNIX: socket path (sun_path size) */
	char host[256]; /* SYSLOG_UDP, SYSLOG_TCP: name or address, no brackets */
	char port[8];
	enum syslog_fmt fmt;
	int facility; /* code, 0..23 */
	char ident[49];
	char hostname[256]; /* "" = the alert's host name */
	uint64_t timeout_ms;
};

/* syslog_conf_check - validate c into *ret. address: "" (the local syslog
 * socket /dev/log), "unix:///path", "udp://host[:port]",
 * "tcp://host[:port]" (port 514 by default; IPv6 as [addr]:port). format
 * auto: the local form for unix sockets, RFC 5424 over the network.
 * Errors name the key ("address: ...") into err. Returns 0 or -EINVAL. */
int syslog_conf_check(const struct syslog_conf *c, struct syslog_target *ret, char *err,
		      size_t errlen);

#endif /* SK_OUTPUTS_SYSLOG_CONF_H */
