/* core/lib/utf8.h - UTF-8 checks and repairs for text that came from the
 * kernel or the network: where a sequence is invalid, how long the broken
 * piece is (Unicode's "maximal subpart", so one U+FFFD replaces it, as
 * libsinsp and Falco do), a copy with U+FFFD in place of each broken piece,
 * and a copy escaped as the inside of a JSON string (Falco's text output).
 */
#ifndef SK_CORE_LIB_UTF8_H
#define SK_CORE_LIB_UTF8_H

#include <stddef.h>

/* sk_utf8_seq - the sequence at `p` (n > 0 bytes left): its length (1-4)
 * when it is valid UTF-8, else minus the number of bytes one replacement
 * character stands for (1-3). */
int sk_utf8_seq(const unsigned char *p, size_t n);

/* sk_utf8_ascii_prefix - how many leading bytes of s are ASCII (n when all
 * are); eight bytes at a time. */
size_t sk_utf8_ascii_prefix(const char *s, size_t n);

/* sk_utf8_valid_prefix - how many leading bytes of s are valid UTF-8 (n when
 * all are). */
size_t sk_utf8_valid_prefix(const char *s, size_t n);

/* sk_utf8_sanitize - write s with every invalid piece replaced by U+FFFD
 * (EF BF BD) into out, which holds at least 3 * n bytes; returns the
 * length written (no terminator). */
size_t sk_utf8_sanitize(const char *s, size_t n, char *out);

/* sk_utf8_json_escape - write s as the inside of a JSON string (no quotes):
 * '"' and '\' escaped, control characters as \b \f \n \r \t or \u00XX,
 * invalid pieces as U+FFFD, other characters as they are. `out` holds at
 * least 6 * n + 1 bytes; returns the length written, NUL-terminated. */
size_t sk_utf8_json_escape(const char *s, size_t n, char *out);

/* sk_utf8_json_string - append s to b as a JSON string, quotes included
 * (escaped as sk_utf8_json_escape does). */
struct sk_sbuf;
void sk_utf8_json_string(struct sk_sbuf *b, const char *s);

#endif
