/* plugins/syscall/snapshot.h - the syscall state saved in capture files and
 * restored from them (snapshot.c). */
#ifndef SK_PLUGINS_SYSCALL_SNAPSHOT_H
#define SK_PLUGINS_SYSCALL_SNAPSHOT_H

#include "syscall.h"

/* sys_snap_init - after the state is set up: save what the state learns
 * from outside the events while a capture is being written. */
void sys_snap_init(struct sys_inst *in);

/* sys_snap_save_all - the plugin's snapshot(): the whole state through
 * api->save_state(). SK_OK (also when no capture is on) or SK_ERR. */
int sys_snap_save_all(void *inst);

/* sys_snap_load - an SK_EVT_STATE record of this plugin (a replay): the
 * first one replaces the state with the capture's and takes it offline.
 * Bad records are skipped with one warning. */
void sys_snap_load(struct sys_inst *in, const struct sk_event *ev);

/* sys_snap_after_event - apply the records that belong after the parsing
 * of the event that followed them. Call after every parsed event. */
void sys_snap_after_event(struct sys_inst *in);

/* sys_snap_fini - free what the capture support holds. */
void sys_snap_fini(struct sys_inst *in);

#endif /* SK_PLUGINS_SYSCALL_SNAPSHOT_H */
