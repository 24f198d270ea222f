/* core/lib/tbucket.h - the token bucket moved to common/tbucket.h; this
 * forwarding header stays until every includer names the new path. */
#include "common/tbucket.h"
