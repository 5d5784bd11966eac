#!/bin/sh
# memtriage's socket verbs against fake_daemon serving test/fixtures/cli:
# human output compared with test/fixtures/cli/expected/, -o json passed
# through exactly, exit codes 0/1/2/3, --help on every verb.
# usage: test_cli.sh MEMTRIAGE FAKE_DAEMON   (MT_FIXTURES set by meson)
# MT_UPDATE_EXPECTED=1 rewrites the expected files instead of comparing.
set -u
M=$1
FAKE=$2
FIX=${MT_FIXTURES:?}/cli
TMP=$(mktemp -d /tmp/mt-cli-XXXXXX)
SOCK=$TMP/memtriage.sock
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$FAKE" "$SOCK" "$FIX" >"$TMP/ready" 2>"$TMP/daemon.err" &
daemon=$!
cleanup() { kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$SOCK" ] || { echo "fake_daemon did not start: $(cat "$TMP/daemon.err")" >&2; exit 1; }

export MEMTRIAGE_SOCKET="$SOCK" TZ=UTC
unset NO_COLOR COLUMNS # tables are whole unless a check sets COLUMNS

# expect NAME STATUS ARGS...: runs memtriage ARGS, checks the exit status and
# compares stdout with expected/NAME.
expect() {
	name=$1 want=$2
	shift 2
	"$M" "$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	[ "$got" = "$want" ] || fail "memtriage $*: exit $got, expected $want; stderr: $(cat "$TMP/err")"
	if [ "${MT_UPDATE_EXPECTED:-}" = 1 ]; then
		cp "$TMP/out" "$FIX/expected/$name"
	elif ! cmp -s "$TMP/out" "$FIX/expected/$name"; then
		fail "memtriage $*: output differs from expected/$name:"
		diff -u "$FIX/expected/$name" "$TMP/out" >&2
	fi
	if grep -q "$(printf '\033')" "$TMP/out"; then
		fail "memtriage $*: colour codes written to a pipe"
	fi
}

# stderr_has STATUS TEXT ARGS...: exit status and a message on stderr.
stderr_has() {
	want=$1 text=$2
	shift 2
	"$M" "$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	[ "$got" = "$want" ] || fail "memtriage $*: exit $got, expected $want"
	grep -qF -- "$text" "$TMP/err" || fail "memtriage $*: stderr lacks '$text': $(cat "$TMP/err")"
	[ -s "$TMP/out" ] && fail "memtriage $*: wrote to stdout on failure"
}

# human output
expect status.txt 0 status
expect candidates.txt 0 candidates
expect candidates-wide.txt 0 candidates --wide
expect candidates-wide.txt 0 candidates -o wide
# a terminal's width (COLUMNS when stdout is not a terminal): the least
# useful columns go, then cells shorten; no line is longer than the width
COLUMNS=100 expect candidates-100.txt 0 candidates
COLUMNS=80 expect candidates-80.txt 0 candidates
COLUMNS=60 expect candidates-60.txt 0 candidates
COLUMNS=60 expect history-60.txt 0 history
COLUMNS=80 expect explain-80.txt 0 explain
COLUMNS=60 expect policies-60.txt 0 policies
for w in 40 60 80 100 120; do
	for v in candidates history explain policies; do
		COLUMNS=$w "$M" $v >"$TMP/fit" || fail "COLUMNS=$w memtriage $v: exit $?"
		long=$(awk -v w=$w 'length($0) > w' "$TMP/fit" | grep -v '^deficit  \|^decision  \|^to free  \|^action  \|^\* chosen\|^free as much\|^without it\|^last reload\|^policy set' | head -1)
		[ -z "$long" ] || fail "COLUMNS=$w memtriage $v: a table line is longer than $w: $long"
	done
done
# the offline verbs fit the same way
for w in 50 80 100; do
	(M=$(realpath "$M") && cd "$MT_FIXTURES/k8s/systemd-containerd" && COLUMNS=$w "$M" check-policy --embedded --root cgroup --logs logs) >"$TMP/fit" ||
		fail "COLUMNS=$w check-policy: exit $?"
	[ "$(wc -l <"$TMP/fit")" -gt 5 ] || fail "COLUMNS=$w check-policy: no table"
	long=$(awk -v w=$w 'length($0) > w' "$TMP/fit" | head -1)
	[ -z "$long" ] || fail "COLUMNS=$w check-policy: a line is longer than $w: $long"
	COLUMNS=$w "$M" simulate "$MT_FIXTURES/snapshots/db-and-workers.json" >"$TMP/fit" || fail "COLUMNS=$w simulate: exit $?"
	long=$(sed -n '/^CANDIDATE/,$p' "$TMP/fit" | awk -v w=$w 'length($0) > w' | head -1)
	[ -z "$long" ] || fail "COLUMNS=$w simulate: a table line is longer than $w: $long"
	grep -q '^CANDIDATE' "$TMP/fit" || fail "COLUMNS=$w simulate: no table"
done
COLUMNS=50 "$M" simulate "$MT_FIXTURES/snapshots/db-and-workers.json" -o wide >"$TMP/wide"
"$M" simulate "$MT_FIXTURES/snapshots/db-and-workers.json" >"$TMP/whole"
cmp -s "$TMP/wide" "$TMP/whole" || fail "simulate -o wide is not the whole table"
# -o wide never shortens, whatever the width
COLUMNS=60 expect candidates-wide.txt 0 candidates -o wide
expect history.txt 0 history
expect history-1.txt 0 history -n 1
expect explain.txt 0 explain
expect explain-42.txt 0 explain 42
expect explain-41.txt 0 explain 41
expect policies.txt 0 policies
expect snapshot.txt 0 snapshot
"$M" top --iterations 1 | sed 's/^memtriage top  [0-9:]*  /memtriage top  HH:MM:SS  /' >"$TMP/top"
[ "${MT_UPDATE_EXPECTED:-}" = 1 ] && cp "$TMP/top" "$FIX/expected/top.txt"
cmp -s "$TMP/top" "$FIX/expected/top.txt" || { fail "top differs:"; diff -u "$FIX/expected/top.txt" "$TMP/top" >&2; }
# MEMTRIAGE_SOCKET is overridden by --socket
MEMTRIAGE_SOCKET=/nonexistent expect status-socket.txt 0 status --socket "$SOCK"

# -o json: the result object itself, member order kept
for cmd in status candidates history explain policies snapshot; do
	"$M" "$cmd" -o json >"$TMP/json" || fail "memtriage $cmd -o json: exit $?"
	python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if a==b and list(a)==list(b) else 1)' \
		"$TMP/json" "$FIX/$cmd.json" || fail "memtriage $cmd -o json differs from $cmd.json"
