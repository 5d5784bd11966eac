/* A decision and its explanation as JSON ("memtriage-decision", version 2;
 * documented in doc/snapshot-format.md): what `memtriage simulate -o json`
 * prints and `memtriage explain` shows as a record's explanation. */
#pragma once

#include <jansson.h>

#include "select.h"

#define MT_DECISION_FORMAT "memtriage-decision"
#define MT_DECISION_VERSION 2

/* The names of the MT_INELIG_* bits set in `bits`, lowest bit first, as a
 * new JSON array; NULL when out of memory. */
json_t *mt_inelig_to_json(uint32_t bits);

/* d must come from mt_select(s, ...). Returns 0 and a new reference in
 * *ret, or -ENOMEM. */
int mt_decision_to_json(const struct mt_snapshot *s, const struct mt_decision *d, json_t **ret);
