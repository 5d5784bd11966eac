/* Groups whose inotify watch could not be added (watch_add.h: marked
 * unwatched) get it tried again on the node timer until it is in place;
 * then the group is rescanned (watch.h) for what was created meanwhile. */
#pragma once

#include "daemon.h"

/* On the node timer: at most once per WATCH_RETRY_INTERVAL_MS, and only
 * while some group is unwatched, tries their watches again and rescans each
 * group whose watch is now in place. Queues what the rescans find and kicks. */
void watch_retry(struct daemon *d);
