/* Admission to the status socket: which new connection is served.
 *
 * max_clients connections in all; the last slot is kept for uid 0, so the
 * clients of one group's members can never lock root out of `release` or
 * `reload`; and no uid but 0 holds more than per_uid at once. Pure. */
#pragma once

#include <sys/types.h>

enum mt_admit {
	MT_ADMIT_OK,
	MT_ADMIT_FULL,       /* every slot taken (for a non-root peer: all but root's) */
	MT_ADMIT_UID_CAP,    /* this uid already holds per_uid connections */
};

/* clients: connections being served now; same_uid: those of them from uid. */
enum mt_admit mt_admit_client(uid_t uid, unsigned clients, unsigned same_uid, unsigned max_clients,
                              unsigned per_uid);
