#include "proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const cmd_names[MT_PROTO_CMD__COUNT] = {
	[MT_PROTO_CMD_STATUS] = "status",
	[MT_PROTO_CMD_CANDIDATES] = "candidates",
	[MT_PROTO_CMD_HISTORY] = "history",
	[MT_PROTO_CMD_EXPLAIN] = "explain",
	[MT_PROTO_CMD_SNAPSHOT] = "snapshot",
	[MT_PROTO_CMD_POLICIES] = "policies",
	[MT_PROTO_CMD_RELOAD] = "reload",
	[MT_PROTO_CMD_RELEASE] = "release",
	[MT_PROTO_CMD_DRY_RUN] = "dry-run",
};

static const char *const err_names[MT_PROTO_ERR__COUNT] = {
	[MT_PROTO_ERR_NOT_JSON] = "not-json",
	[MT_PROTO_ERR_TOO_LARGE] = "too-large",
	[MT_PROTO_ERR_NOT_OBJECT] = "not-object",
	[MT_PROTO_ERR_UNSUPPORTED_VERSION] = "unsupported-version",
	[MT_PROTO_ERR_UNKNOWN_COMMAND] = "unknown-command",
	[MT_PROTO_ERR_MISSING_FIELD] = "missing-field",
	[MT_PROTO_ERR_EXTRA_FIELD] = "extra-field",
	[MT_PROTO_ERR_WRONG_TYPE] = "wrong-type",
	[MT_PROTO_ERR_BAD_VALUE] = "bad-value",
	[MT_PROTO_ERR_PERMISSION_DENIED] = "permission-denied",
	[MT_PROTO_ERR_TOO_MANY_CLIENTS] = "too-many-clients",
	[MT_PROTO_ERR_IDLE_TIMEOUT] = "idle-timeout",
	[MT_PROTO_ERR_NOT_FOUND] = "not-found",
	[MT_PROTO_ERR_UNAVAILABLE] = "unavailable",
	[MT_PROTO_ERR_BUSY] = "busy",
	[MT_PROTO_ERR_UNSUPPORTED] = "unsupported",
	[MT_PROTO_ERR_FAILED] = "failed",
	[MT_PROTO_ERR_INTERNAL] = "internal",
};

/* The generic text of each code, used when a reply carries no message. */
static const char *const err_texts[MT_PROTO_ERR__COUNT] = {
	[MT_PROTO_ERR_NOT_JSON] = "request is not valid JSON",
	[MT_PROTO_ERR_TOO_LARGE] = "request line too long",
	[MT_PROTO_ERR_NOT_OBJECT] = "request is not a JSON object",
	[MT_PROTO_ERR_UNSUPPORTED_VERSION] = "unsupported protocol version",
	[MT_PROTO_ERR_UNKNOWN_COMMAND] = "unknown command",
	[MT_PROTO_ERR_MISSING_FIELD] = "a required member is missing",
	[MT_PROTO_ERR_EXTRA_FIELD] = "unexpected member",
	[MT_PROTO_ERR_WRONG_TYPE] = "a member has the wrong type",
	[MT_PROTO_ERR_BAD_VALUE] = "a member has an unacceptable value",
	[MT_PROTO_ERR_PERMISSION_DENIED] = "permission denied: this command needs uid 0",
	[MT_PROTO_ERR_TOO_MANY_CLIENTS] = "too many clients connected",
	[MT_PROTO_ERR_IDLE_TIMEOUT] = "closing an idle connection",
	[MT_PROTO_ERR_NOT_FOUND] = "not found",
	[MT_PROTO_ERR_UNAVAILABLE] = "not available yet",
	[MT_PROTO_ERR_BUSY] = "busy, try again",
	[MT_PROTO_ERR_UNSUPPORTED] = "not supported",
	[MT_PROTO_ERR_FAILED] = "failed",
	[MT_PROTO_ERR_INTERNAL] = "internal error",
};

