/* memtriage reload, release and dry-run: the commands that change the
 * daemon's state (uid 0 only; the daemon checks). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "verbs.h"

/* "DONE" or "DONE: message" (the daemon's "message", when not empty). */
static int print_done(const char *done, json_t *result, FILE *f)
{
	const char *msg = json_string_value(json_object_get(result, "message"));

	fprintf(f, "%s%s%s\n", done, msg && *msg ? ": " : "", msg && *msg ? msg : "");
	return ferror(f) ? -EIO : 0;
}

static int render_reloaded(const struct mt_cli *cli, json_t *r, FILE *f) { return print_done("reloaded", r, f); }
static int render_released(const struct mt_cli *cli, json_t *r, FILE *f) { return print_done("released", r, f); }
static int render_dry_on(const struct mt_cli *cli, json_t *r, FILE *f) { return print_done("dry run is on", r, f); }
static int render_dry_off(const struct mt_cli *cli, json_t *r, FILE *f) { return print_done("dry run is off", r, f); }

int mt_verb_reload(int argc, char **argv)
{
	return mt_verb_query(argc, argv, MT_PROTO_CMD_RELOAD,
	                     "Make the daemon re-read its policy set. The new set is parsed and\n"
	                     "validated first; if it is bad, the daemon keeps the old one and this\n"
	                     "command fails with the file, line and column at fault. Needs root.",
	                     render_reloaded);
}

int mt_verb_release(int argc, char **argv)
{
	struct mt_cli cli = { 0 };
	struct mt_proto_request req = { .cmd = MT_PROTO_CMD_RELEASE };
	int first;

	int r = mt_cli_parse(&cli, argc, argv, "CGROUP",
	                     "Lift the throttle (memory.high) that memtriage set on CGROUP, a path\n"
	                     "below the cgroup2 mount as 'memtriage candidates -o wide' shows it\n"
	                     "(a leading '/' is accepted and dropped). The daemon may throttle it\n"
	                     "again if the node nears its bound. Needs root.",
	                     NULL, NULL, NULL, &first);
	if (r < 0)
		return mt_cli_parse_exit(r);
	if (argc - first != 1) {
		mt_cli_error(&cli, "needs exactly one CGROUP (see --help)");
		return MT_EXIT_USAGE;
	}
	const char *path = argv[first];
	while (*path == '/')
		path++;
	size_t n = strlen(path);
	if (n == 0 || n > MT_PROTO_MAX_CGROUP) {
		mt_cli_error(&cli, "CGROUP must be a path of 1..%d bytes below the cgroup2 mount",
		             MT_PROTO_MAX_CGROUP);
		return MT_EXIT_USAGE;
	}
	memcpy(req.cgroup, path, n + 1);
	/* The protocol's own check, before connecting. */
	char *line;
	size_t len;
	if (mt_proto_request_format(&req, &line, &len) < 0) {
		mt_cli_error(&cli, "'%s' is not a valid cgroup path (relative to the cgroup2 mount, "
		             "no '.', '..' or empty components, UTF-8)", argv[first]);
		return MT_EXIT_USAGE;
	}
	free(line);
	return mt_cli_query_render(&cli, &req, render_released);
}

int mt_verb_dry_run(int argc, char **argv)
{
	struct mt_cli cli = { 0 };
	struct mt_proto_request req = { .cmd = MT_PROTO_CMD_DRY_RUN };
	int first;

	int r = mt_cli_parse(&cli, argc, argv, "on|off",
	                     "Switch dry run on (decide and record every action, but never throttle\n"
	                     "or kill) or off (act). 'memtriage status' shows the current setting.\n"
	                     "Needs root.",
	                     NULL, NULL, NULL, &first);
	if (r < 0)
		return mt_cli_parse_exit(r);
	if (argc - first != 1 || (strcmp(argv[first], "on") != 0 && strcmp(argv[first], "off") != 0)) {
		mt_cli_error(&cli, "needs 'on' or 'off' (see --help)");
		return MT_EXIT_USAGE;
	}
	req.dry_run = strcmp(argv[first], "on") == 0;
	return mt_cli_query_render(&cli, &req, req.dry_run ? render_dry_on : render_dry_off);
}
