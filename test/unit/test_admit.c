/* Socket admission: the last slot is root's, a uid's cap, root uncapped. */
#include "admit.h"
#include "check.h"

int main(void)
{
	/* 16 slots, 4 per uid */
	CHECK_INT(mt_admit_client(1000, 0, 0, 16, 4), MT_ADMIT_OK);
	CHECK_INT(mt_admit_client(1000, 3, 3, 16, 4), MT_ADMIT_OK);
	CHECK_INT(mt_admit_client(1000, 4, 4, 16, 4), MT_ADMIT_UID_CAP);
	CHECK_INT(mt_admit_client(1001, 14, 0, 16, 4), MT_ADMIT_OK);
	CHECK_INT(mt_admit_client(1001, 15, 0, 16, 4), MT_ADMIT_FULL);   /* the 16th is root's */
	CHECK_INT(mt_admit_client(0, 15, 0, 16, 4), MT_ADMIT_OK);
	CHECK_INT(mt_admit_client(0, 15, 15, 16, 4), MT_ADMIT_OK);       /* no cap for root */
	CHECK_INT(mt_admit_client(0, 16, 16, 16, 4), MT_ADMIT_FULL);
	/* one slot: nothing to keep back */
	CHECK_INT(mt_admit_client(1000, 0, 0, 1, 4), MT_ADMIT_OK);
	CHECK_INT(mt_admit_client(1000, 1, 0, 1, 4), MT_ADMIT_FULL);
	return mt_check_status();
}
