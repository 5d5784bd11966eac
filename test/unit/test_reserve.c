/* The reserve's split and its refusal of a reserve that leaves nothing. */
#include <errno.h>

#include "check.h"
#include "reserve.h"

#define MiB (UINT64_C(1) << 20)

int main(void)
{
	uint64_t ram, swap;
	struct mt_size bytes = { .bytes = 64 * MiB }, pct = { .percent = true, .basis_points = 500 };
	/* bytes: shared by size, 512 MiB RAM + 512 MiB swap */
	CHECK_INT(mt_reserve_split(&bytes, 512 * MiB, 512 * MiB, &ram, &swap), 0);
	CHECK_U64(ram, 32 * MiB);
	CHECK_U64(swap, 32 * MiB);
	/* no swap: all of it on RAM; swap enabled later takes its share */
	CHECK_INT(mt_reserve_split(&bytes, 512 * MiB, 0, &ram, &swap), 0);
	CHECK_U64(ram, 64 * MiB);
	CHECK_U64(swap, 0);
	CHECK_INT(mt_reserve_split(&bytes, 512 * MiB, 1536 * MiB, &ram, &swap), 0);
	CHECK_U64(ram, 16 * MiB);
	CHECK_U64(swap, 48 * MiB);
	/* percent: of each */
	CHECK_INT(mt_reserve_split(&pct, 1000 * MiB, 200 * MiB, &ram, &swap), 0);
	CHECK_U64(ram, 50 * MiB);
	CHECK_U64(swap, 10 * MiB);
	/* a reserve above MemTotal (no swap), or all of RAM */
	struct mt_size big = { .bytes = 600 * MiB }, all = { .percent = true, .basis_points = 10000 };
	CHECK_INT(mt_reserve_split(&big, 512 * MiB, 0, &ram, &swap), -ERANGE);
	CHECK_U64(ram, 600 * MiB);
	CHECK_INT(mt_reserve_split(&all, 512 * MiB, 0, &ram, &swap), -ERANGE);
	/* ... fine once swap shares it */
	CHECK_INT(mt_reserve_split(&big, 512 * MiB, 512 * MiB, &ram, &swap), 0);
	CHECK_U64(ram, 300 * MiB);
	/* nothing at all */
	CHECK_INT(mt_reserve_split(&bytes, 0, 0, &ram, &swap), -ERANGE);
	return mt_check_status();
}
