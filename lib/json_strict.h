/* Strict JSON reading for policy and configuration files, with errors that
 * name file, line, column and the JSON path of the offending value.
 *
 * A reader walks a parsed document with an mt_json_ctx, pushing the object
 * keys and array indexes it descends into; on a fault mt_json_fail() fills
 * the caller's mt_json_error with the path ("$.throttle.floor") and, by
 * re-scanning the original text along that path, the line and column where
 * the value (or, for an unknown key, the key) starts. jansson keeps no
 * positions for values, so this re-scan is how semantic errors get theirs;
 * it is exact because the text already parsed and duplicate keys are
 * rejected. Columns count characters (UTF-8 sequences), as jansson does.
 *
 * Return contract: getters return 1 when the key is present and valid, 0
 * when absent and optional, a negative errno (-EINVAL for a bad value, with
 * the error filled) otherwise. */
#pragma once

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "size.h"

struct mt_json_error {
	char file[256];
	int line;          /* 1-based; 0 when the fault has no position (e.g. a missing directory) */
	int column;        /* 1-based, in characters; 0 with line */
	char path[256];    /* JSON path of the bad value ("$.match.qos"), "" for the whole file */
	char message[512];
};

/* Formats "file:line:column: path: message", leaving out what is unknown. */
int mt_json_error_format(const struct mt_json_error *err, char *buf, size_t size);

/* Fills err with a fault not tied to a JSON value. Returns `r`. */
int mt_json_error_set(struct mt_json_error *err, int r, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define MT_JSON_DEPTH_MAX 16

struct mt_json_ctx {
	const char *text; /* the parsed text, for locating values */
	size_t len;
	const char *file;
	struct mt_json_error *err;
	size_t depth;
	struct {
		const char *key; /* NULL: index */
		size_t index;
	} seg[MT_JSON_DEPTH_MAX];
};

void mt_json_ctx_init(struct mt_json_ctx *ctx, const char *text, size_t len, const char *file,
		      struct mt_json_error *err);

/* Parses ctx->text (bounded by ctx->len) into *ret: valid UTF-8, no NUL,
 * duplicate keys rejected, a top-level object required. */
int mt_json_parse(struct mt_json_ctx *ctx, json_t **ret);

void mt_json_push_key(struct mt_json_ctx *ctx, const char *key);
void mt_json_push_index(struct mt_json_ctx *ctx, size_t index);
void mt_json_pop(struct mt_json_ctx *ctx);

/* Records a fault at the current path. Returns -EINVAL. */
int mt_json_fail(struct mt_json_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int mt_json_failv(struct mt_json_ctx *ctx, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Rejects any key of obj not in the NULL-terminated `allowed` list, pointing
 * at the key itself. */
int mt_json_check_keys(struct mt_json_ctx *ctx, json_t *obj, const char *const *allowed);

/* Typed members of obj. *ret untouched when absent. */
int mt_json_get_object(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, json_t **ret);
int mt_json_get_string(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, const char **ret);
int mt_json_get_bool(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, bool *ret);
int mt_json_get_int(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, int64_t min,
		    int64_t max, int64_t *ret);
int mt_json_get_number(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, double min,
		       double max, double *ret);
/* A size: a JSON integer (bytes) or a string per size.h. */
int mt_json_get_size(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, bool allow_percent,
		     struct mt_size *ret);

/* Whether buf[0..len) is well-formed UTF-8 (no overlongs, no surrogates);
 * on failure *ret_offset is the first bad byte. */
bool mt_utf8_valid(const char *buf, size_t len, size_t *ret_offset);