done
"$M" top -n 2 -d 0.1 -o json >"$TMP/json" || fail "top -o json: exit $?"
[ "$(wc -l <"$TMP/json")" = 2 ] || fail "top -o json: expected 2 lines"
python3 -c 'import json,sys; [json.loads(l)["status"]["mode"] for l in open(sys.argv[1])]' "$TMP/json" ||
	fail "top -o json: lines are not {status,candidates}"

# commands (this runs as root in CI; as another user they are refused)
if [ "$(id -u)" = 0 ]; then
	expect reload.txt 0 reload
	expect release.txt 0 release /kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0b1c.slice/cri-containerd-77aa.scope
	expect dry-run-on.txt 0 dry-run on
	"$M" status | grep -q '^dry run     on' || fail "dry-run on not reflected by status"
	expect dry-run-off.txt 0 dry-run off
	stderr_has 1 'not-found: system.slice/x is not throttled by memtriage' release system.slice/x
else
	stderr_has 1 'permission-denied' reload
	echo "test_cli.sh: not root: commands checked only for refusal (CI runs as root)" >&2
fi

# the daemon's errors: exit 1 with its code and message
stderr_has 1 'memtriage explain: not-found: no decision with id "7"' explain 7

# usage errors: exit 2, before connecting
stderr_has 2 "unexpected argument 'x'" status x
stderr_has 2 "unknown option '--bogus'" candidates --bogus
stderr_has 2 "-o: unknown format 'yaml'" status -o yaml
stderr_has 2 "option '-o' needs an argument" status -o
stderr_has 2 "needs 'on' or 'off'" dry-run maybe
stderr_has 2 "needs 'on' or 'off'" dry-run
stderr_has 2 "needs exactly one CGROUP" release
stderr_has 2 "is not a valid cgroup path" release a/../b
stderr_has 2 "at most one decision ID" explain 1 2
# validated before connecting: exit 2 even with no daemon to ask
stderr_has 2 "'abc' is not a decision ID" explain abc --socket "$TMP/none.sock"
stderr_has 2 "'-1' is not a decision ID" explain -- -1
stderr_has 2 "-o: unknown format 'yaml' (table, wide or json)" candidates -o yaml
stderr_has 2 "--limit: '0' is not a number in 1..10000" history -n 0
stderr_has 2 "--interval: 'fast'" top -d fast
stderr_has 2 "unknown verb 'frobnicate'" frobnicate

