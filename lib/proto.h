/* The status socket protocol, version 1: parsing and building of its lines.
 * Pure: no I/O, no clock, no logging, no globals. doc/protocol.md is the
 * operator-facing description; this header is the contract for code.
 *
 * Framing: one JSON object per line, '\n'-terminated, UTF-8, no embedded
 * newline (jansson's compact encoding never emits one).
 *   request  {"v":1,"cmd":"<command>","args":{...}}      ("args" optional)
 *   reply    {"v":1,"ok":true,"result":{...}}
 *            {"v":1,"ok":false,"error":{"code":"<code>","message":"..."}}
 * Replies come in request order, one per request.
 *
 * Return contract (all int functions): >= 0 on success, a negative errno on
 * failure; -ENOMEM only when allocation fails. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define MT_PROTO_VERSION 1

/* Largest request line in bytes, excluding the '\n'. The largest legitimate
 * request is "release" with a cgroup path of MT_PROTO_MAX_CGROUP bytes (sent
 * as raw UTF-8, so unescaped) plus about 60 bytes of framing; 8 KiB leaves
 * room for a client that escapes some characters, and bounds what the server
 * buffers per client. */
#define MT_PROTO_MAX_REQUEST 8192

/* Longest cgroup path accepted by "release" (PATH_MAX - 1). */
#define MT_PROTO_MAX_CGROUP 4095

/* Longest decision id accepted by "explain": ids are the daemon's own
 * short tokens (a sequence number or timestamp), never user text. */
#define MT_PROTO_MAX_ID 63

/* Largest "limit" accepted by "history": the daemon keeps a bounded ring of
 * recent actions; asking for more than this is a client bug. */
#define MT_PROTO_MAX_HISTORY 10000

/* Longest error message carried in a reply (bytes, excluding NUL). */
#define MT_PROTO_MAX_MESSAGE 255

enum mt_proto_cmd {
	MT_PROTO_CMD_STATUS,      /* args: none */
	MT_PROTO_CMD_CANDIDATES,  /* args: none */
	MT_PROTO_CMD_HISTORY,     /* args: "limit" (optional integer 1..MT_PROTO_MAX_HISTORY) */
	MT_PROTO_CMD_EXPLAIN,     /* args: "id" (optional string; absent = latest decision) */
	MT_PROTO_CMD_SNAPSHOT,    /* args: none */
	MT_PROTO_CMD_POLICIES,    /* args: none */
	MT_PROTO_CMD_RELOAD,      /* args: none; changes state */
	MT_PROTO_CMD_RELEASE,     /* args: "cgroup" (required string); changes state */
	MT_PROTO_CMD_DRY_RUN,     /* args: "enabled" (required boolean); changes state */
	MT_PROTO_CMD__COUNT,
};

/* Error codes carried in error replies ("code"), stable across versions.
 * Wire names in parentheses. */
enum mt_proto_err {
	/* The request line itself (the server keeps the connection open,
	 * except after too-large, where framing is lost and it closes). */
	MT_PROTO_ERR_NOT_JSON,            /* "not-json": not valid JSON / UTF-8 */
	MT_PROTO_ERR_TOO_LARGE,           /* "too-large": line longer than the limit */
	MT_PROTO_ERR_NOT_OBJECT,          /* "not-object": valid JSON but not an object */
	MT_PROTO_ERR_UNSUPPORTED_VERSION, /* "unsupported-version": "v" is not 1 */
	MT_PROTO_ERR_UNKNOWN_COMMAND,     /* "unknown-command": "cmd" names no command */
	MT_PROTO_ERR_MISSING_FIELD,       /* "missing-field": a required member is absent */
	MT_PROTO_ERR_EXTRA_FIELD,         /* "extra-field": a member this command does not take */
	MT_PROTO_ERR_WRONG_TYPE,          /* "wrong-type": a member has the wrong JSON type */
	MT_PROTO_ERR_BAD_VALUE,           /* "bad-value": right type, unacceptable value */
	/* The connection. */
	MT_PROTO_ERR_PERMISSION_DENIED,   /* "permission-denied": state change by uid != 0 */
	MT_PROTO_ERR_TOO_MANY_CLIENTS,    /* "too-many-clients": sent, then closed */
	MT_PROTO_ERR_IDLE_TIMEOUT,        /* "idle-timeout": sent, then closed */
	/* The daemon's answer (see serve.h for the errno mapping). */
	MT_PROTO_ERR_NOT_FOUND,           /* "not-found": no such decision id / cgroup */
	MT_PROTO_ERR_UNAVAILABLE,         /* "unavailable": not known yet (e.g. no snapshot taken) */
	MT_PROTO_ERR_BUSY,                /* "busy": try again shortly */
	MT_PROTO_ERR_UNSUPPORTED,         /* "unsupported": not possible on this host */
	MT_PROTO_ERR_FAILED,              /* "failed": the command ran and failed; see message */
	MT_PROTO_ERR_INTERNAL,            /* "internal": a daemon bug; see message */
	MT_PROTO_ERR__COUNT,
};

