#include "holds.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

/* Values above 2^62 other than "max" are not memory sizes. */
#define HOLD_VALUE_MAX (UINT64_C(1) << 62)

static int fail(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && size)
		vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool keys_only(json_t *o, const char *const *allowed, const char **ret_bad)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		bool known = false;
		for (size_t i = 0; allowed[i]; i++)
			known |= strcmp(key, allowed[i]) == 0;
		if (!known) {
			*ret_bad = key;
			return false;
		}
	}
	return true;
}

/* "max" (when allowed) or an integer in [0, HOLD_VALUE_MAX]. */
static bool get_value(json_t *v, bool max_ok, uint64_t *ret)
{
	if (max_ok && json_is_string(v) && strcmp(json_string_value(v), "max") == 0) {
		*ret = UINT64_MAX;
		return true;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > HOLD_VALUE_MAX)
		return false;
	*ret = (uint64_t)json_integer_value(v);
	return true;
}

static bool path_ok(const char *p)
{
	size_t n = strlen(p);
	return n > 0 && p[0] != '/' && p[n - 1] != '/' && !strstr(p, "//") && strcmp(p, "..") != 0 &&
	       strncmp(p, "../", 3) != 0 && !strstr(p, "/../") && (n < 3 || strcmp(p + n - 3, "/..") != 0) &&
	       strcmp(p, ".") != 0 && strncmp(p, "./", 2) != 0 && !strstr(p, "/./") &&
	       (n < 2 || strcmp(p + n - 2, "/.") != 0);
}

static int parse_hold(json_t *o, size_t i, struct mt_holds *h, char *err, size_t errsize)
{
	static const char *const keys[] = { "path", "saved_high", "held_high", "saved_swap_high", "held_swap_high",
		                            NULL };
	const char *bad;
	if (!json_is_object(o))
		return fail(err, errsize, "$.holds[%zu]: expected an object", i);
	if (!keys_only(o, keys, &bad))
		return fail(err, errsize, "$.holds[%zu].%s: unknown key", i, bad);
	for (size_t k = 0; keys[k]; k++)
		if (!json_object_get(o, keys[k]))
			return fail(err, errsize, "$.holds[%zu].%s: missing", i, keys[k]);
	json_t *p = json_object_get(o, "path");
	if (!json_is_string(p) || !path_ok(json_string_value(p)) || strlen(json_string_value(p)) != json_string_length(p))
		return fail(err, errsize, "$.holds[%zu].path: expected a relative cgroup path without \"..\", \".\" or \"//\"", i);
	struct mt_hold x = { .path = (char *)json_string_value(p) };
	if (mt_holds_find(h, x.path))
		return fail(err, errsize, "$.holds[%zu].path: \"%s\" held twice", i, x.path);
	if (!get_value(json_object_get(o, "saved_high"), true, &x.saved_high))
		return fail(err, errsize, "$.holds[%zu].saved_high: expected \"max\" or bytes", i);
	if (!get_value(json_object_get(o, "held_high"), false, &x.held_high))
		return fail(err, errsize, "$.holds[%zu].held_high: expected bytes", i);
	json_t *ss = json_object_get(o, "saved_swap_high"), *hs = json_object_get(o, "held_swap_high");
	if (json_is_null(ss) != json_is_null(hs))
		return fail(err, errsize, "$.holds[%zu]: saved_swap_high and held_swap_high: both null or neither", i);
	x.swap_held = !json_is_null(ss);
	if (x.swap_held && !get_value(ss, true, &x.saved_swap_high))
		return fail(err, errsize, "$.holds[%zu].saved_swap_high: expected null, \"max\" or bytes", i);
	if (x.swap_held && !get_value(hs, false, &x.held_swap_high))
		return fail(err, errsize, "$.holds[%zu].held_swap_high: expected null or bytes", i);
	int r = mt_holds_set(h, &x);
	return r < 0 ? r : 0;
}

