/* memtriage top: status and the leading candidates, refreshed in place.
 * On a terminal it draws with ncurses: each frame replaces the last (curses
 * sends only what changed), fits the window (status block as long as it
 * is, then as many candidates as the rows left, columns fitted to the
 * width), follows resizes, and quits on q. Not on a terminal it prints
 * plain frames one after another (or NDJSON with -o json). */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "render.h"
#include "table.h"
#include "verbs.h"

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

struct frame {
	int status;
	json_t *st, *cands;
	char msg[512];
};

static void fetch(struct mt_cli *cli, struct frame *fr)
{
	fr->st = fr->cands = NULL;
	fr->status = query(cli, MT_PROTO_CMD_STATUS, &fr->st, fr->msg, sizeof(fr->msg));
	if (fr->status == MT_EXIT_OK)
		fr->status = query(cli, MT_PROTO_CMD_CANDIDATES, &fr->cands, fr->msg, sizeof(fr->msg));
}

static void frame_done(struct frame *fr)
{
	json_decref(fr->st);
	json_decref(fr->cands);
}

static void header(char *buf, size_t size, double interval_s, const char *tail)
{
	time_t now = time(NULL);
	struct tm tm;
	char when[32] = "";

	if (localtime_r(&now, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	snprintf(buf, size, "memtriage top  %s  every %gs%s", when, interval_s, tail);
}

/* Not a terminal: frames one after another, each ended by a blank line. */
static int plain_frame(struct mt_cli *cli, double interval_s)
{
	struct frame fr;
	char head[128];

	fetch(cli, &fr);
	if (cli->output == MT_CLI_OUTPUT_JSON) {
		/* One object per line per refresh (NDJSON), for tools. */
		json_t *o = fr.status == MT_EXIT_OK ?
		            json_pack("{sOsO}", "status", fr.st, "candidates", fr.cands) :
		            json_pack("{ss}", "error", fr.msg);
		if (o) {
			json_dumpf(o, stdout, JSON_COMPACT);
			fputc('\n', stdout);
		}
		json_decref(o);
	} else if (fr.status == MT_EXIT_OK) {
		header(head, sizeof(head), interval_s, "");
		printf("%s\n\n", head);
		mt_render_status(cli, fr.st, stdout);
		fputc('\n', stdout);
		mt_render_candidates(cli, fr.cands, stdout, 0);
		fputc('\n', stdout);
	} else
		printf("memtriage top: %s\n(retrying every %gs)\n\n", fr.msg, interval_s);
	fflush(stdout);
	int st = fr.status;
	frame_done(&fr);
	return st;
}

/* Draws text that may hold the SGR sequences of table.c's colours at row y,
 * cut at the window's width. */
static void draw_line(int y, const char *s, size_t len)
{
	int x = 0;

	move(y, 0);
	attrset(A_NORMAL);
	for (size_t i = 0; i < len && x < COLS;) {
		if (s[i] == '\033' && i + 1 < len && s[i + 1] == '[') {
			size_t j = i + 2;
			int code = 0;
			while (j < len && s[j] >= '0' && s[j] <= '9')
				code = code * 10 + (s[j++] - '0');
			if (j < len && s[j] == 'm') {
				switch (code) {
				case 0: attrset(A_NORMAL); break;
				case 1: attron(A_BOLD); break;
				case 2: attron(A_DIM); break;
				case 31: attron(COLOR_PAIR(1)); break;
				case 32: attron(COLOR_PAIR(3)); break;
				case 33: attron(COLOR_PAIR(2)); break;
				default: break;
				}
			}
			i = j + 1;
			continue;
		}
		/* One code point (a UTF-8 sequence) per column. */
		size_t n = 1;
		while (i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
			n++;
		addnstr(s + i, (int)n);
		i += n;
		x++;
	}
	attrset(A_NORMAL);
	clrtoeol();
}

/* Draws the lines of buf from row *y on, at most up to row `limit`. */
static void draw_text(int *y, int limit, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end && *y < limit) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		draw_line((*y)++, p, n);
		p += n + (nl ? 1 : 0);
	}
}

static void curses_frame(struct mt_cli *cli, const struct frame *fr, double interval_s)
{
	char head[128], *buf = NULL;
	size_t len = 0;
	int y = 0;

	erase();
	header(head, sizeof(head), interval_s, "  (q quits)");
	attron(A_REVERSE);
	mvaddnstr(0, 0, head, COLS);
	for (int x = (int)strlen(head); x < COLS; x++)
		addch(' ');
	attroff(A_REVERSE);
	y = 2;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		return;
	cli->width = (size_t)COLS;
	if (fr->status != MT_EXIT_OK) {
		fprintf(m, "%s\n(retrying every %gs)\n", fr->msg, interval_s);
		fclose(m);
		draw_text(&y, LINES, buf, len);
		free(buf);
		return;
	}
	mt_render_status(cli, fr->st, m);
	fclose(m);
	draw_text(&y, LINES, buf, len);
	free(buf);
	y++;
	/* The rows left: a header line, the candidates, and one line for
	 * "... and N more" when they do not all fit. */
	int left = LINES - y - 1;
	if (left >= 1) {
		size_t total = json_array_size(json_object_get(fr->cands, "candidates"));
		size_t rows = (size_t)left;
		if (total > rows)
			rows = rows > 1 ? rows - 1 : 1;
		buf = NULL;
		len = 0;
		m = open_memstream(&buf, &len);
		if (!m)
			return;
		mt_render_candidates(cli, fr->cands, m, rows);
		fclose(m);
		draw_text(&y, LINES, buf, len);
		free(buf);
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_curses(struct mt_cli *cli, const struct top_opts *o)
{
	setlocale(LC_ALL, "");
	/* `kubectl exec -it` gives a terminal but may pass no TERM: xterm's
	 * description (ncurses-base, in every Debian image) fits the
	 * terminals kubectl runs in. */
	const char *term = getenv("TERM");
	if (!term || !*term)
		term = "xterm";
	if (!newterm(term, stdout, stdin)) {
		mt_cli_error(cli, "no terminal description for TERM=%s; set TERM (e.g. xterm) or use -o json", term);
		return MT_EXIT_FAILURE;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_YELLOW, -1);
		init_pair(3, COLOR_GREEN, -1);
	}
	cli->color = has_colors();

	struct frame fr = { 0 };
	int status = MT_EXIT_OK;
	bool quit = false;
	for (unsigned long i = 0; !quit && !stop_requested && (o->iterations == 0 || i < o->iterations); i++) {
		fetch(cli, &fr);
		status = fr.status;
		curses_frame(cli, &fr, o->interval_s);
		refresh();
		double next = now_s() + o->interval_s;
		bool last = o->iterations && i + 1 >= o->iterations;
		/* Wait for the next refresh, a key, or a resize; the last
		 * refresh of --iterations is shown for one interval too. */
		for (double t; !quit && !stop_requested && (t = next - now_s()) > 0;) {
			timeout((int)(t * 1000) + 1);
			int ch = getch();
			if (ch == 'q' || ch == 'Q')
				quit = true;
			else if (ch == KEY_RESIZE) {
				curses_frame(cli, &fr, o->interval_s);
				refresh();
			}
		}
		frame_done(&fr);
		if (last)
			break;
	}
	endwin();
	return quit || stop_requested ? MT_EXIT_OK : status;
}

int mt_verb_top(int argc, char **argv)
{
	static const struct mt_cli_option options[] = {
		{ "interval", 'd', true, "seconds between refreshes, 0.1..3600 (default 1)" },
		{ "iterations", 'n', true, "stop after N refreshes (default: until q or Ctrl-C)" },
		{ 0 },
	};
	struct top_opts o = { .interval_s = 1.0 };
	struct mt_cli cli = { 0 };
	int first;

	int r = mt_cli_parse(&cli, argc, argv, "",
	                     "A live view for a terminal: the status block and as many candidates\n"
	                     "as fit the window, refreshed in place every second; q quits. Not on a\n"
	                     "terminal, one frame after another. With -o json, one line of JSON per\n"
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

	int status = MT_EXIT_OK;
	if (cli.output != MT_CLI_OUTPUT_JSON && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO))
		status = run_curses(&cli, &o);
	else
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
			status = plain_frame(&cli, o.interval_s);
			if (ferror(stdout))
				break;
		}
	mt_cli_disconnect(&cli);
	/* Interrupted or quit: a normal end. Otherwise the last refresh's outcome. */
	return mt_cli_finish(&cli, stop_requested ? MT_EXIT_OK : status);
}
