#!/bin/sh
# usage: smoke.sh BUILD_DIR
# The peers harness's smoke run (suite vm): one scenario (leak, no swap, 150
# MiB/s), every supervisor, short windows. Passes when every supervisor
# produced a complete row -- every field present and of the right form --
# and says nothing about who did better (that is doc/comparison.md's job).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
sups="memtriaged-policy memtriaged-default earlyoom oomd kernel kernel-kubelet"
rows=$build/test/bench/peers-smoke.rows
rm -f "$rows"
rc=0
"$here/run.sh" --build "$build" --tag peers-smoke --quick --swap none --rates 150 --out "$rows" \
	--sup "$(echo $sups | tr ' ' ,)" leak || rc=$?
[ $rc -ne 77 ] || exit 77
[ -f "$rows" ] || { echo "smoke.sh: FAIL: no rows (run.sh exit $rc)"; exit 1; }
fail=0
check() { # SUP ROW
	s=$1 row=$2
	[ -n "$row" ] || { echo "smoke.sh: FAIL: $s: no row"; return 1; }
	case $row in *incomplete=1*) echo "smoke.sh: FAIL: $s: the boot gave no complete row"; return 1 ;; esac
	# key and the form its value must have (a number, or the words allowed)
	for kr in 'bystanders_killed=[0-9]+' 'killed=[a-z0-9(),/]+' 'kernel_oom_kills=[0-9]+' 'leak_mib=[0-9]+' \
		'cross_to_kill_ms=(-?[0-9]+|before|-)' 'end=(died|signal|timeout)' \
		'gaps_ms=valuable:[0-9k][a-z0-9]*/[0-9]+,cheap1:[0-9k][a-z0-9]*/[0-9]+,cheap2:[0-9k][a-z0-9]*/[0-9]+,cheap3:[0-9k][a-z0-9]*/[0-9]+' \
		'psi_full_ms=[0-9]+' 'episode_ms=[0-9]+' 'decisions=[0-9]+' 'min_headroom_kib=[0-9]+' \
		'pages=random' 'extra=0' 'held=[a-z0-9,]+' 'whole=[01]/1' 'gap_ratio=([0-9]+\.[0-9]|-)' \
		'hold_to_death_ms=(-?[0-9]+|-)' 'swap_room_kib=0' 'leak_swap_pct=-'; do
		echo " $row " | grep -Eq " $kr " || { echo "smoke.sh: FAIL: $s: field ${kr%%=*} missing or malformed in: $row"; return 1; }
	done
	case $s in
	memtriaged-*)
		# a time when its kill line was found (the kernel may kill first: -)
		echo " $row " | grep -Eq ' wake_to_kill_us=(-|[0-9]+) ' ||
			{ echo "smoke.sh: FAIL: $s: field wake_to_kill_us malformed in: $row"; return 1; } ;;
	*) echo " $row " | grep -q ' wake_to_kill_us=- ' ||
		{ echo "smoke.sh: FAIL: $s: a memtriaged kill time without memtriaged"; return 1; } ;;
	esac
	case $s in
	kernel*) echo " $row " | grep -q ' sup_cpu_ms=- ' || { echo "smoke.sh: FAIL: $s: a supervisor CPU time without a supervisor"; return 1; } ;;
	*) echo " $row " | grep -Eq ' sup_cpu_ms=[0-9]+ ' || { echo "smoke.sh: FAIL: $s: no supervisor CPU time"; return 1; } ;;
	esac
	echo "smoke.sh: ok: $s"
}
for s in $sups; do
	check "$s" "$(grep "^PEERS-ROW .* sup=$s " "$rows" || true)" || fail=1
done
[ "$(grep -c '^PEERS-ROW ' "$rows")" -eq 6 ] || { echo "smoke.sh: FAIL: want 6 rows"; fail=1; }
[ $fail -eq 0 ] && [ $rc -eq 0 ] || { echo "smoke.sh: FAIL (run.sh exit $rc)"; exit 1; }
echo "smoke.sh: PASS: every supervisor reported a complete row"
