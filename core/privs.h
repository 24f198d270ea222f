/* core/privs.h - least privilege: drop the capabilities Shrike no longer
 * needs once its sources run (see privs.c and docs/security.md).
 */
#ifndef SK_CORE_PRIVS_H
#define SK_CORE_PRIVS_H

#include <stddef.h>
#include <stdint.h>

/* The capabilities kept after start: reading other users' /proc/PID/{exe,
 * cwd,fd,environ,root} (CAP_SYS_PTRACE) and /proc and container runtime
 * files whatever their owner and mode (CAP_DAC_READ_SEARCH). */
#define SK_PRIVS_KEEP ((UINT64_C(1) << 19) | (UINT64_C(1) << 2)) /* SYS_PTRACE, DAC_READ_SEARCH */

/* sk_privs_init - install the handler of SK_PRIVS_SIGNAL (doing nothing
 * until sk_privs_drop), before plugins load: a plugin may hand the signal to
 * a library's threads (librdkafka's termination signal), which must then
 * not kill the process. Returns 0 or -errno. */
int sk_privs_init(void);

/* sk_privs_drop - reduce the effective, permitted and inheritable sets of
 * every thread of the process to `keep` (intersected with what it has),
 * clear the ambient set, and drop everything else from the bounding set
 * (this needs CAP_SETPCAP; without it the bounding set stays and the log
 * says so). Capabilities are per thread on Linux: the calling thread drops
 * its own, every other thread is sent SK_PRIVS_SIGNAL (include/shrike/
 * plugin.h) and drops its own in the handler; threads that block it are
 * counted. Call it from the main thread after the sources are open; not
 * thread-safe with itself.
 * Returns 0, or -errno with a message in err; *ret_kept gets the set kept
 * and *ret_stuck the number of threads that still hold more. */
int sk_privs_drop(uint64_t keep, uint64_t *ret_kept, unsigned *ret_stuck, char *err, size_t errlen);

/* sk_privs_names - "CAP_SYS_PTRACE CAP_DAC_READ_SEARCH" for a set, or
 * "none". */
void sk_privs_names(uint64_t set, char *buf, size_t len);

#endif
