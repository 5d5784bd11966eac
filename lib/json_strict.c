#include "json_strict.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int mt_json_error_format(const struct mt_json_error *err, char *buf, size_t size)
{
	int n;
	if (err->line > 0)
		n = snprintf(buf, size, "%s:%d:%d: %s%s%s", err->file, err->line, err->column, err->path,
			     err->path[0] ? ": " : "", err->message);
	else
		n = snprintf(buf, size, "%s: %s%s%s", err->file, err->path, err->path[0] ? ": " : "", err->message);
	return n < 0 ? -EINVAL : n;
}

int mt_json_error_set(struct mt_json_error *err, int r, const char *file, const char *fmt, ...)
{
	va_list ap;
	*err = (struct mt_json_error){ 0 };
	snprintf(err->file, sizeof(err->file), "%s", file);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return r;
}

void mt_json_ctx_init(struct mt_json_ctx *ctx, const char *text, size_t len, const char *file,
		      struct mt_json_error *err)
{
	*ctx = (struct mt_json_ctx){ .text = text, .len = len, .file = file, .err = err };
}

bool mt_utf8_valid(const char *buf, size_t len, size_t *ret_offset)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], need;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			need = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3, cp = c & 0x07, min = 0x10000;
		} else
			goto bad;
		if (len - i <= need)
			goto bad;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		i += need + 1;
	}
	return true;
bad:
	if (ret_offset)
		*ret_offset = i;
	return false;
}

/* ---- locating a path in the text ---- */

struct scan {
	const char *p, *end;
};

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* Skips a string starting at '"'; if out is given, decodes it into out
 * (size outsz, truncated). Returns false on malformed text. */
static bool scan_string(struct scan *s, char *out, size_t outsz)
{
	size_t o = 0;
	if (s->p >= s->end || *s->p != '"')
		return false;
	s->p++;
	while (s->p < s->end && *s->p != '"') {
		char c = *s->p++;
		if (c == '\\') {
			if (s->p >= s->end)
				return false;
			char e = *s->p++;
			uint32_t cp = 0;
			switch (e) {
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				if (s->end - s->p < 4)
					return false;
				for (int k = 0; k < 4; k++) {
					char h = *s->p++;
					cp = cp * 16 + (uint32_t)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
				}
				/* Only ASCII escapes decode exactly; anything else still
				 * compares unequal to ASCII key names, which is all we need. */
				c = cp < 0x80 ? (char)cp : '\x7f';
				break;
			default: c = e; break;
			}
		}
		if (out && o + 1 < outsz)
			out[o++] = c;
	}
	if (s->p >= s->end)
		return false;
	s->p++;
	if (out)
		out[o] = '\0';
	return true;
}

static bool scan_value(struct scan *s)
{
	skip_ws(s);
	if (s->p >= s->end)
		return false;
	if (*s->p == '"')
		return scan_string(s, NULL, 0);
	if (*s->p == '{' || *s->p == '[') {
		char close = *s->p == '{' ? '}' : ']';
		s->p++;
		skip_ws(s);
		if (s->p < s->end && *s->p == close) {
			s->p++;
			return true;
		}
		for (;;) {
			if (close == '}') {
				skip_ws(s);
				if (!scan_string(s, NULL, 0))
					return false;
				skip_ws(s);
				if (s->p >= s->end || *s->p++ != ':')
					return false;
			}
			if (!scan_value(s))
				return false;
			skip_ws(s);
			if (s->p >= s->end)
				return false;
			if (*s->p == ',') {
				s->p++;
				continue;
			}
			if (*s->p++ == close)
				return true;
			return false;
		}
	}
	while (s->p < s->end && !strchr(",}] \t\r\n", *s->p))
		s->p++;
	return true;
}

/* Position of the value at ctx's path (or of the last key when at_key). */
static const char *locate(const struct mt_json_ctx *ctx, bool at_key)
{
	struct scan s = { ctx->text, ctx->text + ctx->len };
	char key[256];

	skip_ws(&s);
	for (size_t d = 0; d < ctx->depth; d++) {
		skip_ws(&s);
		if (s.p >= s.end)
			return NULL;
		if (ctx->seg[d].key) {
			if (*s.p++ != '{')
				return NULL;
			for (;;) {
				skip_ws(&s);
				const char *kpos = s.p;
				if (!scan_string(&s, key, sizeof(key)))
					return NULL;
				skip_ws(&s);
				if (s.p >= s.end || *s.p++ != ':')
					return NULL;
				if (strcmp(key, ctx->seg[d].key) == 0) {
					if (at_key && d + 1 == ctx->depth)
						return kpos;
					break;
				}
				if (!scan_value(&s))
					return NULL;
				skip_ws(&s);
				if (s.p >= s.end || *s.p++ != ',')
					return NULL;
			}
		} else {
			if (*s.p++ != '[')
				return NULL;
			for (size_t i = 0; i < ctx->seg[d].index; i++) {
				if (!scan_value(&s))
					return NULL;
				skip_ws(&s);
				if (s.p >= s.end || *s.p++ != ',')
					return NULL;
			}
		}
	}
	skip_ws(&s);
	return s.p < s.end ? s.p : NULL;
}

