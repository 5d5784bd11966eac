#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "table.h"
#include "verbs.h"

#define MT_DEFAULT_SOCKET "/run/memtriage/memtriage.sock"
#define MAX_OPTIONS 16

void mt_cli_error(const struct mt_cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "memtriage %s: ", cli->verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void print_help(const struct mt_cli *cli, const char *usage, const char *description,
                       const struct mt_cli_option *options)
{
	printf("usage: memtriage %s [OPTIONS]%s%s\n\n%s\n\noptions:\n", cli->verb,
	       usage[0] ? " " : "", usage, description);
	printf("  --socket PATH      the daemon's socket (default %s,\n"
	       "                     or $MEMTRIAGE_SOCKET)\n", MT_DEFAULT_SOCKET);
	printf("  -o, --output FMT   table (default, for people: fits the terminal), wide (every\n"
	       "                     column, cgroup paths in full, never shortened) or json\n"
	       "                     (the daemon's result, stable: doc/protocol.md)\n");
	printf("  --wide             the same as -o wide\n");
	for (size_t i = 0; options && options[i].name; i++) {
		char flag[40];
		snprintf(flag, sizeof(flag), "%s%c%s--%s%s", options[i].short_name ? "-" : "",
		         options[i].short_name ? options[i].short_name : ' ',
		         options[i].short_name ? ", " : "  ", options[i].name,
		         options[i].has_arg ? " N" : "");
		printf("  %-18s %s\n", options[i].short_name ? flag : flag + 1, options[i].help);
	}
	printf("  -h, --help         show this help\n\n"
	       "exit status: 0 success, 1 the daemon reported an error, 2 usage error,\n"
	       "3 the daemon is unreachable. See memtriage(1).\n");
}

int mt_cli_parse(struct mt_cli *cli, int argc, char **argv, const char *usage,
                 const char *description, const struct mt_cli_option *options,
                 int (*on_option)(int index, const char *arg, void *userdata),
                 void *userdata, int *ret_first)
{
	struct option longs[MAX_OPTIONS + 5];
	char shorts[2 * MAX_OPTIONS + 8] = ":o:h"; /* ":" reports a missing argument apart */
	size_t n = 0, ns = strlen(shorts);
	const char *env = getenv("MEMTRIAGE_SOCKET");

	/* GNU getopt permutes: options may follow positionals ("release X -o
	 * json"); "--" ends options. Long-only options take codes 256.. and the
	 * verb's own 300 + index, apart from every short option character. */
	longs[n++] = (struct option){ "socket", required_argument, NULL, 256 };
	longs[n++] = (struct option){ "output", required_argument, NULL, 'o' };
	longs[n++] = (struct option){ "wide", no_argument, NULL, 257 };
	longs[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	for (size_t i = 0; options && options[i].name; i++) {
		if (i >= MAX_OPTIONS)
			abort(); /* a programming error in a verb table */
		longs[n++] = (struct option){ options[i].name,
		                              options[i].has_arg ? required_argument : no_argument,
		                              NULL, 300 + (int)i };
		if (options[i].short_name) {
			shorts[ns++] = options[i].short_name;
			if (options[i].has_arg)
				shorts[ns++] = ':';
			shorts[ns] = '\0';
		}
	}
	longs[n] = (struct option){ 0 };

	cli->verb = argv[0];
	cli->socket = env && *env ? env : MT_DEFAULT_SOCKET;
	cli->output = MT_CLI_OUTPUT_TABLE;
	const char *nc = getenv("NO_COLOR");
	cli->color = isatty(STDOUT_FILENO) && !(nc && *nc);
	cli->fd = -1;
	mt_linebuf_init(&cli->in, MT_CLI_MAX_REPLY);

	opterr = 0;
	optind = 0; /* glibc: full re-initialisation */
	int c;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		switch (c) {
		case 256:
			if (!optarg[0]) {
				mt_cli_error(cli, "--socket: empty path");
				return -2;
			}
			cli->socket = optarg;
			break;
		case 257:
			cli->wide = true;
			break;
		case 'o':
			cli->wide = strcmp(optarg, "wide") == 0;
			if (strcmp(optarg, "json") == 0)
				cli->output = MT_CLI_OUTPUT_JSON;
			else if (strcmp(optarg, "table") == 0 || cli->wide)
				cli->output = MT_CLI_OUTPUT_TABLE;
			else {
				mt_cli_error(cli, "-o: unknown format '%s' (table, wide or json)", optarg);
				return -2;
			}
			break;
		case 'h':
			print_help(cli, usage, description, options);
			return -1;
		case '?':
			if (optopt)
				mt_cli_error(cli, "unknown option '-%c' (see --help)", optopt);
			else
				mt_cli_error(cli, "unknown option '%s' (see --help)", argv[optind - 1]);
			return -2;
		case ':':
			mt_cli_error(cli, "option '%s' needs an argument", argv[optind - 1]);
			return -2;
		default: {
			int index = -1;
			if (c >= 300)
				index = c - 300;
			else
				for (size_t i = 0; options && options[i].name; i++)
					if (options[i].short_name == c)
						index = (int)i;
			if (index < 0 || !on_option || on_option(index, optarg, userdata) < 0)
				return -2;
		}
		}
	}
	cli->width = cli->wide ? 0 : mt_term_width(STDOUT_FILENO);
	*ret_first = optind;
	return 0;
}

int mt_cli_parse_exit(int r)
{
	return r == -1 ? MT_EXIT_OK : MT_EXIT_USAGE;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Waits for `events` on fd until the deadline: 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		uint64_t now = now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		struct pollfd p = { .fd = fd, .events = events };
		int r = poll(&p, 1, (int)(deadline - now));
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

void mt_cli_disconnect(struct mt_cli *cli)
{
	if (cli->fd >= 0)
		close(cli->fd);
	cli->fd = -1;
	mt_linebuf_done(&cli->in);
}

static int do_connect(struct mt_cli *cli, uint64_t deadline, char *msg, size_t msg_size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(cli->socket) >= sizeof(sa.sun_path)) {
		snprintf(msg, msg_size, "socket path too long: %s", cli->socket);
		return MT_EXIT_UNREACHABLE;
	}
	strcpy(sa.sun_path, cli->socket);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(msg, msg_size, "socket: %s", strerror(errno));
		return MT_EXIT_FAILURE;
	}
	int r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	/* A full backlog makes a non-blocking Unix connect fail with EAGAIN:
	 * retry until the deadline rather than block. */
	while (r < 0 && errno == EAGAIN && now_ms() < deadline) {
		struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	if (r < 0) {
		int e = errno == EAGAIN ? ETIMEDOUT : errno;
		snprintf(msg, msg_size, "cannot reach memtriaged at %s: %s%s", cli->socket,
		         strerror(e), e == EACCES ? " (the socket is for root and its group)" :
		         e == ENOENT || e == ECONNREFUSED ? " (is memtriaged running?)" : "");
		close(fd);
		return MT_EXIT_UNREACHABLE;
	}
	cli->fd = fd;
	return MT_EXIT_OK;
}

static int send_all(struct mt_cli *cli, const char *buf, size_t len, uint64_t deadline,
                    char *msg, size_t msg_size)
{
	size_t off = 0;

	while (off < len) {
		ssize_t k = send(cli->fd, buf + off, len - off, MSG_NOSIGNAL);
		if (k > 0) {
			off += (size_t)k;
			continue;
		}
		int r = k < 0 && (errno == EAGAIN || errno == EINTR) ?
		        wait_fd(cli->fd, POLLOUT, deadline) : -errno;
		if (r < 0) {
			snprintf(msg, msg_size, "sending to %s: %s", cli->socket, strerror(-r));
			return MT_EXIT_UNREACHABLE;
		}
	}
	return MT_EXIT_OK;
}

/* Reads until a whole line is buffered; returns it through *ret_line. */
static int recv_line(struct mt_cli *cli, uint64_t deadline, char **ret_line, size_t *ret_len,
                     char *msg, size_t msg_size)
{
	for (;;) {
		int p = mt_linebuf_pop(&cli->in, ret_line, ret_len);
		if (p == 1)
			return MT_EXIT_OK;
		char *tail;
		long room = p < 0 ? 0 : mt_linebuf_space(&cli->in, &tail);
		if (room == 0) {
			snprintf(msg, msg_size, "reply from %s exceeds %u MiB", cli->socket,
			         MT_CLI_MAX_REPLY >> 20);
			return MT_EXIT_FAILURE;
		}
		if (room < 0) {
			snprintf(msg, msg_size, "out of memory");
			return MT_EXIT_FAILURE;
		}
		ssize_t k = recv(cli->fd, tail, (size_t)room, 0);
		if (k > 0) {
			mt_linebuf_commit(&cli->in, (size_t)k);
			continue;
		}
		if (k == 0) {
			snprintf(msg, msg_size, "memtriaged at %s closed the connection without replying",
			         cli->socket);
			return MT_EXIT_UNREACHABLE;
		}
		int r = errno == EAGAIN || errno == EINTR ? wait_fd(cli->fd, POLLIN, deadline) : -errno;
		if (r < 0) {
			snprintf(msg, msg_size, "waiting for memtriaged at %s: %s", cli->socket,
			         r == -ETIMEDOUT ? "no reply within 5 s" : strerror(-r));
			return MT_EXIT_UNREACHABLE;
		}
	}
}

int mt_cli_call_quiet(struct mt_cli *cli, const struct mt_proto_request *request,
                      json_t **ret_result, char *msg, size_t msg_size)
{
	uint64_t deadline = now_ms() + MT_CLI_TIMEOUT_MS;
	char *line = NULL, *reply;
	size_t len, rlen;
	int status;

	if (mt_proto_request_format(request, &line, &len) < 0) {
		snprintf(msg, msg_size, "cannot encode the request (invalid argument)");
		return MT_EXIT_USAGE;
	}
	if (cli->fd < 0 && (status = do_connect(cli, deadline, msg, msg_size)) != MT_EXIT_OK)
		goto fail;
	if ((status = send_all(cli, line, len, deadline, msg, msg_size)) != MT_EXIT_OK)
		goto fail;
	if ((status = recv_line(cli, deadline, &reply, &rlen, msg, msg_size)) != MT_EXIT_OK)
		goto fail;

	struct mt_proto_reply_error err;
	json_t *result = NULL;
	int r = mt_proto_reply_parse(reply, rlen, &result, &err);
	if (r == 1) {
		free(line);
		*ret_result = result;
		return MT_EXIT_OK;
	}
	if (r == 0) {
		snprintf(msg, msg_size, "%s: %s", err.code, err.message);
		/* The daemon did not serve this connection at all. */
		status = err.known && (err.err == MT_PROTO_ERR_TOO_MANY_CLIENTS ||
		                       err.err == MT_PROTO_ERR_IDLE_TIMEOUT) ?
		         MT_EXIT_UNREACHABLE : MT_EXIT_FAILURE;
	} else {
		snprintf(msg, msg_size, "malformed reply from %s: %s", cli->socket, err.message);
		status = MT_EXIT_FAILURE;
	}
fail:
	free(line);
	mt_cli_disconnect(cli);
	return status;
}

int mt_cli_call(struct mt_cli *cli, const struct mt_proto_request *request,
                json_t **ret_result)
{
	char msg[512];

	int status = mt_cli_call_quiet(cli, request, ret_result, msg, sizeof(msg));
	if (status != MT_EXIT_OK)
		mt_cli_error(cli, "%s", msg);
	return status;
}

int mt_cli_print_json(const struct mt_cli *cli, json_t *result)
{
	if (json_dumpf(result, stdout, JSON_INDENT(2)) < 0 || fputc('\n', stdout) == EOF)
		return MT_EXIT_FAILURE;
	return MT_EXIT_OK;
}

int mt_cli_finish(const struct mt_cli *cli, int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		mt_cli_error(cli, "writing output: %s", strerror(errno));
		return MT_EXIT_FAILURE;
	}
	return status;
}
