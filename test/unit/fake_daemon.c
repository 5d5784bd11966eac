/* A stand-in for memtriaged's status socket: serves <cmd>.json files from a
 * fixture directory through the real server (serve_conn.c), for the CLI tests and
 * for benchmarking the server alone. Not installed.
 *
 * usage: fake_daemon SOCKET FIXTURE_DIR
 * Prints "ready" on stdout once the socket is bound; stops on SIGTERM/SIGINT.
 *   explain ID     serves explain-ID.json, or explain.json for "latest" and
 *                  the id inside explain.json; other ids: not-found
 *   a missing file: "unavailable"
 *   reload         "loaded 3 policies"
 *   release X      not-found unless X is the path of a throttled candidate
 *   dry-run on|off remembered; status reports it
 * candidates and snapshot are served from the reply cache after the first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "serve.h"

static const char *dir;
static int dry_run = -1; /* -1: as in status.json */

static json_t *load(const char *name, struct mt_serve_error *e)
{
	char path[4096];
	json_error_t jerr;

	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		e->error = -EAGAIN;
		snprintf(e->message, sizeof(e->message), "no %s in the fixtures", name);
	}
	return j;
}

static json_t *q_status(void *ud, struct mt_serve_error *e)
{
	json_t *j = load("status", e);
	if (j && dry_run >= 0)
		json_object_set_new(j, "dry_run", json_boolean(dry_run));
	return j;
}

static json_t *q_candidates(void *ud, struct mt_serve_error *e) { return load("candidates", e); }
static json_t *q_snapshot(void *ud, struct mt_serve_error *e) { return load("snapshot", e); }
static json_t *q_policies(void *ud, struct mt_serve_error *e) { return load("policies", e); }

static json_t *q_history(void *ud, unsigned limit, struct mt_serve_error *e)
{
	json_t *j = load("history", e);
	json_t *a = json_object_get(j, "actions");
	while (limit && json_array_size(a) > limit)
		json_array_remove(a, json_array_size(a) - 1);
	return j;
}

static json_t *q_explain(void *ud, const char *id, struct mt_serve_error *e)
{
	json_t *j = load("explain", e);
	char own[32] = "";
	json_t *jid = json_object_get(j, "id");
	if (json_is_integer(jid))
		snprintf(own, sizeof(own), "%" JSON_INTEGER_FORMAT, json_integer_value(jid));
	else if (json_is_string(jid))
		snprintf(own, sizeof(own), "%s", json_string_value(jid));
	if (!j || !id || strcmp(id, own) == 0)
		return j;
	json_decref(j);
	char name[128];
	snprintf(name, sizeof(name), "explain-%s", id);
	j = load(name, e);
	if (!j) {
		e->error = -ENOENT;
		snprintf(e->message, sizeof(e->message), "no decision with id \"%s\"", id);
	}
	return j;
}

static int c_reload(void *ud, const struct mt_serve_peer *p, struct mt_serve_error *e)
{
	snprintf(e->message, sizeof(e->message), "loaded 3 policies");
	return 0;
}

static int c_release(void *ud, const struct mt_serve_peer *p, const char *cgroup,
                     struct mt_serve_error *e)
{
	struct mt_serve_error ignore = { 0 };
	json_t *j = load("candidates", &ignore), *c;
	size_t i;
	json_array_foreach(json_object_get(j, "candidates"), i, c) {
		const char *path = json_string_value(json_object_get(c, "path"));
		if (path && strcmp(path, cgroup) == 0 && json_is_true(json_object_get(c, "throttled"))) {
			json_decref(j);
			snprintf(e->message, sizeof(e->message), "memory.high of %s set to max", cgroup);
			return 0;
		}
	}
	json_decref(j);
	snprintf(e->message, sizeof(e->message), "%s is not throttled by memtriage", cgroup);
	return -ENOENT;
}

static int c_dry_run(void *ud, const struct mt_serve_peer *p, bool on, struct mt_serve_error *e)
{
	dry_run = on;
	return 0;
}

static void on_log(void *ud, int priority, const char *msg)
{
	if (priority <= LOG_WARNING)
		fprintf(stderr, "fake_daemon: %s\n", msg);
}

/* The fixture files do not change while it runs: candidates and snapshot
 * are encoded once and then served from the server's reply cache, so the
 * CLI tests also check that cached replies are the same bytes. status
 * shows dry-run, which changes: never cached. */
static uint64_t q_generation(void *ud, enum mt_proto_cmd cmd)
{
	return cmd == MT_PROTO_CMD_CANDIDATES || cmd == MT_PROTO_CMD_SNAPSHOT;
}

static uv_signal_t sigterm, sigint;

static void on_signal(uv_signal_t *s, int signum)
{
	mt_serve_stop(s->data);
	uv_close((uv_handle_t *)&sigterm, NULL);
	uv_close((uv_handle_t *)&sigint, NULL);
}

int main(int argc, char **argv)
{
	static const struct mt_serve_provider provider = {
		.status = q_status, .candidates = q_candidates, .history = q_history,
		.explain = q_explain, .snapshot = q_snapshot, .policies = q_policies,
		.reload = c_reload, .release = c_release, .set_dry_run = c_dry_run,
		.generation = q_generation, .log = on_log,
	};
	struct mt_serve *srv;

	if (argc != 3) {
		fprintf(stderr, "usage: fake_daemon SOCKET FIXTURE_DIR\n");
		return 2;
	}
	dir = argv[2];
	uv_loop_t *loop = uv_default_loop();
	struct mt_serve_config cfg = { .path = argv[1], .group = (gid_t)-1 };
	int r = mt_serve_start(loop, &cfg, &provider, &srv);
	if (r < 0) {
		fprintf(stderr, "fake_daemon: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	uv_signal_init(loop, &sigterm);
	uv_signal_init(loop, &sigint);
	sigterm.data = sigint.data = srv;
	uv_signal_start(&sigterm, on_signal, SIGTERM);
	uv_signal_start(&sigint, on_signal, SIGINT);
	printf("ready\n");
	fflush(stdout);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_loop_close(loop);
	return 0;
}
