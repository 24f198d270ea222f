/* core/lib/timefmt.h - placeholder */
#ifndef SK_CORE_LIB_TIMEFMT_H
#define SK_CORE_LIB_TIMEFMT_H
#endif
