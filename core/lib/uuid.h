/* core/lib/uuid.h - placeholder */
#ifndef SK_CORE_LIB_UUID_H
#define SK_CORE_LIB_UUID_H
#endif