const char *mt_proto_cmd_to_string(enum mt_proto_cmd cmd)
{
	if ((unsigned)cmd >= MT_PROTO_CMD__COUNT)
		return NULL;
	return cmd_names[cmd];
}

int mt_proto_cmd_from_string(const char *s, enum mt_proto_cmd *ret)
{
	for (unsigned i = 0; i < MT_PROTO_CMD__COUNT; i++)
		if (strcmp(s, cmd_names[i]) == 0) {
			*ret = (enum mt_proto_cmd)i;
			return 0;
		}
	return -EINVAL;
}

const char *mt_proto_err_to_string(enum mt_proto_err err)
{
	if ((unsigned)err >= MT_PROTO_ERR__COUNT)
		return NULL;
	return err_names[err];
}

int mt_proto_err_from_string(const char *s, enum mt_proto_err *ret)
{
	for (unsigned i = 0; i < MT_PROTO_ERR__COUNT; i++)
		if (strcmp(s, err_names[i]) == 0) {
			*ret = (enum mt_proto_err)i;
			return 0;
		}
	return -EINVAL;
}

bool mt_proto_cmd_changes_state(enum mt_proto_cmd cmd)
{
	return cmd == MT_PROTO_CMD_RELOAD || cmd == MT_PROTO_CMD_RELEASE ||
	       cmd == MT_PROTO_CMD_DRY_RUN;
}

/* Copies src into dst (size bytes), cutting it short if need be without
 * splitting a UTF-8 sequence. */
static void copy_utf8(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

__attribute__((format(printf, 3, 4)))
static int fail(struct mt_proto_failure *f, enum mt_proto_err code, const char *fmt, ...)
{
	va_list ap;

	char msg[1024];

	f->code = code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	copy_utf8(f->message, sizeof(f->message), msg);
	return -EINVAL;
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	case JSON_NULL: return "null";
	}
	return "unknown";
}

/* Copies at most 40 bytes of a member name for a message, so that a hostile
 * key cannot crowd out the rest of it. */
static void short_name(const char *key, char *buf, size_t size)
{
	copy_utf8(buf, size < 41 ? size : 41, key);
}

/* Checks that a cgroup path is relative, non-empty and free of ".", ".."
 * and empty components. Returns NULL when fine, else why not. */
static const char *cgroup_path_problem(const char *p, size_t len)
{
	if (len == 0)
		return "is empty";
	if (len > MT_PROTO_MAX_CGROUP)
		return "is longer than 4095 bytes";
	if (memchr(p, '\0', len))
		return "contains a NUL byte";
	if (p[0] == '/')
		return "must be relative to the cgroup2 mount (no leading '/')";
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && p[j] != '/')
			j++;
		size_t n = j - i;
		if (n == 0)
			return "contains an empty component ('//' or a trailing '/')";
		if ((n == 1 && p[i] == '.') || (n == 2 && p[i] == '.' && p[i + 1] == '.'))
			return "contains a '.' or '..' component";
		i = j + 1;
		if (j + 1 == len)
			return "contains an empty component ('//' or a trailing '/')";
	}
	return NULL;
}

