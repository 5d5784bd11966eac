#!/bin/sh
# usage: sweep.sh [--build DIR] [--only NAME,...] [--again] [--list]
# The control law's sweep (issue 16's proof; README.md "The sweep"): every
# slice below, one run.sh each, in this order (the most telling first, so a
# sweep cut short still has them). A slice whose rows are already complete
# in BUILD/test/bench/sweep/NAME.rows is skipped (a sweep resumes where it
# stopped; --again runs it anyway). Then every slice's rows together to
# BUILD/test/bench/sweep/all.rows and the tables (table.sh) to
# BUILD/test/bench/sweep/tables.md. Peers' rows that doc/comparison.md
# already has (the peers have not changed since) are not re-run: the slices
# name only what is new. Each boot runs under nice -n 10, one at a time.
# --list prints the slices and their boot counts, running nothing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
build=$src/build only="" again=0 list=0
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift ;;
	--only) only=$2; shift ;;
	--again) again=1 ;;
	--list) list=1 ;;
	-h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "sweep.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
build=$(cd "$build" && pwd)
mt=memtriaged-policy,memtriaged-default
peers=earlyoom,oomd,kernel,kernel-kubelet
# NAME BOOTS run.sh-ARGUMENTS
slices="
none        12 --sup $mt --swap none --rates 10,50,150,400,1000,fill leak
k8s         20 --sup $mt,earlyoom,oomd,kernel-kubelet --swap none --rates 10,150 --driver systemd,cgroupfs k8s
zram-half   12 --sup $mt,$peers --swap zram --leak-pages half --rates 150,1000 leak
disk         4 --sup $mt --swap disk --rates 150,1000 leak
disk-peers   4 --sup $peers --swap disk --rates 1000 leak
extra1000   12 --sup $mt --swap none --rates 10,50,150,400,1000,fill --extra-cgroups 1000 leak
grow         6 --sup $mt --swap none,zram,disk grow
"
out=$build/test/bench/sweep
mkdir -p "$out"

echo "$slices" | while read -r name boots args; do
	[ -n "$name" ] || continue
	case ",$only," in ,,|*",$name,"*) ;; *) continue ;; esac
	if [ $list = 1 ]; then echo "$name: $boots boots: run.sh $args"; continue; fi
	rows=$out/$name.rows
	if [ $again = 0 ] && [ -s "$rows" ] && ! grep -q 'incomplete=1' "$rows"; then
		echo "sweep: $name: complete rows in $rows, skipped (--again to re-run)"
		continue
	fi
	echo "sweep: $name ($boots boots) from $(date -u +%H:%M:%S) UTC: run.sh $args"
	# shellcheck disable=SC2086 # the arguments are words
	nice -n 10 "$here/run.sh" --build "$build" --tag sweep-$name --out "$rows" $args > "$out/$name.out" 2>&1 ||
		echo "sweep: $name: run.sh exit $? (see $out/$name.out)"
	echo "sweep: $name done $(date -u +%H:%M:%S) UTC, $(grep -c '^PEERS-ROW ' "$rows" 2>/dev/null || echo 0) rows"
done
[ $list = 1 ] && { echo "$slices" | awk 'NF { n += $2 } END { print "total: " n " boots" }'; exit 0; }
cat "$out"/*.rows 2>/dev/null | grep '^PEERS-ROW ' > "$out/all.rows.tmp" || true
mv "$out/all.rows.tmp" "$out/all.rows"
"$here/table.sh" "$out/all.rows" > "$out/tables.md"
echo "sweep: $(wc -l < "$out/all.rows") rows; tables in $out/tables.md"
echo "sweep: reproduce: $0 --build $build${only:+ --only $only}"
