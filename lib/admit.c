#include "admit.h"

enum mt_admit mt_admit_client(uid_t uid, unsigned clients, unsigned same_uid, unsigned max_clients,
                              unsigned per_uid)
{
	if (uid == 0)
		return clients < max_clients ? MT_ADMIT_OK : MT_ADMIT_FULL;
	/* with a single slot there is nothing to keep back */
	unsigned open = max_clients > 1 ? max_clients - 1 : max_clients;
	if (clients >= open)
		return MT_ADMIT_FULL;
	return same_uid < per_uid ? MT_ADMIT_OK : MT_ADMIT_UID_CAP;
}
