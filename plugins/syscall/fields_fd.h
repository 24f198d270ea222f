/* plugins/syscall/fields_fd.h - the second part of the syscall plugin's
 * field table (fields_fd.c): fd.* fields beyond the basic ones (fd.uid,
 * fd.container*, the fd.*proto service names, the overlayfs layer flags),
 * proc.is_exe_lower_layer, fdlist.* (poll's descriptors) and fs.path.*.
 * fields.c appends SYS_FD_FIELDS to fields.h's list and hands these ids,
 * counted from the first of them, to sys_fdx_extract(). */
#ifndef SK_PLUGINS_SYSCALL_FIELDS_FD_H
#define SK_PLUGINS_SYSCALL_FIELDS_FD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscall.h"

/* X(id, name, type, flags, description), as SYS_FIELDS in fields.h. */
/* clang-format off */
#define SYS_FD_FIELDS(X) \
	X(FD_UID, "fd.uid", STRING, 0, "identifier of the fd unique on the host: the thread id followed by the fd number, as digits (tid 1234 and fd 5 give 12345)") \
	X(FD_CONTAINERNAME, "fd.containername", STRING, 0, "the container id (12 digits; empty on the host), ':' and fd.name: tells which container a file or connection belongs to") \
	X(FD_CONTAINERDIRECTORY, "fd.containerdirectory", STRING, 0, "the container id (12 digits; empty on the host), ':' and fd.directory") \
	X(FD_PROTO, "fd.proto", PORT, SK_FIELD_LIST, "(for conditions) matches the client or the server port of a TCP/UDP fd, as fd.port does") \
	X(FD_CPROTO, "fd.cproto", STRING, 0, "service name of the client port of a TCP/UDP fd, from /etc/services for the fd's protocol (e.g. 'ssh'); the port number when none is listed") \
	X(FD_SPROTO, "fd.sproto", STRING, 0, "service name of the server port of a TCP/UDP fd (e.g. 'http' for 80/tcp), from /etc/services; the port number when none is listed") \
	X(FD_LPROTO, "fd.lproto", STRING, 0, "service name of the local port of a TCP/UDP fd, from /etc/services; the port number when none is listed") \
	X(FD_RPROTO, "fd.rproto", STRING, 0, "service name of the remote port of a TCP/UDP fd, from /etc/services; the port number when none is listed") \
	X(FD_IS_UPPER_LAYER, "fd.is_upper_layer", BOOL, 0, "true when the fd's file was opened in the upper (writable) layer of an overlayfs: created or modified in a container after it started") \
	X(FD_IS_LOWER_LAYER, "fd.is_lower_layer", BOOL, 0, "true when the fd's file was opened in a lower (read-only) layer of an overlayfs, e.g. a file of a container image") \
	X(PROC_IS_EXE_LOWER_LAYER, "proc.is_exe_lower_layer", BOOL, 0, "true when the executable lies in a lower (read-only) layer of an overlayfs, e.g. a program of the container image") \
	X(FDLIST_NUMS, "fdlist.nums", STRING, 0, "poll and ppoll: the fd numbers of the 'fds' argument, comma-separated (the first 16 the eBPF source records)") \
	X(FDLIST_NAMES, "fdlist.names", STRING, 0, "poll and ppoll: the names (fd.name) of the fds in the 'fds' argument, comma-separated; <NA> for an fd without one") \
	X(FDLIST_CIPS, "fdlist.cips", STRING, 0, "poll and ppoll: the client IP addresses of the TCP/UDP fds in the 'fds' argument, comma-separated") \
	X(FDLIST_SIPS, "fdlist.sips", STRING, 0, "poll and ppoll: the server IP addresses of the TCP/UDP fds in the 'fds' argument (listening sockets included), comma-separated") \
	X(FDLIST_CPORTS, "fdlist.cports", STRING, 0, "poll and ppoll: the client ports of the TCP/UDP fds in the 'fds' argument, comma-separated") \
	X(FDLIST_SPORTS, "fdlist.sports", STRING, 0, "poll and ppoll: the server ports of the connected TCP/UDP fds in the 'fds' argument, comma-separated") \
	X(FS_PATH_NAME, "fs.path.name", STRING, 0, "the path a successful filesystem call works on (mkdir, rmdir, unlink, open, chmod, chown, umount ... and their *at forms), made absolute against the cwd or the dirfd") \
	X(FS_PATH_NAMERAW, "fs.path.nameraw", STRING, 0, "the path of fs.path.name as the process passed it") \
	X(FS_PATH_SOURCE, "fs.path.source", STRING, 0, "the source path of a successful rename, link, symlink or mount: the old name of a rename, the new link of link and symlink, the device of mount; made absolute") \
	X(FS_PATH_SOURCERAW, "fs.path.sourceraw", STRING, 0, "the path of fs.path.source as the process passed it") \
	X(FS_PATH_TARGET, "fs.path.target", STRING, 0, "the target path of a successful rename, link, symlink or mount: the new name of a rename, the existing file of link, the target of symlink, the mount point; made absolute") \
	X(FS_PATH_TARGETRAW, "fs.path.targetraw", STRING, 0, "the path of fs.path.target as the process passed it")
/* clang-format on */

enum sys_fdx_id {
#define X(id, name, type, flags, desc) FX_##id,
	SYS_FD_FIELDS(X)
#undef X
	    FX_COUNT
};

/* sys_fdx_extract - extract field `id` (an FX_* value) of the current
 * event, parsed already (in->ev). */
int sys_fdx_extract(struct sys_inst *in, unsigned id, const struct sk_field_req *req,
		    struct sk_value *v);

/* sys_services_name - the /etc/services name of `port` for the protocol
 * `proto` ("tcp", "udp"), read once from `path` (NULL: /etc/services, under
 * $HOST_ROOT when set); NULL when the file does not list it. Exposed for
 * the unit test. */
const char *sys_services_name(const char *path, uint16_t port, const char *proto);

/* ---- helpers fields_fdcore.c shares with fields_fd.c (and, in
 * syscall.h, fields.c with all field files: sys_scratch, sys_ret_str,
 * sys_ret_bool ...) ---- */

/* fd.directory of the event's fd into v (may point into the scratch) */
int sys_fd_directory(struct sys_inst *in, struct sk_value *v);

#endif /* SK_PLUGINS_SYSCALL_FIELDS_FD_H */
