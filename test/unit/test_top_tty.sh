#!/bin/sh
# `memtriage top` in a real terminal: tmux runs it against fake_daemon
# serving test/fixtures/cli; capture-pane shows what the screen holds.
# Checked: the whole screen at 100x24 and, after a resize, at 60x20
# (compared with test/fixtures/cli/expected/top-tty-*.txt, the clock
# masked); the frame is redrawn in place (one header on the screen and in
# the scrollback after several refreshes); a daemon that goes away is shown
# and top keeps running; q quits with status 0.
# usage: test_top_tty.sh MEMTRIAGE FAKE_DAEMON   (MT_FIXTURES set by meson)
# MT_UPDATE_EXPECTED=1 rewrites the expected screens instead of comparing.
set -u
M=$(realpath "$1")
FAKE=$2
FIX=${MT_FIXTURES:?}/cli
command -v tmux >/dev/null 2>&1 || { echo "tmux is not installed (deploy/install-deps.sh test)" >&2; exit 77; }
TMP=$(mktemp -d /tmp/mt-top-XXXXXX)
SOCK=$TMP/memtriage.sock
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
T() { tmux -S "$TMP/tmux.sock" -f /dev/null "$@"; }

"$FAKE" "$SOCK" "$FIX" >/dev/null 2>"$TMP/daemon.err" &
daemon=$!
cleanup() { T kill-server 2>/dev/null; kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$SOCK" ] || { echo "fake_daemon did not start: $(cat "$TMP/daemon.err")" >&2; exit 1; }

# screen: the pane's text, clock masked, trailing blanks dropped.
screen() { T capture-pane -p -t top "$@" | sed 's/^memtriage top  [0-9:]*  /memtriage top  HH:MM:SS  /; s/ *$//'; }
# wait_for TEXT: until the screen shows TEXT (a fixed string), 20 s at most.
wait_for() {
	i=0
	while [ $i -lt 200 ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# compare NAME: the screen against expected/NAME.
compare() {
	screen >"$TMP/screen"
	if [ "${MT_UPDATE_EXPECTED:-}" = 1 ]; then
		cp "$TMP/screen" "$FIX/expected/$1"
	elif ! cmp -s "$TMP/screen" "$FIX/expected/$1"; then
		fail "the screen differs from expected/$1:"
		diff -u "$FIX/expected/$1" "$TMP/screen" >&2
	fi
}

T new-session -d -s top -x 100 -y 24 \
	"MEMTRIAGE_SOCKET='$SOCK' TZ=UTC '$M' top -d 0.3; echo \$? >'$TMP/status'"
T set-option -t top remain-on-exit on
wait_for "ineligible: nothing-to-free" || fail "100x24: the candidates never showed"
screen | grep -qF "... and" && fail "100x24: candidates cut although they fit"
# several refreshes later: still one frame, drawn over the last
sleep 1
compare top-tty-100x24.txt
[ "$(T capture-pane -p -t top -S -1000 | grep -c '^memtriage top ')" = 1 ] ||
	fail "top scrolled instead of redrawing in place: $(T capture-pane -p -t top -S -1000 | grep -c '^memtriage top ') headers"

# a smaller window: the frame follows it, rows and columns
T resize-window -t top -x 60 -y 20
wait_for "... and 2 more" || fail "60x20: no '... and 2 more' after the resize"
compare top-tty-60x20.txt
long=$(screen | awk 'length($0) > 60' | head -1)
[ -z "$long" ] || fail "60x20: a line is longer than the window: $long"

# the daemon goes away: top says so and keeps going
kill "$daemon"; wait "$daemon" 2>/dev/null
wait_for "cannot reach memtriaged at $SOCK" || fail "a vanished daemon is not shown: $(screen)"
[ "$(T display-message -p -t top '#{pane_dead}')" = 0 ] || fail "top exited when the daemon went away"

# q quits, with status 0. The pane's shell writes top's status to a file:
# tmux 3.3a can mark a pane dead with pane_dead_status still empty (seen in
# about 1 run in 20).
T send-keys -t top q
i=0
while [ ! -s "$TMP/status" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/status" ] || fail "q did not quit top"
[ "$(cat "$TMP/status" 2>/dev/null)" = 0 ] || fail "top exited $(cat "$TMP/status" 2>/dev/null) on q"

[ "$failures" = 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "test_top_tty.sh: all checks passed"
