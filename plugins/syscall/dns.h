/* plugins/syscall/dns.h - the domain names behind fd.cip.name, fd.sip.name,
 * fd.lip.name and fd.rip.name: a table of names (the constants rule
 * conditions compare those fields with) and the addresses each resolves
 * to, kept current by a resolver thread so that the event loop never
 * waits for DNS.
 *
 * Like Falco's DNS manager, an address gets a name only when that name
 * appears in a condition and resolves (getaddrinfo: /etc/hosts, DNS ...)
 * to the address; the names are resolved again every 10 s, backing off to
 * every 320 s while the answer stays the same.
 */
#ifndef SK_PLUGINS_SYSCALL_DNS_H
#define SK_PLUGINS_SYSCALL_DNS_H

#include <stddef.h>
#include <stdint.h>

struct sys_dns;

/* sys_dns_create - an empty table, no thread yet. NULL when out of memory. */
struct sys_dns *sys_dns_create(void);

/* sys_dns_destroy - stop the resolver and free the table. Waits up to two
 * seconds for a lookup in progress; past that the thread is left to finish
 * on its own (it then frees what it still uses, and the plugin's code stays
 * mapped). NULL is a no-op. Event-loop thread. */
void sys_dns_destroy(struct sys_dns *d);

/* sys_dns_add - learn `name` (copied; empty names and duplicates are
 * ignored). Returns 0 or -ENOMEM. Event-loop thread. */
int sys_dns_add(struct sys_dns *d, const char *name);

/* sys_dns_start - start the resolver thread when there are names and it
 * is not running yet (cheap otherwise). Returns 0 or -errno (the fields
 * then stay NA). Event-loop thread. */
int sys_dns_start(struct sys_dns *d);

/* sys_dns_names - the learnt names that resolve to `addr` (family 4 or 6;
 * 4 or 16 bytes, network order) as of the latest lookups: up to `max`
 * pointers into ret_names, in the order the names were learnt. The strings
 * live as long as the table. Returns how many there are (may exceed max).
 * Event-loop thread. */
size_t sys_dns_names(struct sys_dns *d, int family, const uint8_t *addr, const char **ret_names,
		     size_t max);

/* sys_dns_resolved - how many lookups the resolver has finished (for
 * tests that wait for the first round). */
uint64_t sys_dns_resolved(struct sys_dns *d);

#endif /* SK_PLUGINS_SYSCALL_DNS_H */
