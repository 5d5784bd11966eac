#!/bin/sh
# The README's run command: installs what is needed, builds, and runs the
# supervisor -- on this host's cgroup v2 hierarchy when it can serve, otherwise
# live in the bundled real-kernel sandbox with demo workloads.
set -eu
cd "$(dirname "$0")/.."

./deploy/install-deps.sh run
if [ -f build/build.ninja ]; then meson setup --reconfigure build >/dev/null; else meson setup build >/dev/null; fi
ninja -C build >/dev/null

if ./build/cmd/memtriaged/memtriaged --check-host; then
	exec ./build/cmd/memtriaged/memtriaged "$@"
fi
echo "memtriage: this host cannot serve; starting the real-kernel sandbox demo" >&2
exec ./test/vm/demo.sh build
