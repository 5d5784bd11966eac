/* memtriage top: status and the leading candidates, refreshed in place. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "render.h"
#include "verbs.h"

/* Lines the status block and the gaps around the table take on screen. */
#define STATUS_LINES 16

struct top_opts {
	double interval_s;
	unsigned long iterations;  /* 0 = until interrupted */
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	stop_requested = 1;
}

static int on_option(int index, const char *arg, void *userdata)
{
	struct top_opts *o = userdata;
	char *end;

	errno = 0;
	if (index == 0) {
		double d = strtod(arg, &end);
		/* 0.1 s: faster than PSI's 2 s averaging is pointless; 3600 s:
		 * beyond it, run `memtriage status` from cron instead. */
		if (errno || end == arg || *end || !(d >= 0.1 && d <= 3600)) {
			fprintf(stderr, "memtriage top: --interval: '%s' is not a number of seconds in 0.1..3600\n", arg);
			return -1;
		}
		o->interval_s = d;
	} else {
		unsigned long n = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || arg[0] == '-' || n < 1) {
			fprintf(stderr, "memtriage top: --iterations: '%s' is not a positive integer\n", arg);
			return -1;
		}
		o->iterations = n;
	}
	return 0;
}

/* One query, retried once on a fresh connection: the daemon closes
 * connections idle for longer than its timeout, which a long interval
 * reaches. */
static int query(struct mt_cli *cli, enum mt_proto_cmd cmd, json_t **ret, char *msg, size_t size)
{
	struct mt_proto_request req = { .cmd = cmd };

	int status = mt_cli_call_quiet(cli, &req, ret, msg, size);
	if (status == MT_EXIT_UNREACHABLE)
		status = mt_cli_call_quiet(cli, &req, ret, msg, size);
	return status;
}

static int frame(struct mt_cli *cli, bool tty, double interval_s)
{
	json_t *status = NULL, *cands = NULL;
	char msg[512];
	int rows = 0;

	int st = query(cli, MT_PROTO_CMD_STATUS, &status, msg, sizeof(msg));
	if (st == MT_EXIT_OK)
		st = query(cli, MT_PROTO_CMD_CANDIDATES, &cands, msg, sizeof(msg));
	if (tty) {
		struct winsize ws;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
			rows = ws.ws_row;
		fputs("\033[H\033[2J", stdout);
	}
	if (cli->output == MT_CLI_OUTPUT_JSON) {
		/* One object per line per refresh (NDJSON), for tools. */
		json_t *o = st == MT_EXIT_OK ?
		            json_pack("{sOsO}", "status", status, "candidates", cands) :
		            json_pack("{ss}", "error", msg);
		if (o) {
			json_dumpf(o, stdout, JSON_COMPACT);
			fputc('\n', stdout);
		}
		json_decref(o);
	} else if (st == MT_EXIT_OK) {
		time_t now = time(NULL);
		struct tm tm;
		char when[32] = "";
		if (localtime_r(&now, &tm))
			strftime(when, sizeof(when), "%H:%M:%S", &tm);
		printf("memtriage top  %s  every %gs  (q: Ctrl-C)\n\n", when, interval_s);
		mt_render_status(cli, status, stdout);
		fputc('\n', stdout);
		size_t max = rows > STATUS_LINES + 2 ? (size_t)(rows - STATUS_LINES - 2) : rows ? 1 : 0;
		mt_render_candidates(cli, cands, stdout, max);
	} else
		printf("memtriage top: %s\n(retrying every %gs)\n", msg, interval_s);
	if (!tty && cli->output != MT_CLI_OUTPUT_JSON)
		fputc('\n', stdout);
	fflush(stdout);
	json_decref(status);
	json_decref(cands);
	return st;
}

int mt_verb_top(int argc, char **argv)
{
	static const struct mt_cli_option options[] = {
		{ "interval", 'd', true, "seconds between refreshes, 0.1..3600 (default 1)" },
		{ "iterations", 'n', true, "stop after N refreshes (default: until Ctrl-C)" },
		{ NULL },
	};
	struct top_opts o = { .interval_s = 1.0 };
	struct mt_cli cli = { 0 };
	int first;

	int r = mt_cli_parse(&cli, argc, argv, "",
	                     "A live view for a terminal: the status block and as many candidates\n"
	                     "as fit, refreshed every second. With -o json, one line of JSON per\n"
	                     "refresh: {\"status\":...,\"candidates\":...} or {\"error\":\"...\"}.\n"
	                     "If the daemon goes away, top says so and keeps retrying.",
	                     options, on_option, &o, &first);
	if (r < 0)
		return mt_cli_parse_exit(r);
	if (first < argc) {
		mt_cli_error(&cli, "unexpected argument '%s' (see --help)", argv[first]);
		return MT_EXIT_USAGE;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	bool tty = isatty(STDOUT_FILENO);

	int status = MT_EXIT_OK;
	for (unsigned long i = 0; !stop_requested && (o.iterations == 0 || i < o.iterations); i++) {
		if (i > 0) {
			time_t whole = (time_t)o.interval_s;
			struct timespec ts = { .tv_sec = whole,
			                       .tv_nsec = (long)((o.interval_s - (double)whole) * 1e9) };
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stop_requested)
				;
			if (stop_requested)
				break;
		}
		status = frame(&cli, tty, o.interval_s);
		if (ferror(stdout))
			break;
	}
	mt_cli_disconnect(&cli);
	/* Interrupted: a normal end. Otherwise the last refresh's outcome. */
	return mt_cli_finish(&cli, stop_requested ? MT_EXIT_OK : status);
}
