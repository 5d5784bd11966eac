#!/bin/sh
# The host meter's arithmetic, exactly: steal.sh's windows on a fixed row
# and hoststeal file, table.sh's mark on a gap the host stalled, and
# hoststeal's sync on a serial log with NUL bytes and the sync line split
# across two reads.
# usage: test_steal.sh HOSTSTEAL   (run from meson; finds its scripts beside it)
set -u
HS=$1
here=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d /tmp/mt-steal-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
failures=0
check() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: got '$2', want '$3'" >&2; failures=$((failures + 1)); fi
}

# t0 10000, episode to 16000, baseline 4000-9000; valuable's worst gap
# 40 ms ending at 13000, cheap1's 30 ms ending at 15000; cheap2 died.
row="PEERS-ROW scn=leak gap_ratio=2.0 t0_ms=10000 episode_ms=6000 baseline_ms=4000-9000 gaps_ms=valuable:40/20,cheap1:30/20,cheap2:killed/20 gap_at_ms=valuable:3000,cheap1:5000"
cat > "$TMP/steal" <<'S'
HOSTSTEAL sync=1 total_ms=100 loop_wait_ms=50 qemu=42
HOSTSTEAL at_ms=3990 ms=50 loop_us=0
HOSTSTEAL at_ms=5000 ms=20 loop_us=0
HOSTSTEAL at_ms=12950 ms=70 loop_us=0
HOSTSTEAL at_ms=12980 ms=30 loop_us=2500
HOSTSTEAL at_ms=13005 ms=0 loop_us=1500
HOSTSTEAL at_ms=15000 ms=10 loop_us=9000
HOSTSTEAL at_ms=16005 ms=40 loop_us=0
HOSTSTEAL at_ms=16500 ms=90 loop_us=0
S
# 3990 is before the baseline, 12950 before valuable's gap (but in the
# episode), 13005 and 16005 within the 10 ms a tick can arrive late, 16500
# after everything.
check "steal.sh windows" "$("$here/steal.sh" "$row" "$TMP/steal")" \
	"host_steal_ms=150/20 gap_steal_ms=valuable:30,cheap1:10 host_loop_wait_ms=13/0 gap_loop_wait_ms=valuable:4,cheap1:9"
sed 's/sync=1/sync=0/' "$TMP/steal" > "$TMP/nosync"
check "steal.sh without sync" "$("$here/steal.sh" "$row" "$TMP/nosync")" \
	"host_steal_ms=- gap_steal_ms=- host_loop_wait_ms=- gap_loop_wait_ms=-"
check "steal.sh without a file" "$("$here/steal.sh" "$row" "$TMP/none")" \
	"host_steal_ms=- gap_steal_ms=- host_loop_wait_ms=- gap_loop_wait_ms=-"

# table.sh marks the worst gap (valuable, 2.0x) with what the host did in it.
echo "$row $("$here/steal.sh" "$row" "$TMP/steal")" > "$TMP/rows"
check "table.sh mark" "$("$here/table.sh" "$TMP/rows" | grep -o '2\.0 (host: [^|]*)' | head -n 1)" \
	"2.0 (host: steal 30, QEMU loop wait 4 ms)"
sed 's/gap_steal_ms=valuable:30/gap_steal_ms=valuable:0/; s/gap_loop_wait_ms=valuable:4/gap_loop_wait_ms=valuable:9/' "$TMP/rows" > "$TMP/rows2"
check "table.sh no mark under 10 ms" "$("$here/table.sh" "$TMP/rows2" | grep -c '(host:')" "0"

# hoststeal: the sync line after NUL bytes, split across two reads.
log=$TMP/console.log.raw
"$HS" "$log" > "$TMP/hs.out" &
hs=$!
sleep 0.2
printf 'firmware\000\000junk\nMT-SY' > "$log"
sleep 0.2
printf 'NC uptime_ms=12345\nmore\n' >> "$log"
sleep 0.2
kill "$hs"; wait "$hs"
check "hoststeal exit" "$?" "0"
check "hoststeal sync" "$(head -n 1 "$TMP/hs.out" | sed 's/total_ms=[0-9]*/total_ms=N/')" \
	"HOSTSTEAL sync=1 total_ms=N loop_wait_ms=-1 qemu=0"
# Any steal seen is placed near the sync's uptime (the test lasts < 1 s).
bad=$(sed -n 's/^HOSTSTEAL at_ms=\([-0-9]*\) ms=[0-9]* loop_us=0$/\1/p' "$TMP/hs.out" | awk '$1 < 11000 || $1 > 13500' | wc -l)
check "hoststeal event times" "$bad" "0"
check "hoststeal event lines" "$(grep -vc -E '^HOSTSTEAL (sync=|at_ms=[-0-9]+ ms=[0-9]+ loop_us=0$)' "$TMP/hs.out")" "0"
"$HS" > /dev/null 2>&1
check "hoststeal usage" "$?" "2"

[ $failures -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