static void position(const char *text, const char *at, int *line, int *column)
{
	*line = 1;
	*column = 1;
	for (const char *p = text; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			*column = 1;
		} else if ((*p & 0xc0) != 0x80)
			(*column)++;
	}
}

static void format_path(const struct mt_json_ctx *ctx, char *buf, size_t size)
{
	size_t o = (size_t)snprintf(buf, size, "$");
	for (size_t d = 0; d < ctx->depth && o < size; d++) {
		int n;
		if (ctx->seg[d].key)
			n = snprintf(buf + o, size - o, ".%s", ctx->seg[d].key);
		else
			n = snprintf(buf + o, size - o, "[%zu]", ctx->seg[d].index);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

static int vfail(struct mt_json_ctx *ctx, bool at_key, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static int vfail(struct mt_json_ctx *ctx, bool at_key, const char *fmt, va_list ap)
{
	struct mt_json_error *err = ctx->err;
	*err = (struct mt_json_error){ 0 };
	snprintf(err->file, sizeof(err->file), "%s", ctx->file);
	format_path(ctx, err->path, sizeof(err->path));
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	const char *at = locate(ctx, at_key);
	if (at)
		position(ctx->text, at, &err->line, &err->column);
	return -EINVAL;
}

int mt_json_failv(struct mt_json_ctx *ctx, const char *fmt, va_list ap)
{
	return vfail(ctx, false, fmt, ap);
}

int mt_json_fail(struct mt_json_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfail(ctx, false, fmt, ap);
	va_end(ap);
	return r;
}

static int fail_at_key(struct mt_json_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_at_key(struct mt_json_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vfail(ctx, true, fmt, ap);
	va_end(ap);
	return r;
}

void mt_json_push_key(struct mt_json_ctx *ctx, const char *key)
{
	if (ctx->depth < MT_JSON_DEPTH_MAX)
		ctx->seg[ctx->depth] = (typeof(ctx->seg[0])){ .key = key };
	ctx->depth++;
}

void mt_json_push_index(struct mt_json_ctx *ctx, size_t index)
{
	if (ctx->depth < MT_JSON_DEPTH_MAX)
		ctx->seg[ctx->depth] = (typeof(ctx->seg[0])){ .index = index };
	ctx->depth++;
}

void mt_json_pop(struct mt_json_ctx *ctx)
{
	if (ctx->depth)
		ctx->depth--;
}

int mt_json_parse(struct mt_json_ctx *ctx, json_t **ret)
{
	json_error_t jerr;
	size_t bad;

	if (ctx->len == 0)
		return mt_json_error_set(ctx->err, -EINVAL, ctx->file, "empty file");
	if (memchr(ctx->text, '\0', ctx->len))
		return mt_json_error_set(ctx->err, -EINVAL, ctx->file, "contains a NUL byte");
	if (!mt_utf8_valid(ctx->text, ctx->len, &bad)) {
		int r = mt_json_error_set(ctx->err, -EINVAL, ctx->file, "not valid UTF-8 (byte offset %zu)", bad);
		position(ctx->text, ctx->text + bad, &ctx->err->line, &ctx->err->column);
		return r;
	}
	json_t *root = json_loadb(ctx->text, ctx->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		int r = mt_json_error_set(ctx->err, -EINVAL, ctx->file, "%s", jerr.text);
		ctx->err->line = jerr.line > 0 ? jerr.line : 0;
		ctx->err->column = jerr.line > 0 ? jerr.column : 0;
		return r;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return mt_json_fail(ctx, "expected an object at the top level");
	}
	*ret = root;
	return 0;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

int mt_json_check_keys(struct mt_json_ctx *ctx, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		bool ok = false;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(key, *a) == 0)
				ok = true;
		if (!ok) {
			mt_json_push_key(ctx, key);
			int r = fail_at_key(ctx, "unknown key \"%s\"", key);
			mt_json_pop(ctx);
			return r;
		}
	}
	return 0;
}

/* Fetches a member; on absence fails if required. */
static int member(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, json_t **ret)
{
	json_t *v = json_object_get(obj, key);
	if (!v) {
		if (!required)
			return 0;
		return mt_json_fail(ctx, "missing required key \"%s\"", key);
	}
	*ret = v;
	return 1;
}

static int wrong_type(struct mt_json_ctx *ctx, const char *key, json_t *v, const char *want)
{
	mt_json_push_key(ctx, key);
	int r = mt_json_fail(ctx, "expected %s, got %s", want, type_name(v));
	mt_json_pop(ctx);
	return r;
}

int mt_json_get_object(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, json_t **ret)
{
	json_t *v = NULL;
	int r = member(ctx, obj, key, required, &v);
	if (r <= 0)
		return r;
	if (!json_is_object(v))
		return wrong_type(ctx, key, v, "an object");
	*ret = v;
	return 1;
}

int mt_json_get_string(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, const char **ret)
{
	json_t *v = NULL;
	int r = member(ctx, obj, key, required, &v);
	if (r <= 0)
		return r;
	if (!json_is_string(v))
		return wrong_type(ctx, key, v, "a string");
	*ret = json_string_value(v);
	return 1;
}

int mt_json_get_bool(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, bool *ret)
{
	json_t *v = NULL;
	int r = member(ctx, obj, key, required, &v);
	if (r <= 0)
		return r;
	if (!json_is_boolean(v))
		return wrong_type(ctx, key, v, "a boolean");
	*ret = json_is_true(v);
	return 1;
}

int mt_json_get_int(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, int64_t min,
		    int64_t max, int64_t *ret)
{
	json_t *v = NULL;
	int r = member(ctx, obj, key, required, &v);
	if (r <= 0)
		return r;
	if (!json_is_integer(v))
		return wrong_type(ctx, key, v, "an integer");
	json_int_t i = json_integer_value(v);
	if (i < min || i > max) {
		mt_json_push_key(ctx, key);
		r = mt_json_fail(ctx, "%" JSON_INTEGER_FORMAT " is out of range %" PRId64 "..%" PRId64, i, min, max);
		mt_json_pop(ctx);
		return r;
	}
	*ret = i;
	return 1;
}

int mt_json_get_number(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, double min,
		       double max, double *ret)
{
	json_t *v = NULL;
	int r = member(ctx, obj, key, required, &v);
	if (r <= 0)
		return r;
	if (!json_is_number(v))
		return wrong_type(ctx, key, v, "a number");
	double d = json_number_value(v);
	if (!isfinite(d) || d < min || d > max) {
		mt_json_push_key(ctx, key);
		r = mt_json_fail(ctx, "%g is out of range %g..%g", d, min, max);
		mt_json_pop(ctx);
		return r;
	}
	*ret = d;
	return 1;
}

int mt_json_get_size(struct mt_json_ctx *ctx, json_t *obj, const char *key, bool required, bool allow_percent,
		     struct mt_size *ret)
{
	json_t *v = NULL;
	int r = member(ctx, obj, key, required, &v);
	if (r <= 0)
		return r;
	const char *want = allow_percent ? "a size (bytes, \"512Mi\", \"2G\") or a percentage (\"25%\")"
					 : "a size (bytes, \"512Mi\", \"2G\")";
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0) {
			mt_json_push_key(ctx, key);
			r = mt_json_fail(ctx, "negative size %" JSON_INTEGER_FORMAT, json_integer_value(v));
			mt_json_pop(ctx);
			return r;
		}
		*ret = (struct mt_size){ .bytes = (uint64_t)json_integer_value(v) };
		return 1;
	}
	if (!json_is_string(v))
		return wrong_type(ctx, key, v, want);
	const char *s = json_string_value(v);
	r = mt_size_parse(s, allow_percent, ret);
	if (r < 0) {
		mt_json_push_key(ctx, key);
		if (r == -ERANGE)
			r = mt_json_fail(ctx, "\"%s\" is out of range (%s)", s,
					 strchr(s, '%') ? "a percentage is 0..100" : "at most 2^64-1 bytes");
		else
			r = mt_json_fail(ctx, "\"%s\" is not %s", s, want);
		mt_json_pop(ctx);
		return r;
	}
	return 1;
}
