/* core/outq.h - placeholder */
#ifndef SK_CORE_OUTQ_H
#define SK_CORE_OUTQ_H
#endif
