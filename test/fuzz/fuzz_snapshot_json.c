/* libFuzzer target: the snapshot reader must reject or accept any bytes
 * without crashing, leaking or reading out of bounds; an accepted snapshot
 * must survive selection, both JSON writers and a re-read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decision_json.h"
#include "select.h"
#include "snapshot_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_snapshot s, again;
	struct mt_decision d;
	char err[256];
	json_t *j = NULL;

	if (mt_snapshot_from_json((const char *)data, size, &s, err, sizeof(err)) < 0) {
		if (strlen(err) == 0)
			abort(); /* every rejection says why */
		return 0;
	}
	if (mt_select(&s, NULL, &d) == 0) {
		if (mt_decision_to_json(&s, &d, &j) == 0)
			json_decref(j);
		mt_decision_free(&d);
	}
	if (mt_snapshot_to_json(&s, &j) == 0) {
		char *out = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		if (out && mt_snapshot_from_json(out, strlen(out), &again, err, sizeof(err)) < 0)
			abort(); /* what we write we must read */
		if (out)
			mt_snapshot_free(&again);
		free(out);
	}
	mt_snapshot_free(&s);
	return 0;
}
