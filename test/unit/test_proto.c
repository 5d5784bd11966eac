/* lib/proto: request parsing (every error code), formatting round trips,
 * reply building and parsing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "proto.h"

static struct mt_proto_request req;
static struct mt_proto_failure fail;

static int parse(const char *s)
{
	memset(&req, 0xAA, sizeof(req));
	memset(&fail, 0, sizeof(fail));
	return mt_proto_request_parse(s, strlen(s), &req, &fail);
}

/* Expects rejection with `code`, and a message containing `needle`. */
#define REJECT(line_, code_, needle) do { \
	CHECK_INT(parse(line_), -EINVAL); \
	CHECK_STR(mt_proto_err_to_string(fail.code), code_); \
	if (!strstr(fail.message, needle)) { \
		fprintf(stderr, "%s:%d: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, fail.message, needle); \
		mt_check_failures++; \
	} } while (0)

static void test_good_requests(void)
{
	CHECK_INT(parse("{\"v\":1,\"cmd\":\"status\"}"), 0);
	CHECK_INT(req.cmd, MT_PROTO_CMD_STATUS);
	CHECK_INT(parse("{\"cmd\":\"status\",\"v\":1,\"args\":{}}"), 0);
	CHECK_INT(req.cmd, MT_PROTO_CMD_STATUS);
	CHECK_INT(parse(" {\"v\":1,\"cmd\":\"candidates\"} \r"), 0);
	CHECK_INT(req.cmd, MT_PROTO_CMD_CANDIDATES);

	CHECK_INT(parse("{\"v\":1,\"cmd\":\"history\"}"), 0);
	CHECK_INT(req.cmd, MT_PROTO_CMD_HISTORY);
	CHECK_INT(req.history_limit, 0);
	CHECK_INT(parse("{\"v\":1,\"cmd\":\"history\",\"args\":{\"limit\":25}}"), 0);
	CHECK_INT(req.history_limit, 25);
	CHECK_INT(parse("{\"v\":1,\"cmd\":\"history\",\"args\":{\"limit\":10000}}"), 0);
	CHECK_INT(req.history_limit, 10000);

	CHECK_INT(parse("{\"v\":1,\"cmd\":\"explain\"}"), 0);
	CHECK_INT(req.cmd, MT_PROTO_CMD_EXPLAIN);
	CHECK_STR(req.explain_id, "");
	CHECK_INT(parse("{\"v\":1,\"cmd\":\"explain\",\"args\":{\"id\":\"42\"}}"), 0);
	CHECK_STR(req.explain_id, "42");

	CHECK_INT(parse("{\"v\":1,\"cmd\":\"snapshot\"}"), 0);
	CHECK_INT(req.cmd, MT_PROTO_CMD_SNAPSHOT);
	CHECK_INT(parse("{\"v\":1,\"cmd\":\"policies\"}"), 0);
	CHECK_INT(req.cmd, MT_PROTO_CMD_POLICIES);
	CHECK_INT(parse("{\"v\":1,\"cmd\":\"reload\"}"), 0);
	CHECK_INT(req.cmd, MT_PROTO_CMD_RELOAD);
	CHECK(mt_proto_cmd_changes_state(req.cmd));

	CHECK_INT(parse("{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":\"kubepods.slice/a b/c.scope\"}}"), 0);
	CHECK_INT(req.cmd, MT_PROTO_CMD_RELEASE);
	CHECK_STR(req.cgroup, "kubepods.slice/a b/c.scope");
	CHECK_INT(parse("{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":\"..x/.y\"}}"), 0);
	CHECK_STR(req.cgroup, "..x/.y");

	CHECK_INT(parse("{\"v\":1,\"cmd\":\"dry-run\",\"args\":{\"enabled\":true}}"), 0);
	CHECK_INT(req.cmd, MT_PROTO_CMD_DRY_RUN);
	CHECK_INT(req.dry_run, 1);
	CHECK_INT(parse("{\"v\":1,\"cmd\":\"dry-run\",\"args\":{\"enabled\":false}}"), 0);
	CHECK_INT(req.dry_run, 0);
	CHECK(!mt_proto_cmd_changes_state(MT_PROTO_CMD_SNAPSHOT));
}

static void test_bad_requests(void)
{
	/* not JSON */
	REJECT("", "not-json", "column");
	REJECT("status", "not-json", "column");
	REJECT("{\"v\":1,\"cmd\":\"status\"", "not-json", "column");
	REJECT("{\"v\":1,\"cmd\":\"status\"} {}", "not-json", "column");
	REJECT("{\"v\":1,\"cmd\":\"st\\u0000atus\"}", "not-json", "column");
	REJECT("{\"v\":1,\"cmd\":\"\xff\xfe\"}", "not-json", "column");
	REJECT("{\"v\":1,\"v\":1,\"cmd\":\"status\"}", "not-json", "duplicate");
	CHECK_INT(mt_proto_request_parse("{\"v\":1,\0\"cmd\":\"status\"}", 24, &req, &fail), -EINVAL);
	CHECK_INT(fail.code, MT_PROTO_ERR_NOT_JSON);

	/* too large */
	size_t n = MT_PROTO_MAX_REQUEST + 1;
	char *big = malloc(n);
	memset(big, ' ', n);
	memcpy(big, "{\"v\":1,\"cmd\":\"status\"}", 22);
	CHECK_INT(mt_proto_request_parse(big, n, &req, &fail), -EINVAL);
	CHECK_STR(mt_proto_err_to_string(fail.code), "too-large");
	CHECK_INT(mt_proto_request_parse(big, n - 1, &req, &fail), 0); /* at the limit */
	free(big);

	/* not an object */
	REJECT("[1]", "not-object", "got array");
	REJECT("42", "not-object", "got integer");
	REJECT("\"status\"", "not-object", "got string");
	REJECT("null", "not-object", "got null");

	/* version */
	REJECT("{\"cmd\":\"status\"}", "missing-field", "v: required");
	REJECT("{\"v\":\"1\",\"cmd\":\"status\"}", "wrong-type", "v: expected an integer, got string");
	REJECT("{\"v\":1.0,\"cmd\":\"status\"}", "wrong-type", "got number");
	REJECT("{\"v\":2,\"cmd\":\"status\"}", "unsupported-version", "version 2 not supported");
	REJECT("{\"v\":0,\"cmd\":\"status\"}", "unsupported-version", "version 0");

	/* command */
	REJECT("{\"v\":1}", "missing-field", "cmd: required");
	REJECT("{\"v\":1,\"cmd\":7}", "wrong-type", "cmd: expected a string, got integer");
	REJECT("{\"v\":1,\"cmd\":\"stats\"}", "unknown-command", "\"stats\"");
	REJECT("{\"v\":1,\"cmd\":\"Status\"}", "unknown-command", "\"Status\"");
	REJECT("{\"v\":1,\"cmd\":\"\"}", "unknown-command", "\"\"");

	/* extra members */
	REJECT("{\"v\":1,\"cmd\":\"status\",\"id\":3}", "extra-field", "id: not a request member");
	REJECT("{\"v\":1,\"cmd\":\"status\",\"args\":{\"limit\":3}}", "extra-field",
	       "args.limit: command \"status\" takes no such argument");
	REJECT("{\"v\":1,\"cmd\":\"explain\",\"args\":{\"id\":\"1\",\"verbose\":true}}", "extra-field",
	       "args.verbose");

	/* args types */
	REJECT("{\"v\":1,\"cmd\":\"status\",\"args\":[]}", "wrong-type", "args: expected an object, got array");
	REJECT("{\"v\":1,\"cmd\":\"status\",\"args\":null}", "wrong-type", "got null");
	REJECT("{\"v\":1,\"cmd\":\"history\",\"args\":{\"limit\":\"5\"}}", "wrong-type",
	       "args.limit: expected an integer, got string");
	REJECT("{\"v\":1,\"cmd\":\"history\",\"args\":{\"limit\":0}}", "bad-value", "0 is outside 1..10000");
	REJECT("{\"v\":1,\"cmd\":\"history\",\"args\":{\"limit\":10001}}", "bad-value", "outside");
	REJECT("{\"v\":1,\"cmd\":\"history\",\"args\":{\"limit\":-1}}", "bad-value", "-1 is outside");
	REJECT("{\"v\":1,\"cmd\":\"explain\",\"args\":{\"id\":42}}", "wrong-type",
	       "args.id: expected a string, got integer");
	REJECT("{\"v\":1,\"cmd\":\"explain\",\"args\":{\"id\":\"\"}}", "bad-value", "args.id");
	REJECT("{\"v\":1,\"cmd\":\"explain\",\"args\":{\"id\":\"0123456789012345678901234567890123456789012345678901234567890123\"}}",
	       "bad-value", "1..63 bytes");
	REJECT("{\"v\":1,\"cmd\":\"dry-run\",\"args\":{\"enabled\":\"on\"}}", "wrong-type",
	       "args.enabled: expected a boolean, got string");
	REJECT("{\"v\":1,\"cmd\":\"dry-run\",\"args\":{\"enabled\":1}}", "wrong-type", "got integer");

	/* required args */
	REJECT("{\"v\":1,\"cmd\":\"dry-run\"}", "missing-field", "args.enabled: required");
	REJECT("{\"v\":1,\"cmd\":\"dry-run\",\"args\":{}}", "missing-field", "args.enabled");
	REJECT("{\"v\":1,\"cmd\":\"release\"}", "missing-field", "args.cgroup: required");

	/* cgroup paths */
	REJECT("{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":7}}", "wrong-type", "args.cgroup");
	REJECT("{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":\"\"}}", "bad-value", "is empty");
	REJECT("{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":\"/a\"}}", "bad-value", "leading '/'");
	REJECT("{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":\"a/../b\"}}", "bad-value", "'..'");
	REJECT("{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":\"..\"}}", "bad-value", "'..'");
	REJECT("{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":\"a/.\"}}", "bad-value", "'.'");
	REJECT("{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":\"a//b\"}}", "bad-value", "empty component");
	REJECT("{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":\"a/\"}}", "bad-value", "empty component");

	/* a hostile key is cut short in the message, not echoed whole */
	char line[600];
	char key[401];
	memset(key, 'k', 400);
	key[400] = '\0';
	snprintf(line, sizeof(line), "{\"v\":1,\"cmd\":\"status\",\"%s\":1}", key);
	CHECK_INT(parse(line), -EINVAL);
	CHECK_INT(fail.code, MT_PROTO_ERR_EXTRA_FIELD);
	CHECK(strlen(fail.message) < 100);
}

static void test_format_roundtrip(void)
{
	struct mt_proto_request in = { .cmd = MT_PROTO_CMD_RELEASE };
	char *line;
	size_t len;

	strcpy(in.cgroup, "kubepods.slice/x.scope");
	CHECK_INT(mt_proto_request_format(&in, &line, &len), 0);
	CHECK_STR(line, "{\"v\":1,\"cmd\":\"release\",\"args\":{\"cgroup\":\"kubepods.slice/x.scope\"}}\n");
	CHECK_INT(len, strlen(line));
	CHECK_INT(mt_proto_request_parse(line, len - 1, &req, &fail), 0);
	CHECK_STR(req.cgroup, "kubepods.slice/x.scope");
	free(line);

	in = (struct mt_proto_request){ .cmd = MT_PROTO_CMD_HISTORY, .history_limit = 7 };
	CHECK_INT(mt_proto_request_format(&in, &line, &len), 0);
	CHECK_STR(line, "{\"v\":1,\"cmd\":\"history\",\"args\":{\"limit\":7}}\n");
	free(line);
	in = (struct mt_proto_request){ .cmd = MT_PROTO_CMD_DRY_RUN, .dry_run = true };
	CHECK_INT(mt_proto_request_format(&in, &line, &len), 0);
	CHECK_STR(line, "{\"v\":1,\"cmd\":\"dry-run\",\"args\":{\"enabled\":true}}\n");
	free(line);
	in = (struct mt_proto_request){ .cmd = MT_PROTO_CMD_STATUS };
	CHECK_INT(mt_proto_request_format(&in, &line, &len), 0);
	CHECK_STR(line, "{\"v\":1,\"cmd\":\"status\",\"args\":{}}\n");
	free(line);

	/* what the parser would reject is not formatted */
	in = (struct mt_proto_request){ .cmd = MT_PROTO_CMD_RELEASE };
	strcpy(in.cgroup, "../etc");
	CHECK_INT(mt_proto_request_format(&in, &line, &len), -EINVAL);
	in.cgroup[0] = '\0';
	CHECK_INT(mt_proto_request_format(&in, &line, &len), -EINVAL);
	in = (struct mt_proto_request){ .cmd = MT_PROTO_CMD__COUNT };
	CHECK_INT(mt_proto_request_format(&in, &line, &len), -EINVAL);

	/* every command name round-trips */
	for (int i = 0; i < MT_PROTO_CMD__COUNT; i++) {
		enum mt_proto_cmd c;
		CHECK_INT(mt_proto_cmd_from_string(mt_proto_cmd_to_string((enum mt_proto_cmd)i), &c), 0);
		CHECK_INT(c, i);
	}
	for (int i = 0; i < MT_PROTO_ERR__COUNT; i++) {
		enum mt_proto_err e;
		CHECK_INT(mt_proto_err_from_string(mt_proto_err_to_string((enum mt_proto_err)i), &e), 0);
		CHECK_INT(e, i);
	}
	CHECK(mt_proto_cmd_to_string(MT_PROTO_CMD__COUNT) == NULL);
	CHECK(mt_proto_err_to_string(MT_PROTO_ERR__COUNT) == NULL);
}

static void test_replies(void)
{
	char *line;
	size_t len;
	json_t *result = NULL;
	struct mt_proto_reply_error e;

	CHECK_INT(mt_proto_reply_ok(json_pack("{si}", "candidates", 3), &line, &len), 0);
	CHECK_STR(line, "{\"v\":1,\"ok\":true,\"result\":{\"candidates\":3}}\n");
	CHECK_INT(mt_proto_reply_parse(line, len - 1, &result, &e), 1);
	CHECK_INT(json_integer_value(json_object_get(result, "candidates")), 3);
	json_decref(result);
	free(line);

	CHECK_INT(mt_proto_reply_ok(json_array(), &line, &len), -EINVAL);
	CHECK_INT(mt_proto_reply_ok(NULL, &line, &len), -EINVAL);

	CHECK_INT(mt_proto_reply_error(MT_PROTO_ERR_NOT_FOUND, "no decision \"9\"\nsecond line", &line, &len), 0);
	CHECK_STR(line, "{\"v\":1,\"ok\":false,\"error\":{\"code\":\"not-found\",\"message\":\"no decision \\\"9\\\"\\nsecond line\"}}\n");
	CHECK(memchr(line, '\n', len - 1) == NULL);
	CHECK_INT(mt_proto_reply_parse(line, len - 1, &result, &e), 0);
	CHECK_STR(e.code, "not-found");
	CHECK(e.known);
	CHECK_INT(e.err, MT_PROTO_ERR_NOT_FOUND);
	CHECK_STR(e.message, "no decision \"9\"\nsecond line");
	free(line);

	CHECK_INT(mt_proto_reply_error(MT_PROTO_ERR_BUSY, NULL, &line, &len), 0);
	CHECK_STR(line, "{\"v\":1,\"ok\":false,\"error\":{\"code\":\"busy\",\"message\":\"busy, try again\"}}\n");
	free(line);
	CHECK_INT(mt_proto_reply_error(MT_PROTO_ERR__COUNT, NULL, &line, &len), -EINVAL);

	/* invalid UTF-8 in a message falls back to the generic text */
	CHECK_INT(mt_proto_reply_error(MT_PROTO_ERR_FAILED, "bad \xff byte", &line, &len), 0);
	CHECK_STR(line, "{\"v\":1,\"ok\":false,\"error\":{\"code\":\"failed\",\"message\":\"failed\"}}\n");
	free(line);

	/* long messages are cut at 255 bytes on a UTF-8 boundary */
	char msg[400];
	memset(msg, 'a', 254);
	strcpy(msg + 254, "\xc3\xa9tail"); /* é straddles byte 255 */
	CHECK_INT(mt_proto_reply_error(MT_PROTO_ERR_FAILED, msg, &line, &len), 0);
	CHECK_INT(mt_proto_reply_parse(line, len - 1, &result, &e), 0);
	CHECK_INT(strlen(e.message), 254);
	free(line);

	/* a newer server's code survives, marked unknown */
	const char *future = "{\"v\":1,\"ok\":false,\"error\":{\"code\":\"quota\",\"message\":\"m\"}}";
	CHECK_INT(mt_proto_reply_parse(future, strlen(future), &result, &e), 0);
	CHECK_STR(e.code, "quota");
	CHECK(!e.known);

	/* malformed replies */
	const char *bad[] = {
		"", "nope", "[]", "{\"v\":2,\"ok\":true,\"result\":{}}", "{\"ok\":true,\"result\":{}}",
		"{\"v\":1,\"result\":{}}", "{\"v\":1,\"ok\":true}", "{\"v\":1,\"ok\":true,\"result\":[]}",
		"{\"v\":1,\"ok\":false}", "{\"v\":1,\"ok\":false,\"error\":{\"code\":1,\"message\":\"m\"}}",
		"{\"v\":1,\"ok\":\"yes\",\"result\":{}}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		result = NULL;
		CHECK_INT(mt_proto_reply_parse(bad[i], strlen(bad[i]), &result, &e), -EBADMSG);
		CHECK(result == NULL);
		CHECK_STR(e.code, "bad-reply");
		CHECK(e.message[0] != '\0');
	}
}

int main(void)
{
	test_good_requests();
	test_bad_requests();
	test_format_roundtrip();
	test_replies();
	return mt_check_status();
}
