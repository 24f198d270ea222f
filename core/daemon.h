/* core/daemon.h - placeholder */
#ifndef SK_CORE_DAEMON_H
#define SK_CORE_DAEMON_H
#endif
