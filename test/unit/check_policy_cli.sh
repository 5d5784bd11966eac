#!/bin/sh
# memtriage check-policy end to end: every bad fixture fails with exactly its
# EXPECTED message; the shipped sets and a ConfigMap-shaped directory pass;
# the cgroup table for fixture node trees is exactly as reviewed.
# Usage: check_policy_cli.sh MEMTRIAGE FIXTURES_DIR POLICIES_DIR
set -u
unset COLUMNS # tables fit COLUMNS when it is set: the expected ones are whole
mt=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") fixtures=$2 policies=$3
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect_status() { # want, then command
	want=$1; shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $* exited $got, expected $want" >&2
		cat "$tmp/err" >&2
		fail=1
		return 1
	fi
}

cd "$fixtures/policies/bad" || exit 1
n=0
for case in */; do
	case=${case%/}
	dir=$case
	[ "$case" = missing-dir ] && dir=missing-dir/nonexistent
	if [ ! -f "$case/EXPECTED" ]; then
		echo "FAIL: $case has no EXPECTED" >&2
		fail=1
		continue
	fi
	expect_status 1 "$mt" check-policy "$dir" || continue
	if ! cmp -s "$tmp/err" "$case/EXPECTED"; then
		echo "FAIL: $case: message differs" >&2
		diff "$case/EXPECTED" "$tmp/err" >&2
		fail=1
	fi
	n=$((n + 1))
done
echo "bad cases checked: $n"
[ "$n" -ge 99 ] || { echo "FAIL: only $n bad cases" >&2; fail=1; }

expect_status 0 "$mt" check-policy "$policies/default" && echo "default: $(cat "$tmp/out")"
expect_status 0 "$mt" check-policy "$policies/examples" && echo "examples: $(cat "$tmp/out")"
expect_status 0 "$mt" check-policy --embedded
expect_status 0 "$mt" check-policy "$fixtures/policies/configmap"
grep -qx "$fixtures/policies/configmap: 9 policies, valid" "$tmp/out" || { echo "FAIL: configmap count" >&2; fail=1; }
expect_status 2 "$mt" check-policy
expect_status 2 "$mt" check-policy a b
expect_status 2 "$mt" check-policy --bogus x
expect_status 2 "$mt" check-policy --embedded x
expect_status 0 "$mt" check-policy --help

for tree in systemd-containerd systemd-crio cgroupfs-containerd cgroupfs-crio; do
	cd "$fixtures/k8s/$tree" || exit 1
	expect_status 0 "$mt" check-policy --embedded --root cgroup --logs logs --own system.slice/memtriage.service || continue
	if ! cmp -s "$tmp/out" EXPECTED-check-policy; then
		echo "FAIL: $tree table differs" >&2
		diff EXPECTED-check-policy "$tmp/out" >&2
		fail=1
	fi
done
exit $fail
