/* libFuzzer target for lib/proto: request and reply parsing. A request the
 * parser accepts must format back into a line that parses to the same
 * request; an error reply must always be buildable from any failure.
 *
 * Each input is parsed as it is, and also poured into the request skeleton
 * {"v":A,"cmd":B,"args":C} (the input split at 0x01 bytes into A, B, C) and
 * into {"v":1,"cmd":NAME,"args":{KEY:REST}} (NAME and KEY picked by the
 * first two bytes), and a reply skeleton {"v":1,"ok":A,"result"|"error":C},
 * so that mutations reach every command's argument checks and the reply
 * checks behind the JSON syntax from an empty corpus. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_request(const char *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *parts[3] = { "1", "\"status\"", "{}" };
	size_t lens[3] = { 1, 8, 2 }, n = 0, start = 0;
	char *line;

	check_request((const char *)data, size);
	for (size_t i = 0; i <= size && n < 3; i++)
		if (i == size || data[i] == 0x01) {
			parts[n] = (const char *)data + start;
			lens[n++] = i - start;
			start = i + 1;
		}
	if (asprintf(&line, "{\"v\":%.*s,\"cmd\":%.*s,\"args\":%.*s}", (int)lens[0], parts[0],
	             (int)lens[1], parts[1], (int)lens[2], parts[2]) >= 0) {
		check_request(line, strlen(line));
		free(line);
	}
	if (asprintf(&line, "{\"v\":1,\"ok\":%.*s,\"%s\":%.*s}", (int)lens[0], parts[0],
	             lens[1] & 1 ? "result" : "error", (int)lens[2], parts[2]) >= 0) {
		check_request(line, strlen(line)); /* also parses it as a reply */
		free(line);
	}
	static const char *const keys[] = { "limit", "id", "cgroup", "enabled", "v" };
	if (size > 1 && asprintf(&line, "{\"v\":1,\"cmd\":\"%s\",\"args\":{\"%s\":%.*s}}",
	                         mt_proto_cmd_to_string((enum mt_proto_cmd)(data[0] % MT_PROTO_CMD__COUNT)),
	                         keys[data[1] % 5], (int)(size - 2), (const char *)data + 2) >= 0) {
		check_request(line, strlen(line));
		free(line);
	}
	return 0;
}

static void check_request(const char *data, size_t size)
{
	struct mt_proto_request req, again;
	struct mt_proto_failure fail;
	struct mt_proto_reply_error rerr;
	json_t *result = NULL;
	char *line;
	size_t len;

	int r = mt_proto_request_parse(data, size, &req, &fail);
	if (r == 0) {
		if (mt_proto_request_format(&req, &line, &len) != 0)
			abort();
		if (len == 0 || line[len - 1] != '\n' || memchr(line, '\n', len - 1))
			abort();
		if (mt_proto_request_parse(line, len - 1, &again, &fail) != 0)
			abort();
		if (again.cmd != req.cmd || again.history_limit != req.history_limit ||
		    again.dry_run != req.dry_run || strcmp(again.explain_id, req.explain_id) != 0 ||
		    strcmp(again.cgroup, req.cgroup) != 0)
			abort();
		free(line);
	} else if (r == -EINVAL) {
		if (strlen(fail.message) > MT_PROTO_MAX_MESSAGE)
			abort();
		if (mt_proto_reply_error(fail.code, fail.message, &line, &len) != 0)
			abort();
		if (mt_proto_reply_parse(line, len - 1, &result, &rerr) != 0 || !rerr.known ||
		    rerr.err != fail.code)
			abort();
		free(line);
	}

	r = mt_proto_reply_parse(data, size, &result, &rerr);
	if (r == 1)
		json_decref(result);
}
