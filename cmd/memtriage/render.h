/* Human renderings shared by the verbs and `memtriage top`. Each prints one
 * result object (doc/protocol.md, "Results") to f and returns 0 or -EIO;
 * members the daemon did not send print as "-". */
#pragma once

#include <stdio.h>

#include <jansson.h>

#include "client.h"

int mt_render_status(const struct mt_cli *cli, json_t *status, FILE *f);

/* At most max_rows candidates (0 = all). */
int mt_render_candidates(const struct mt_cli *cli, json_t *result, FILE *f, size_t max_rows);

/* The end of every query verb once its arguments are parsed: sends req,
 * prints the result as JSON (-o json) or through `render`, flushes stdout.
 * Returns the verb's exit status. */
int mt_cli_query_render(struct mt_cli *cli, const struct mt_proto_request *req,
                        int (*render)(const struct mt_cli *cli, json_t *result, FILE *f));

/* Runs a query verb that takes no arguments: parse the shared options,
 * call, and print with `render` (or as JSON with -o json). */
int mt_verb_query(int argc, char **argv, enum mt_proto_cmd cmd, const char *description,
                  int (*render)(const struct mt_cli *cli, json_t *result, FILE *f));
