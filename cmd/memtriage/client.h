/* The CLI's side of the status socket: the options every socket verb shares,
 * a blocking connection with a timeout, and one request/reply exchange.
 * Errors are reported here, once, on stderr, naming the socket path; callers
 * turn the returned MT_EXIT_* status into the process exit status. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "linebuf.h"
#include "proto.h"

/* How long one exchange (connect, send, whole reply) may take. The daemon
 * answers from memory within milliseconds; 5 s covers a loaded node and
 * still fails fast enough for a script. */
#define MT_CLI_TIMEOUT_MS 5000

/* Largest reply accepted: well above the server's 4 MiB per-client bound,
 * so only a broken peer reaches it. */
#define MT_CLI_MAX_REPLY (64u << 20)

enum mt_cli_output {
	MT_CLI_OUTPUT_TABLE,
	MT_CLI_OUTPUT_JSON,
};

struct mt_cli {
	const char *verb;            /* for messages: "memtriage VERB: ..." */
	const char *socket;          /* --socket, else $MEMTRIAGE_SOCKET, else the default */
	enum mt_cli_output output;   /* -o */
	bool color;                  /* stdout is a terminal and NO_COLOR is unset */
	bool wide;                   /* -o wide (or --wide): every column, nothing shortened */
	size_t width;                /* tables fit this many columns, 0 = no limit (table.h) */
	int fd;                      /* connection, -1 when closed */
	struct mt_linebuf in;        /* bytes received after the last reply line */
};

/* One extra option of a verb, for mt_cli_parse. */
struct mt_cli_option {
	const char *name;            /* long name without "--" */
	char short_name;             /* 0 for none */
	bool has_arg;
	const char *help;            /* one line for --help */
};

/* Parses the shared options (--socket PATH, -o table|wide|json, --wide as
 * -o wide, --help)
 * and the verb's own `options` (array terminated by a NULL name), starting
 * at argv[1] (argv[0] is the verb). For each of the verb's options found,
 * calls on_option(index into options, its argument or NULL, userdata); a
 * negative return is a usage error (on_option prints why). Positional
 * arguments are left in argv[*ret_first .. argc-1].
 * `usage` is the synopsis after "memtriage VERB" and `description` the
 * paragraph for --help.
 * Returns -1 after printing --help (exit MT_EXIT_OK), -2 after a usage error
 * (exit MT_EXIT_USAGE), 0 otherwise. */
int mt_cli_parse(struct mt_cli *cli, int argc, char **argv, const char *usage,
                 const char *description, const struct mt_cli_option *options,
                 int (*on_option)(int index, const char *arg, void *userdata),
                 void *userdata, int *ret_first);

/* Converts mt_cli_parse's result when it is not 0. */
int mt_cli_parse_exit(int r);

/* Prints "memtriage VERB: <message>" to stderr. */
__attribute__((format(printf, 2, 3)))
void mt_cli_error(const struct mt_cli *cli, const char *fmt, ...);

/* Connects (if not yet connected), sends `request` and reads its reply.
 * Returns MT_EXIT_OK with *ret_result set (a new reference); otherwise
 * prints why and returns MT_EXIT_UNREACHABLE (no connection, timeout, the
 * daemon closed without replying, or it refused the connection:
 * too-many-clients, idle-timeout) or MT_EXIT_FAILURE (an error reply, a
 * malformed reply). After a failure the connection is closed, so the next
 * call reconnects. */
int mt_cli_call(struct mt_cli *cli, const struct mt_proto_request *request,
                json_t **ret_result);

/* Same, without printing anything: the error text goes into msg. For
 * `memtriage top`, which shows it on screen instead. */
int mt_cli_call_quiet(struct mt_cli *cli, const struct mt_proto_request *request,
                      json_t **ret_result, char *msg, size_t msg_size);

void mt_cli_disconnect(struct mt_cli *cli);

/* Prints a result object for -o json: indented, members in the daemon's
 * order, newline-terminated. Returns MT_EXIT_OK or MT_EXIT_FAILURE (stdout
 * failed). */
int mt_cli_print_json(const struct mt_cli *cli, json_t *result);

/* Flushes stdout and reports a write error (a closed pipe, a full disk):
 * returns `status`, or MT_EXIT_FAILURE when stdout failed. */
int mt_cli_finish(const struct mt_cli *cli, int status);
