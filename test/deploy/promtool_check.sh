#!/bin/sh
# Lints the metrics file memtriage writes with `promtool check metrics`
# (parse errors and naming-convention problems both fail), and checks that
# the series node_exporter will publish are there.
# Usage: promtool_check.sh METRICS_SAMPLE
set -eu
sample=$1
command -v promtool >/dev/null || { echo "SKIP: promtool not installed (Debian package prometheus)"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$sample" "$tmp"
f=$tmp/memtriage.prom
[ -f "$f" ] || { echo "FAIL: $f not written"; exit 1; }
[ ! -e "$f.tmp" ] || { echo "FAIL: temp file left behind"; exit 1; }

if ! out=$(promtool check metrics <"$f" 2>&1); then
	echo "FAIL: promtool check metrics:"
	echo "$out"
	exit 1
fi
[ -z "$out" ] || { echo "FAIL: promtool check metrics said: $out"; exit 1; }

fail=0
for want in \
	'memtriage_kills_total{namespace="shop",pod="web-1",container="nginx",reason="node-deficit"} 1' \
	'memtriage_throttles_total{namespace="",pod="",container="my \"app\"\\\n.service",reason="psi"} 1' \
	'memtriage_kills_total{namespace="café",pod="p",container="c",reason="memory.max"} 1' \
	'memtriage_throttles_total{namespace="_other",pod="_other",container="_other",reason="_other"} 9' \
	'memtriage_memory_pressure_avg10_ratio{kind="some"} 0.3750' \
	'memtriage_node_deficit_bytes{resource="swap"} 1' \
	'memtriage_build_info{version="0.1.0"} 1'; do
	grep -qxF -- "$want" "$f" || { echo "FAIL: missing line: $want"; fail=1; }
done
# 255 own series (3 named, batch-0..251) + the overflow one with batch-252..260.
n=$(grep -c '^memtriage_kills_total{' "$f")
[ "$n" = 256 ] || { echo "FAIL: $n kills_total series, expected 256"; fail=1; }
[ "$fail" = 0 ] && echo "metrics: promtool clean, $(grep -vc '^#' "$f") samples"
exit "$fail"
