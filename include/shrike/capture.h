/* include/shrike/capture.h - the Shrike capture file format, version 1.0.
 *
 * `shrike --capture FILE` writes one; `shrike -e FILE` replays one. Layout:
 *
 *   struct sk_cap_file_hdr        64 bytes
 *   block, block, ...             each: struct sk_cap_block_hdr + body
 *
 * Block types:
 *   SK_CAP_BLOCK_EVENT  body = one event record (include/shrike/event.h),
 *                       exactly body_len == record len bytes
 *   SK_CAP_BLOCK_END    body = struct sk_cap_end; last block of a file that
 *                       was closed cleanly
 *
 * Every block carries the CRC-32 (zlib's crc32(), ISO-HDLC polynomial) of its
 * body. Integers are in the byte order of the recording host; `byte_order`
 * reads as SK_CAP_BYTE_ORDER on a host of the same order. Readers refuse an
 * unknown major version and skip block types they do not know (minor
 * versions may add block types). A file without an END block was cut short
 * (the recorder was killed): readers replay what is there and warn.
 */
#ifndef SK_SHRIKE_CAPTURE_H
#define SK_SHRIKE_CAPTURE_H

#include <stdint.h>

#define SK_CAP_MAGIC "SHRIKECP" /* 8 bytes, no terminator in the file */
#define SK_CAP_BYTE_ORDER 0x1a2b3c4du
#define SK_CAP_VERSION_MAJOR 1u
#define SK_CAP_VERSION_MINOR 0u

struct sk_cap_file_hdr {
	char magic[8];	     /* SK_CAP_MAGIC */
	uint32_t byte_order; /* SK_CAP_BYTE_ORDER */
	uint16_t version_major;
	uint16_t version_minor;
	uint32_t hdr_len;    /* sizeof(struct sk_cap_file_hdr) = 64; readers skip any extra */
	uint32_t flags;	     /* 0 */
	uint64_t created_ns; /* when recording started, ns since the Unix epoch */
	char hostname[32];   /* recording host, NUL-padded, may be truncated */
};

#define SK_CAP_BLOCK_EVENT 1u
#define SK_CAP_BLOCK_END 2u

struct sk_cap_block_hdr {
	uint32_t type;	   /* SK_CAP_BLOCK_* */
	uint32_t body_len; /* bytes after this header */
	uint32_t crc32;	   /* crc32 of the body */
	uint32_t reserved; /* 0 */
};

struct sk_cap_end {
	uint64_t events; /* number of EVENT blocks in the file */
	uint64_t drops;	 /* events the sources reported lost while recording */
};

#endif /* SK_SHRIKE_CAPTURE_H */