int mt_holds_parse(const char *text, size_t len, struct mt_holds *ret, char *err, size_t errsize)
{
	static const char *const top[] = { "format", "version", "holds", NULL };
	struct mt_holds h = { 0 };
	json_error_t jerr;
	*ret = h;
	json_auto_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fail(err, errsize, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
	const char *bad;
	if (!json_is_object(root))
		return fail(err, errsize, "$: expected an object");
	if (!keys_only(root, top, &bad))
		return fail(err, errsize, "$.%s: unknown key", bad);
	json_t *f = json_object_get(root, "format"), *v = json_object_get(root, "version");
	if (!json_is_string(f) || strcmp(json_string_value(f), MT_HOLDS_FORMAT) != 0)
		return fail(err, errsize, "$.format: expected \"" MT_HOLDS_FORMAT "\"");
	if (!json_is_integer(v) || json_integer_value(v) != MT_HOLDS_VERSION)
		return fail(err, errsize, "$.version: expected %d", MT_HOLDS_VERSION);
	json_t *a = json_object_get(root, "holds"), *o;
	if (!json_is_array(a))
		return fail(err, errsize, "$.holds: expected an array");
	size_t i;
	json_array_foreach(a, i, o) {
		int r = parse_hold(o, i, &h, err, errsize);
		if (r < 0) {
			mt_holds_free(&h);
			return r;
		}
	}
	*ret = h;
	return 0;
}

static json_t *value_json(uint64_t v)
{
	return v == UINT64_MAX ? json_string("max") : json_integer((json_int_t)v);
}

int mt_holds_format(const struct mt_holds *h, char **ret_text)
{
	json_auto_t *a = json_array();
	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < h->n; i++) {
		const struct mt_hold *x = &h->v[i];
		json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:o}", "path", x->path, "saved_high", value_json(x->saved_high),
		                      "held_high", json_integer((json_int_t)x->held_high), "saved_swap_high",
		                      x->swap_held ? value_json(x->saved_swap_high) : json_null(), "held_swap_high",
		                      x->swap_held ? json_integer((json_int_t)x->held_swap_high) : json_null());
		if (!o || json_array_append_new(a, o) < 0)
			return -ENOMEM;
	}
	json_auto_t *root = json_pack("{s:s, s:i, s:O}", "format", MT_HOLDS_FORMAT, "version", MT_HOLDS_VERSION,
	                              "holds", a);
	char *text = root ? json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
	if (!text)
		return -ENOMEM;
	*ret_text = text;
	return 0;
}

int mt_holds_read_at(int dir_fd, const char *name, struct mt_holds *ret, char *err, size_t errsize)
{
	*ret = (struct mt_holds){ 0 };
	_cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return fail(err, errsize, "not a regular file");
	if ((uint64_t)st.st_size > MT_HOLDS_FILE_MAX)
		return fail(err, errsize, "%lld bytes, above %u", (long long)st.st_size, MT_HOLDS_FILE_MAX);
	_cleanup_free_ char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return mt_holds_parse(buf, got, ret, err, errsize);
}

int mt_holds_write_at(int dir_fd, const char *name, const struct mt_holds *h)
{
	_cleanup_free_ char *text = NULL;
	int r = mt_holds_format(h, &text);
	if (r < 0)
		return r;
	char tmp[512];
	if (snprintf(tmp, sizeof tmp, ".%s.tmp", name) >= (int)sizeof tmp)
		return -ENAMETOOLONG;
	/* O_EXCL after an unlink: never write through a link someone left */
	unlinkat(dir_fd, tmp, 0);
	int fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text), off = 0;
	r = 0;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dir_fd, tmp, dir_fd, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dir_fd, tmp, 0);
	return r;
}

const struct mt_hold *mt_holds_find(const struct mt_holds *h, const char *path)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i].path, path) == 0)
			return &h->v[i];
	return NULL;
}

int mt_holds_set(struct mt_holds *h, const struct mt_hold *x)
{
	char *p = strdup(x->path);
	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i].path, x->path) == 0) {
			free(h->v[i].path);
			h->v[i] = *x;
			h->v[i].path = p;
			return 0;
		}
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		struct mt_hold *v = realloc(h->v, cap * sizeof *v);
		if (!v) {
			free(p);
			return -ENOMEM;
		}
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n] = *x;
	h->v[h->n++].path = p;
	return 0;
}

int mt_holds_remove(struct mt_holds *h, const char *path)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i].path, path) == 0) {
			free(h->v[i].path);
			h->v[i] = h->v[--h->n];
			return 0;
		}
	return -ENOENT;
}

void mt_holds_free(struct mt_holds *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].path);
	free(h->v);
	*h = (struct mt_holds){ 0 };
}