static int parse_args(json_t *args, struct mt_proto_request *r, struct mt_proto_failure *f)
{
	const char *cmd = cmd_names[r->cmd];
	const char *key;
	json_t *v;
	char name[48];
	bool have_required = false;

	json_object_foreach(args, key, v) {
		short_name(key, name, sizeof(name));
		switch (r->cmd) {
		case MT_PROTO_CMD_HISTORY:
			if (strcmp(key, "limit") == 0) {
				if (!json_is_integer(v))
					return fail(f, MT_PROTO_ERR_WRONG_TYPE,
					            "args.limit: expected an integer, got %s", type_name(v));
				json_int_t n = json_integer_value(v);
				if (n < 1 || n > MT_PROTO_MAX_HISTORY)
					return fail(f, MT_PROTO_ERR_BAD_VALUE,
					            "args.limit: %" JSON_INTEGER_FORMAT " is outside 1..%d",
					            n, MT_PROTO_MAX_HISTORY);
				r->history_limit = (unsigned)n;
				continue;
			}
			break;
		case MT_PROTO_CMD_EXPLAIN:
			if (strcmp(key, "id") == 0) {
				if (!json_is_string(v))
					return fail(f, MT_PROTO_ERR_WRONG_TYPE,
					            "args.id: expected a string, got %s", type_name(v));
				size_t n = json_string_length(v);
				const char *s = json_string_value(v);
				if (n == 0 || n > MT_PROTO_MAX_ID || memchr(s, '\0', n))
					return fail(f, MT_PROTO_ERR_BAD_VALUE,
					            "args.id: must be 1..%d bytes without NUL", MT_PROTO_MAX_ID);
				memcpy(r->explain_id, s, n + 1);
				continue;
			}
			break;
		case MT_PROTO_CMD_RELEASE:
			if (strcmp(key, "cgroup") == 0) {
				if (!json_is_string(v))
					return fail(f, MT_PROTO_ERR_WRONG_TYPE,
					            "args.cgroup: expected a string, got %s", type_name(v));
				size_t n = json_string_length(v);
				const char *s = json_string_value(v);
				const char *problem = cgroup_path_problem(s, n);
				if (problem)
					return fail(f, MT_PROTO_ERR_BAD_VALUE, "args.cgroup: %s", problem);
				memcpy(r->cgroup, s, n + 1);
				have_required = true;
				continue;
			}
			break;
		case MT_PROTO_CMD_DRY_RUN:
			if (strcmp(key, "enabled") == 0) {
				if (!json_is_boolean(v))
					return fail(f, MT_PROTO_ERR_WRONG_TYPE,
					            "args.enabled: expected a boolean, got %s", type_name(v));
				r->dry_run = json_is_true(v);
				have_required = true;
				continue;
			}
			break;
		default:
			break;
		}
		return fail(f, MT_PROTO_ERR_EXTRA_FIELD,
		            "args.%s: command \"%s\" takes no such argument", name, cmd);
	}
	if (!have_required) {
		if (r->cmd == MT_PROTO_CMD_RELEASE)
			return fail(f, MT_PROTO_ERR_MISSING_FIELD, "args.cgroup: required by \"release\"");
		if (r->cmd == MT_PROTO_CMD_DRY_RUN)
			return fail(f, MT_PROTO_ERR_MISSING_FIELD, "args.enabled: required by \"dry-run\"");
	}
	return 0;
}

int mt_proto_request_parse(const char *line, size_t len,
                           struct mt_proto_request *ret_request,
                           struct mt_proto_failure *ret_failure)
{
	struct mt_proto_request r = { 0 };
	json_error_t jerr;
	json_t *v, *cmd = NULL, *args = NULL, *ver = NULL;
	const char *key;
	char name[48];
	int rc;

