#!/bin/sh
# The README's test command: installs what the tests need, then builds and
# runs every suite three ways -- warnings fatal (unit, vm), ASan+UBSan
# (unit), clang libFuzzer (fuzz). Exits non-zero if anything fails.
set -eu
cd "$(dirname "$0")/.."

./deploy/install-deps.sh test

setup() { # dir, then meson options
	dir=$1; shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir" >/dev/null
}

# meson counts a skipped test (exit 77: a tool or the guest kernel could not
# be had) as a success; here a skip fails the run, naming the tests.
no_skips() { # dir
	skipped=$(python3 -c 'import json, sys
for l in open(sys.argv[1]):
    t = json.loads(l)
    if t["result"] == "SKIP":
        print(t["name"])' "$1/meson-logs/testlog.json")
	if [ -n "$skipped" ]; then
		echo "test/run.sh: skipped in $1 (a skip is not a pass):" $skipped >&2
		exit 1
	fi
}

echo "== build: gcc, warnings fatal"
setup build -Dwerror=true
meson test -C build --print-errorlogs --num-processes 2
no_skips build

echo "== build-asan: unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=all -Dvm_tests=false
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	meson test -C build-asan --suite unit --print-errorlogs
no_skips build-asan

echo "== build-fuzz: every parser under libFuzzer"
(export CC=clang; setup build-fuzz -Dfuzz=true -Dvm_tests=false)
meson test -C build-fuzz --suite fuzz --print-errorlogs
no_skips build-fuzz

echo "== all suites passed"