# unreachable: exit 3, naming the socket
stderr_has 3 "cannot reach memtriaged at $TMP/none.sock: No such file or directory" status --socket "$TMP/none.sock"
MEMTRIAGE_SOCKET=$TMP/none.sock stderr_has 3 "$TMP/none.sock" candidates
touch "$TMP/notasocket"
stderr_has 3 "Connection refused" status --socket "$TMP/notasocket"
# a server that accepts and never answers: the client gives up after 5 s
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); time.sleep(8)' "$TMP/mute.sock" &
mute=$!
i=0
while [ ! -S "$TMP/mute.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
start=$(date +%s)
stderr_has 3 "no reply within 5 s" status --socket "$TMP/mute.sock"
[ $(( $(date +%s) - start )) -le 7 ] || fail "the client took more than 7 s to time out"
kill $mute 2>/dev/null

# --help on every verb: exit 0, a usage line, the exit statuses
for v in status candidates history explain snapshot policies reload release dry-run top; do
	"$M" "$v" --help >"$TMP/help" 2>&1 || fail "memtriage $v --help: exit $?"
	grep -q "^usage: memtriage $v" "$TMP/help" || fail "memtriage $v --help: no usage line"
	grep -q "3 the daemon is unreachable" "$TMP/help" || fail "memtriage $v --help: no exit statuses"
done
"$M" --help | grep -q "^  top " || fail "memtriage --help does not list top"

# bash completion: verbs, fixed words, and ids and paths from the daemon
COMPLETION=$MT_FIXTURES/../../completion/memtriage.bash
complete_words() { # words..., the last being the one completed
	PATH="$TMP/bin:$PATH" bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _memtriage; echo "${COMPREPLY[*]}"' \
		"$COMPLETION" "$@"
}
mkdir "$TMP/bin"
ln -s "$(realpath "$M")" "$TMP/bin/memtriage"
[ "$(complete_words memtriage dr)" = "dry-run" ] || fail "completion of 'dr'"
[ "$(complete_words memtriage dry-run "")" = "on off" ] || fail "completion of dry-run's argument"
[ "$(complete_words memtriage status -o "")" = "table wide json" ] || fail "completion of -o"
[ "$(complete_words memtriage simulate s.json -o "")" = "table wide json" ] || fail "completion of simulate -o"
[ "$(complete_words memtriage check-policy -)" = "--embedded --root --logs --own -h --help" ] ||
	fail "completion of check-policy's flags: $(complete_words memtriage check-policy -)"
[ "$(complete_words memtriage simulate -)" = "--policy-dir -o --output -h --help" ] ||
	fail "completion of simulate's flags: $(complete_words memtriage simulate -)"
[ "$(complete_words memtriage top --i)" = "--interval --iterations" ] || fail "completion of top's flags"
[ "$(complete_words memtriage history -)" = "--socket -o --output --wide -h --help -n --limit" ] ||
	fail "completion of history's flags: $(complete_words memtriage history -)"
# directories where a directory is meant, snapshot files for simulate
# (compgen lists them in directory order: sorted here)
complete_sorted() { complete_words "$@" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//'; }
mkdir -p "$TMP/comp/policies.d" "$TMP/comp/root"
touch "$TMP/comp/snap.json" "$TMP/comp/notes.txt"
[ "$(complete_sorted memtriage check-policy --root "$TMP/comp/")" = "$TMP/comp/policies.d $TMP/comp/root" ] ||
	fail "completion of --root: $(complete_words memtriage check-policy --root "$TMP/comp/")"
[ "$(complete_words memtriage check-policy --embedded --logs "$TMP/comp/r")" = "$TMP/comp/root" ] || fail "completion of --logs"
[ "$(complete_sorted memtriage check-policy "$TMP/comp/")" = "$TMP/comp/policies.d $TMP/comp/root" ] ||
	fail "completion of check-policy's DIR"
[ "$(complete_words memtriage simulate s.json --policy-dir "$TMP/comp/p")" = "$TMP/comp/policies.d" ] ||
	fail "completion of --policy-dir"
[ "$(complete_sorted memtriage simulate "$TMP/comp/")" = "$TMP/comp/policies.d $TMP/comp/root $TMP/comp/snap.json" ] ||
	fail "completion of simulate's SNAPSHOT: $(complete_words memtriage simulate "$TMP/comp/")"
# ids from the daemon that --socket names
[ "$(MEMTRIAGE_SOCKET=/nonexistent complete_words memtriage explain --socket "$SOCK" "")" = "42 41 40" ] ||
	fail "completion of explain ids through --socket"
[ "$(complete_words memtriage explain "")" = "42 41 40" ] || fail "completion of explain ids: $(complete_words memtriage explain "")"
[ "$(complete_words memtriage release system.)" = "system.slice/backup.service" ] || fail "completion of release paths"

# the daemon logged no warning for any of this
[ -s "$TMP/daemon.err" ] && fail "fake_daemon logged: $(cat "$TMP/daemon.err")"

[ "$failures" = 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "test_cli.sh: all checks passed"
