/* tests/tools/evtfmt.h - one syscall event record as a line of text, with
 * the parameter names of the syscall event table; used by capdump and the
 * eBPF tests to assert exact values.
 *
 *   openat fd=3 dirfd=-100 name=/etc/hostname flags=O_RDONLY|O_CLOEXEC mode=0 dev=0x803 ino=42
 *
 * Formats: numbers in decimal; `res`-style (SK_PT_ERRNO) values below zero
 * as -2(ENOENT); MODE in octal with a leading 0; DEV, HEX64 and CAPS in
 * hex; flags with their names; strings as they are; string arrays as
 * [a,b,c]; sockaddrs as 127.0.0.1:80, [::1]:80 or unix:/path; tuples as
 * src->dst; a parameter without a value as <NA>; bytes as hex.
 */
#ifndef SK_TESTS_TOOLS_EVTFMT_H
#define SK_TESTS_TOOLS_EVTFMT_H

#include <stddef.h>

#include <shrike/event.h>

/* sk_evtfmt - write `rec` (which passed sk_evt_check()) as text into buf
 * without a newline: the event name, then name=value per parameter. Types
 * that are not syscall events print as `type=N` followed by p0..pN in hex;
 * SK_EVT_DROP as `drop lost=N ring=R`; SK_EVT_STATE as
 * `state plugin=NAME bytes=N`. Returns the length written (cut to
 * fit, always NUL-terminated when len > 0). */
size_t sk_evtfmt(const struct sk_evt_hdr *rec, char *buf, size_t len);

#endif /* SK_TESTS_TOOLS_EVTFMT_H */
