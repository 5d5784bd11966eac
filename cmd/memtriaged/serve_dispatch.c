/* From a request line to a provider call and its reply. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "serve_internal.h"

static enum mt_proto_err errno_to_code(int error)
{
	switch (error) {
	case -ENOENT:
	case -ESRCH:
		return MT_PROTO_ERR_NOT_FOUND;
	case -EINVAL:
		return MT_PROTO_ERR_BAD_VALUE;
	case -EAGAIN:
		return MT_PROTO_ERR_UNAVAILABLE;
	case -EBUSY:
		return MT_PROTO_ERR_BUSY;
	case -EPERM:
	case -EACCES:
		return MT_PROTO_ERR_PERMISSION_DENIED;
	case -EOPNOTSUPP:
		return MT_PROTO_ERR_UNSUPPORTED;
	default:
		return MT_PROTO_ERR_FAILED;
	}
}

static void send_provider_error(struct mt_serve_client *c, const char *cmd, const struct mt_serve_error *e)
{
	const char *msg = e->message[0] ? e->message : strerror(-e->error);

	mt_serve_log(c->server, LOG_INFO, "%s: %s: %s", c->name, cmd, msg);
	mt_serve_client_send_error(c, errno_to_code(e->error), msg);
}

/* Encodes and queues a query's result; a successful reply is kept in the
 * cache under `generation` (0: not kept). */
static void send_result(struct mt_serve_client *c, enum mt_proto_cmd kind, json_t *result,
                        struct mt_serve_error *e, uint64_t generation)
{
	const char *cmd = mt_proto_cmd_to_string(kind);
	struct mt_serve *s = c->server;
	char *line;
	size_t len;

	if (!result) {
		if (e->error >= 0) {
			mt_serve_log(s, LOG_ERR, "%s: %s: provider returned no result and no error",
			          c->name, cmd);
			mt_serve_client_send_error(c, MT_PROTO_ERR_INTERNAL, "the daemon returned no result");
			return;
		}
		send_provider_error(c, cmd, e);
		return;
	}
	if (!json_is_object(result)) {
		json_decref(result);
		mt_serve_log(s, LOG_ERR, "%s: %s: provider returned a non-object result", c->name, cmd);
		mt_serve_client_send_error(c, MT_PROTO_ERR_INTERNAL, "the daemon returned a non-object result");
		return;
	}
	int r = mt_proto_reply_ok(result, &line, &len);
	if (r < 0) {
		mt_serve_log(s, LOG_ERR, "%s: %s: cannot encode the reply: %s", c->name, cmd, strerror(-r));
		mt_serve_client_send_error(c, MT_PROTO_ERR_INTERNAL, "cannot encode the reply");
		return;
	}
	if (len > s->limits.max_pending_reply) {
		char msg[128];
		snprintf(msg, sizeof(msg), "reply of %zu bytes exceeds the server's limit of %zu",
		         len, s->limits.max_pending_reply);
		free(line);
		mt_serve_log(s, LOG_WARNING, "%s: %s: %s", c->name, cmd, msg);
		mt_serve_client_send_error(c, MT_PROTO_ERR_FAILED, msg);
		return;
	}
	struct mt_serve_text *t;
	if (mt_serve_text_new(line, len, &t) < 0) {
		mt_serve_client_send_error(c, MT_PROTO_ERR_INTERNAL, "out of memory");
		return;
	}
	mt_serve_cache_put(&s->cache, kind, generation, t);
	mt_serve_client_send_text(c, t);
	mt_serve_text_unref(t);
}

static void send_command_result(struct mt_serve_client *c, enum mt_proto_cmd kind, int r,
                                struct mt_serve_error *e, int dry_run)
{
	const char *cmd = mt_proto_cmd_to_string(kind);

	if (r < 0) {
		if (e->error == 0)
			e->error = r;
		send_provider_error(c, cmd, e);
		return;
	}
	mt_serve_log(c->server, LOG_INFO, "%s: %s: done%s%s", c->name, cmd,
	          e->message[0] ? ": " : "", e->message);
	json_t *result = dry_run < 0 ? json_pack("{ss}", "message", e->message)
	                             : json_pack("{sssb}", "message", e->message, "dry_run", dry_run);
	if (!result) /* message not UTF-8 */
		result = json_pack("{ss}", "message", "");
	send_result(c, kind, result, e, 0);
}