/* A parsed, validated request. Strings are NUL-terminated copies. */
struct mt_proto_request {
	enum mt_proto_cmd cmd;
	unsigned history_limit;              /* history: 0 = not given (provider's default) */
	char explain_id[MT_PROTO_MAX_ID + 1]; /* explain: "" = not given (latest) */
	char cgroup[MT_PROTO_MAX_CGROUP + 1]; /* release: path below the cgroup root */
	bool dry_run;                        /* dry-run: the requested setting */
};

/* Why a line was rejected: a code and a message naming the offending member
 * ("args.cgroup: expected a string, got integer"). */
struct mt_proto_failure {
	enum mt_proto_err code;
	char message[MT_PROTO_MAX_MESSAGE + 1];
};

/* Wire names. *_to_string returns NULL when out of range; *_from_string
 * returns 0 and sets *ret, or -EINVAL for an unknown name. */
const char *mt_proto_cmd_to_string(enum mt_proto_cmd cmd);
int mt_proto_cmd_from_string(const char *s, enum mt_proto_cmd *ret);
const char *mt_proto_err_to_string(enum mt_proto_err err);
int mt_proto_err_from_string(const char *s, enum mt_proto_err *ret);

/* True for reload, release and dry-run: the server requires uid 0. */
bool mt_proto_cmd_changes_state(enum mt_proto_cmd cmd);

/* Parses one request line of `len` bytes (without the '\n'; need not be
 * NUL-terminated; may contain NUL bytes, which are rejected as not-json).
 * Returns 0 and fills *ret_request; -EINVAL when the request is rejected,
 * with *ret_failure saying why (the caller replies with it); -ENOMEM. */
int mt_proto_request_parse(const char *line, size_t len,
                           struct mt_proto_request *ret_request,
                           struct mt_proto_failure *ret_failure);

/* Encodes a request as one line ending in '\n' (client side). The request
 * must be valid as mt_proto_request_parse would accept it: -EINVAL otherwise.
 * *ret_line is malloc'd and NUL-terminated; *ret_len excludes the NUL. */
int mt_proto_request_format(const struct mt_proto_request *request,
                            char **ret_line, size_t *ret_len);

/* Encodes a success reply around `result` (a JSON object; the reference is
 * stolen, also on failure). -EINVAL when result is NULL or not an object.
 * *ret_line as for mt_proto_request_format. */
int mt_proto_reply_ok(json_t *result, char **ret_line, size_t *ret_len);

/* Encodes an error reply. `message` may be NULL (then the code's generic
 * text is used); it is truncated to MT_PROTO_MAX_MESSAGE bytes on a UTF-8
 * boundary. -EINVAL for an out-of-range code. */
int mt_proto_reply_error(enum mt_proto_err code, const char *message,
                         char **ret_line, size_t *ret_len);

/* A reply as a client sees it. code is the wire name so a newer server's
 * codes survive; known is true when it maps onto enum mt_proto_err. */
struct mt_proto_reply_error {
	char code[32];
	bool known;
	enum mt_proto_err err;               /* valid only when known */
	char message[MT_PROTO_MAX_MESSAGE + 1];
};

/* Parses one reply line (without the '\n'). Returns 1 and sets *ret_result
 * (a new reference to the result object) for an ok reply; 0 and fills
 * *ret_error for an error reply; -EBADMSG when the line is not a well-formed
 * version-1 reply, with *ret_error.message saying what is wrong; -ENOMEM. */
int mt_proto_reply_parse(const char *line, size_t len, json_t **ret_result,
                         struct mt_proto_reply_error *ret_error);