	if (len > MT_PROTO_MAX_REQUEST)
		return fail(ret_failure, MT_PROTO_ERR_TOO_LARGE,
		            "request of %zu bytes exceeds %d", len, MT_PROTO_MAX_REQUEST);
	/* Without JSON_ALLOW_NUL jansson rejects \u0000, which would cut paths short. */
	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	                          &jerr);
	if (!root) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return -ENOMEM;
		return fail(ret_failure, MT_PROTO_ERR_NOT_JSON, "column %d: %s",
		            jerr.column, jerr.text);
	}
	if (!json_is_object(root)) {
		rc = fail(ret_failure, MT_PROTO_ERR_NOT_OBJECT,
		          "request: expected an object, got %s", type_name(root));
		goto out;
	}
	json_object_foreach(root, key, v) {
		if (strcmp(key, "v") == 0)
			ver = v;
		else if (strcmp(key, "cmd") == 0)
			cmd = v;
		else if (strcmp(key, "args") == 0)
			args = v;
		else {
			short_name(key, name, sizeof(name));
			rc = fail(ret_failure, MT_PROTO_ERR_EXTRA_FIELD,
			          "%s: not a request member (v, cmd, args)", name);
			goto out;
		}
	}
	/* The version first: a future client's request is judged by it. */
	if (!ver) {
		rc = fail(ret_failure, MT_PROTO_ERR_MISSING_FIELD, "v: required (protocol version)");
		goto out;
	}
	if (!json_is_integer(ver)) {
		rc = fail(ret_failure, MT_PROTO_ERR_WRONG_TYPE, "v: expected an integer, got %s",
		          type_name(ver));
		goto out;
	}
	if (json_integer_value(ver) != MT_PROTO_VERSION) {
		rc = fail(ret_failure, MT_PROTO_ERR_UNSUPPORTED_VERSION,
		          "v: version %" JSON_INTEGER_FORMAT " not supported; this server speaks %d",
		          json_integer_value(ver), MT_PROTO_VERSION);
		goto out;
	}
	if (!cmd) {
		rc = fail(ret_failure, MT_PROTO_ERR_MISSING_FIELD, "cmd: required");
		goto out;
	}
	if (!json_is_string(cmd)) {
		rc = fail(ret_failure, MT_PROTO_ERR_WRONG_TYPE, "cmd: expected a string, got %s",
		          type_name(cmd));
		goto out;
	}
	if (mt_proto_cmd_from_string(json_string_value(cmd), &r.cmd) < 0) {
		short_name(json_string_value(cmd), name, sizeof(name));
		rc = fail(ret_failure, MT_PROTO_ERR_UNKNOWN_COMMAND, "cmd: unknown command \"%s\"", name);
		goto out;
	}
	if (args && !json_is_object(args)) {
		rc = fail(ret_failure, MT_PROTO_ERR_WRONG_TYPE, "args: expected an object, got %s",
		          type_name(args));
		goto out;
	}
	rc = parse_args(args, &r, ret_failure); /* NULL args: no members */
	if (rc == 0)
		*ret_request = r;
out:
	json_decref(root);
	return rc;
}

/* Serializes compactly and appends '\n'. Steals `root`. */
static int dump_line(json_t *root, char **ret_line, size_t *ret_len)
{
	if (!root)
		return -ENOMEM;
	char *s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!s)
		return -ENOMEM;
	size_t n = strlen(s);
	char *line = realloc(s, n + 2);
	if (!line) {
		free(s);
		return -ENOMEM;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	*ret_line = line;
	*ret_len = n + 1;
	return 0;
}

int mt_proto_request_format(const struct mt_proto_request *request,
                            char **ret_line, size_t *ret_len)
{
	const struct mt_proto_request *r = request;
	json_t *args;

	if ((unsigned)r->cmd >= MT_PROTO_CMD__COUNT)
		return -EINVAL;
	switch (r->cmd) {
	case MT_PROTO_CMD_HISTORY:
		if (r->history_limit > MT_PROTO_MAX_HISTORY)
			return -EINVAL;
		args = r->history_limit ? json_pack("{sI}", "limit", (json_int_t)r->history_limit)
		                        : json_object();
		break;
	case MT_PROTO_CMD_EXPLAIN:
		if (strnlen(r->explain_id, sizeof(r->explain_id)) > MT_PROTO_MAX_ID)
			return -EINVAL;
		args = r->explain_id[0] ? json_pack("{ss}", "id", r->explain_id) : json_object();
		break;
	case MT_PROTO_CMD_RELEASE: {
		size_t n = strnlen(r->cgroup, sizeof(r->cgroup));
		if (n > MT_PROTO_MAX_CGROUP || cgroup_path_problem(r->cgroup, n))
			return -EINVAL;
		args = json_pack("{ss}", "cgroup", r->cgroup);
		break;
	}
	case MT_PROTO_CMD_DRY_RUN:
		args = json_pack("{sb}", "enabled", r->dry_run);
		break;
	default:
		args = json_object();
		break;
	}
	if (!args)
		return -EINVAL; /* json_pack fails on invalid UTF-8, too */
	json_t *root = json_pack("{sissso}", "v", MT_PROTO_VERSION, "cmd", cmd_names[r->cmd],
	                         "args", args);
	return dump_line(root, ret_line, ret_len);
}