/* The queries whose reply depends on no argument: one cached text each. */
static bool cacheable(enum mt_proto_cmd cmd)
{
	return cmd == MT_PROTO_CMD_STATUS || cmd == MT_PROTO_CMD_CANDIDATES ||
	       cmd == MT_PROTO_CMD_SNAPSHOT || cmd == MT_PROTO_CMD_POLICIES;
}

static void dispatch(struct mt_serve_client *c, const struct mt_proto_request *req)
{
	struct mt_serve *s = c->server;
	const struct mt_serve_provider *p = &s->provider;
	struct mt_serve_error e = { 0 };
	json_t *result = NULL;
	uint64_t generation = 0;
	int r;

	if (cacheable(req->cmd) && p->generation) {
		generation = p->generation(p->userdata, req->cmd);
		struct mt_serve_text *t = mt_serve_cache_get(&s->cache, req->cmd, generation);
		if (t) {
			s->stats.cached++;
			mt_serve_client_send_text(c, t);
			mt_serve_text_unref(t);
			return;
		}
	}
	switch (req->cmd) {
	case MT_PROTO_CMD_STATUS:
		if (!p->status)
			goto unsupported;
		result = p->status(p->userdata, &e);
		break;
	case MT_PROTO_CMD_CANDIDATES:
		if (!p->candidates)
			goto unsupported;
		result = p->candidates(p->userdata, &e);
		break;
	case MT_PROTO_CMD_HISTORY:
		if (!p->history)
			goto unsupported;
		result = p->history(p->userdata, req->history_limit, &e);
		break;
	case MT_PROTO_CMD_EXPLAIN:
		if (!p->explain)
			goto unsupported;
		result = p->explain(p->userdata, req->explain_id[0] ? req->explain_id : NULL, &e);
		break;
	case MT_PROTO_CMD_SNAPSHOT:
		if (!p->snapshot)
			goto unsupported;
		result = p->snapshot(p->userdata, &e);
		break;
	case MT_PROTO_CMD_POLICIES:
		if (!p->policies)
			goto unsupported;
		result = p->policies(p->userdata, &e);
		break;
	case MT_PROTO_CMD_RELOAD:
		if (!p->reload)
			goto unsupported;
		r = p->reload(p->userdata, &c->peer, &e);
		send_command_result(c, req->cmd, r, &e, -1);
		return;
	case MT_PROTO_CMD_RELEASE:
		if (!p->release)
			goto unsupported;
		r = p->release(p->userdata, &c->peer, req->cgroup, &e);
		send_command_result(c, req->cmd, r, &e, -1);
		return;
	case MT_PROTO_CMD_DRY_RUN:
		if (!p->set_dry_run)
			goto unsupported;
		r = p->set_dry_run(p->userdata, &c->peer, req->dry_run, &e);
		send_command_result(c, req->cmd, r, &e, req->dry_run);
		return;
	default:
		goto unsupported;
	}
	send_result(c, req->cmd, result, &e, generation);
	return;
unsupported:
	mt_serve_client_send_error(c, MT_PROTO_ERR_UNSUPPORTED, "this daemon does not implement the command");
}

void mt_serve_handle_line(struct mt_serve_client *c, const char *line, size_t len)
{
	struct mt_serve *s = c->server;
	struct mt_proto_request req;
	struct mt_proto_failure f;

	s->stats.requests++;
	int r = mt_proto_request_parse(line, len, &req, &f);
	if (r == -ENOMEM) {
		mt_serve_client_send_error(c, MT_PROTO_ERR_INTERNAL, "out of memory");
		return;
	}
	if (r < 0) {
		mt_serve_log_limited(s, &s->bad_request_log, LOG_INFO, "%s: bad request: %s: %s", c->name,
		          mt_proto_err_to_string(f.code), f.message);
		mt_serve_client_send_error(c, f.code, f.message);
		return;
	}
	if (mt_proto_cmd_changes_state(req.cmd) && c->peer.uid != 0) {
		s->stats.denied++;
		mt_serve_log_limited(s, &s->bad_request_log, LOG_WARNING, "%s: %s refused: needs uid 0", c->name,
		          mt_proto_cmd_to_string(req.cmd));
		mt_serve_client_send_error(c, MT_PROTO_ERR_PERMISSION_DENIED,
		                  "this command changes state and needs uid 0");
		return;
	}
	mt_serve_log(s, LOG_DEBUG, "%s: %s", c->name, mt_proto_cmd_to_string(req.cmd));
	dispatch(c, &req);
}

