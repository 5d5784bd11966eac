/* A decision and its explanation as JSON ("memtriage-decision", version 1;
 * documented in doc/snapshot-format.md): what `memtriage simulate -o json`
 * prints and `memtriage explain` will. */
#pragma once

#include <jansson.h>

#include "select.h"

#define MT_DECISION_FORMAT "memtriage-decision"
#define MT_DECISION_VERSION 1

/* d must come from mt_select(s, ...). Returns 0 and a new reference in
 * *ret, or -ENOMEM. */
/* The names of the MT_INELIG_* bits set in `bits`, lowest bit first, as a
 * new JSON array; NULL when out of memory. */
json_t *mt_inelig_to_json(uint32_t bits);

int mt_decision_to_json(const struct mt_snapshot *s, const struct mt_decision *d, json_t **ret);
