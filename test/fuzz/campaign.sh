#!/bin/sh
# A fuzzing campaign: every libFuzzer target for N executions under
# ASan+UBSan (the -Dfuzz=true build instruments the whole library with
# both), seeded like the suite's short runs, then one table: target,
# executions, executions per second (wall clock, seeding included), coverage (libFuzzer's "cov", edges)
# and features ("ft").
#
# usage: test/fuzz/campaign.sh [BUILD_DIR [RUNS [TARGET...]]]
#   BUILD_DIR  a meson build configured with CC=clang -Dfuzz=true
#              (default build-fuzz; configured here when missing)
#   RUNS       executions per target (default 1000000)
# Run by hand, e.g. nice -n 15 test/fuzz/campaign.sh build-fuzz 1000000.
# Exit 1 if any target crashed (its log and reproducer path are printed).
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build-fuzz}
runs=${2:-1000000}
[ $# -gt 2 ] && shift 2 || set --
only=" $* "   # target names (none: all)
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true -Dvm_tests=false >/dev/null
fi
ninja -C "$build" >/dev/null
logs=$build/fuzz-campaign
mkdir -p "$logs"
# name, executable and seed argument of each fuzz test, from meson
meson introspect --tests "$build" | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if "fuzz" not in t["suite"] and "memtriage:fuzz" not in t["suite"]:
        continue
    seeds = [a for a in t["cmd"][1:] if a.startswith("-seed_inputs=")]
    print(t["name"], t["cmd"][0], seeds[0] if seeds else "", sep="\t")  # seed paths may hold spaces
' > "$logs/targets"
fail=0
printf '%-16s %12s %10s %8s %8s  %s\n' TARGET EXECS EXEC/S COV FT RESULT > "$logs/table"
tab=$(printf '\t')
while IFS=$tab read -r name exe seeds; do
	case $only in "  " | *" $name "*) ;; *) continue ;; esac
	log=$logs/$name.log
	corpus=$logs/$name.corpus
	mkdir -p "$corpus"
	result=ok
	t0=$(date +%s%N)
	set -- -runs="$runs" -rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$logs/$name-"
	[ -n "$seeds" ] && set -- "$@" "$seeds"
	if ! "$exe" "$@" "$corpus" > "$log" 2>&1; then
		result="CRASH (see $log)"
		fail=1
	fi
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	# from the wall clock: libFuzzer's own average rounds a sub-second run to 0
	rate=$([ -n "$execs" ] && [ "$ms" -gt 0 ] && echo $(( execs * 1000 / ms )) || echo -)
	cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -Eo 'ft: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	printf '%-16s %12s %10s %8s %8s  %s\n' "$name" "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" "$result" >> "$logs/table"
	tail -n 1 "$logs/table"
done < "$logs/targets"
echo
echo "# nice -n 15 test/fuzz/campaign.sh $build $runs"
cat "$logs/table"
exit $fail
