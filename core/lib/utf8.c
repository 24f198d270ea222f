/* core/lib/utf8.c - UTF-8 validation, U+FFFD repair and JSON escaping: see
 * utf8.h. The byte ranges are those of the Unicode standard's table of
 * well-formed sequences (no overlong forms, no surrogates, nothing above
 * U+10FFFF). */
#include "utf8.h"

#include "common/sbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int sk_utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	if (c < 0x80) {
		return 1;
	}
	int len;
	unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else {
		return -1; /* a continuation byte or a lead that never starts one */
	}
	/* the broken piece ends at the first byte out of its range */
	for (int i = 1; i < len; i++) {
		unsigned char min = i == 1 ? lo : 0x80, max = i == 1 ? hi : 0xbf;
		if ((size_t)i >= n || p[i] < min || p[i] > max) {
			return -i;
		}
	}
	return len;
}

size_t sk_utf8_ascii_prefix(const char *s, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ull) {
			break;
		}
	}
	while (i < n && !((unsigned char)s[i] & 0x80)) {
		i++;
	}
	return i;
}

size_t sk_utf8_valid_prefix(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		int l = sk_utf8_seq(u + i, n - i);
		if (l < 0) {
			return i;
		}
		i += (size_t)l;
	}
	return n;
}

size_t sk_utf8_sanitize(const char *s, size_t n, char *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		int l = sk_utf8_seq(u + i, n - i);
		if (l < 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i += (size_t)-l;
			continue;
		}
		memcpy(out + o, s + i, (size_t)l);
		o += (size_t)l;
		i += (size_t)l;
	}
	return o;
}

size_t sk_utf8_json_escape(const char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		if (c >= 0x80) {
			int l = sk_utf8_seq(u + i, n - i);
			if (l < 0) {
				memcpy(out + o, "\xef\xbf\xbd", 3);
				o += 3;
				i += (size_t)-l;
			} else {
				memcpy(out + o, s + i, (size_t)l);
				o += (size_t)l;
				i += (size_t)l;
			}
			continue;
		}
		i++;
		const char *esc = NULL;
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			break;
		}
		if (esc) {
			out[o++] = esc[0];
			out[o++] = esc[1];
		} else if (c < 0x20) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

void sk_utf8_json_string(struct sk_sbuf *b, const char *s)
{
	size_t n = strlen(s);
	char stack[256];
	char *buf = 6 * n + 1 <= sizeof(stack) ? stack : malloc(6 * n + 1);
	if (buf == NULL) {
		b->oom = true;
		return;
	}
	sk_sbuf_adds(b, "\"");
	sk_sbuf_add(b, buf, sk_utf8_json_escape(s, n, buf));
	sk_sbuf_adds(b, "\"");
	if (buf != stack) {
		free(buf);
	}
}