int mt_proto_reply_ok(json_t *result, char **ret_line, size_t *ret_len)
{
	if (!json_is_object(result)) {
		json_decref(result);
		return -EINVAL;
	}
	json_t *root = json_pack("{sisbso}", "v", MT_PROTO_VERSION, "ok", 1, "result", result);
	return dump_line(root, ret_line, ret_len);
}

int mt_proto_reply_error(enum mt_proto_err code, const char *message,
                         char **ret_line, size_t *ret_len)
{
	char msg[MT_PROTO_MAX_MESSAGE + 1];

	if ((unsigned)code >= MT_PROTO_ERR__COUNT)
		return -EINVAL;
	copy_utf8(msg, sizeof(msg), message && *message ? message : err_texts[code]);
	/* A message that is not valid UTF-8 (e.g. a path echoed from the
	 * kernel) must not cost the client its reply. */
	json_t *m = json_string(msg);
	if (!m)
		m = json_string(err_texts[code]);
	json_t *root = json_pack("{sisbs{sssO}}", "v", MT_PROTO_VERSION, "ok", 0, "error",
	                         "code", err_names[code], "message", m);
	json_decref(m);
	return dump_line(root, ret_line, ret_len);
}

__attribute__((format(printf, 2, 3)))
static int bad_reply(struct mt_proto_reply_error *e, const char *fmt, ...)
{
	va_list ap;

	char msg[1024];

	snprintf(e->code, sizeof(e->code), "bad-reply");
	e->known = false;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	copy_utf8(e->message, sizeof(e->message), msg);
	return -EBADMSG;
}

int mt_proto_reply_parse(const char *line, size_t len, json_t **ret_result,
                         struct mt_proto_reply_error *ret_error)
{
	json_error_t jerr;
	json_t *v = NULL, *ok = NULL, *result = NULL, *error = NULL;
	int rc;

	memset(ret_error, 0, sizeof(*ret_error));
	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	                          &jerr);
	if (!root) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return -ENOMEM;
		return bad_reply(ret_error, "reply is not JSON: column %d: %s", jerr.column, jerr.text);
	}
	if (!json_is_object(root)) {
		rc = bad_reply(ret_error, "reply is not an object");
		goto out;
	}
	v = json_object_get(root, "v");
	ok = json_object_get(root, "ok");
	result = json_object_get(root, "result");
	error = json_object_get(root, "error");
	if (!json_is_integer(v) || json_integer_value(v) != MT_PROTO_VERSION) {
		rc = bad_reply(ret_error, "reply is not protocol version %d", MT_PROTO_VERSION);
		goto out;
	}
	if (!json_is_boolean(ok)) {
		rc = bad_reply(ret_error, "reply: \"ok\" is missing or not a boolean");
		goto out;
	}
	if (json_is_true(ok)) {
		if (!json_is_object(result)) {
			rc = bad_reply(ret_error, "reply: \"result\" is missing or not an object");
			goto out;
		}
		*ret_result = json_incref(result);
		rc = 1;
		goto out;
	}
	json_t *code = json_object_get(error, "code");
	json_t *message = json_object_get(error, "message");
	if (!json_is_object(error) || !json_is_string(code) || !json_is_string(message)) {
		rc = bad_reply(ret_error, "reply: \"error\" lacks a string code and message");
		goto out;
	}
	copy_utf8(ret_error->code, sizeof(ret_error->code), json_string_value(code));
	copy_utf8(ret_error->message, sizeof(ret_error->message), json_string_value(message));
	ret_error->known = mt_proto_err_from_string(json_string_value(code), &ret_error->err) == 0;
	rc = 0;
out:
	json_decref(root);
	return rc;
}
