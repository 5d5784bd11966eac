/* libFuzzer target for lib/proto: request and reply parsing. A request the
 * parser accepts must format back into a line that parses to the same
 * request; an error reply must always be buildable from any failure. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_proto_request req, again;
	struct mt_proto_failure fail;
	struct mt_proto_reply_error rerr;
	json_t *result = NULL;
	char *line;
	size_t len;

	int r = mt_proto_request_parse((const char *)data, size, &req, &fail);
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

	r = mt_proto_reply_parse((const char *)data, size, &result, &rerr);
	if (r == 1)
		json_decref(result);
	return 0;
}
