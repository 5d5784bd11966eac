#!/bin/sh
# usage: test/vm/demo.sh [BUILD_DIR]   (the README run command's fallback)
# Boots the real-kernel sandbox with demo containers (db high, web medium,
# batch low and leaking) and shows, live on this console, memtriaged's output
# once the daemon runs in the guest, else the containers' cgroup figures.
# MT_DEMO_SECONDS=N stops after N seconds (default: until Ctrl-C).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
[ -x "$build/test/vm/memhog" ] || { echo "demo.sh: $build is not built (ninja -C $build)" >&2; exit 1; }
seconds=${MT_DEMO_SECONDS:-0}
case $seconds in ''|*[!0-9]*) echo "demo.sh: MT_DEMO_SECONDS='$seconds' is not a whole number of seconds" >&2; exit 2 ;; esac
timeout=0
[ "$seconds" -gt 0 ] && timeout=$((seconds + 120))
echo "demo.sh: booting the sandbox (Ctrl-C to stop${seconds:+; }$( [ "$seconds" -gt 0 ] && echo "ends after ${seconds}s" ))" >&2
MT_VM_APPEND="mt.seconds=$seconds" MT_VM_TIMEOUT=$timeout exec "$here/run.sh" "$here/demo/demo.sh" "$build" --console
