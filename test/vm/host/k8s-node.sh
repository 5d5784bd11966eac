#!/bin/sh
# Host side of the k8s-node scenario: the metrics file memtriaged wrote in
# the guest (printed as "metrics-file| " lines) must pass `promtool check
# metrics`, which the guest does not have. Usage: k8s-node.sh CONSOLE_LOG
set -eu
log=$1
command -v promtool >/dev/null || { echo "host check: promtool not installed (Debian package prometheus)"; exit 1; }
f=$(mktemp)
trap 'rm -f "$f"' EXIT
sed -n 's/^metrics-file| //p' "$log" > "$f"
[ -s "$f" ] || { echo "host check: no metrics-file lines in $log"; exit 1; }
grep -q '^memtriage_kills_total{namespace="batch",pod="report-28413-q8m4n",container="report",reason="[a-z-]*"} 1$' "$f" ||
	{ echo "host check: the kill's series is not in the copied file"; exit 1; }
if ! out=$(promtool check metrics < "$f" 2>&1) || [ -n "$out" ]; then
	echo "host check: promtool check metrics on the guest's file:"
	echo "$out"
	exit 1
fi
echo "host check: promtool clean on the guest's metrics file ($(grep -vc '^#' "$f") samples)"
