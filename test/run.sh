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

echo "== build: gcc, warnings fatal"
setup build -Dwerror=true
meson test -C build --print-errorlogs --num-processes 2

echo "== build-asan: unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=all -Dvm_tests=false
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	meson test -C build-asan --suite unit --print-errorlogs

echo "== build-fuzz: every parser under libFuzzer"
(export CC=clang; setup build-fuzz -Dfuzz=true -Dvm_tests=false)
meson test -C build-fuzz --suite fuzz --print-errorlogs

echo "== all suites passed"
