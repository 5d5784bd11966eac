#!/bin/sh
# usage: steal.sh ROW STEALFILE
# What the host did to the guest over the windows of one PEERS-ROW, from
# hoststeal's lines in STEALFILE (hoststeal.c); prints the words to append:
#   host_steal_ms=EPISODE/BASELINE gap_steal_ms=NAME:MS,...
#   host_loop_wait_ms=EPISODE/BASELINE gap_loop_wait_ms=NAME:MS,...
# steal: CPU-ms the hypervisor took from the host, summed over its CPUs (2
# CPUs stolen for 50 ms read 100); loop wait: ms QEMU's main-loop thread,
# which fires the guest's timers, waited for a host CPU. EPISODE spans t0_ms
# to t0_ms + episode_ms, BASELINE the idle baseline's baseline_ms=FROM-TO,
# and each survivor's window is its worst gap, which ended gap_at_ms after
# t0 and lasted its gaps_ms figure. hoststeal sees a steal at its first 5 ms
# sample after it and counts in 10 ms ticks, so a window takes what arrived
# up to 10 ms after its end. "-" where the row or the sync line lacks what a
# figure needs.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 ROW STEALFILE" >&2; exit 2; }
row=$1 file=$2
none="host_steal_ms=- gap_steal_ms=- host_loop_wait_ms=- gap_loop_wait_ms=-"
[ -r "$file" ] || { echo "$none"; exit 0; }
printf '%s\n' "$row" | awk -v file="$file" -v none="$none" '
# sum(A, B, COL): column COL (1 steal ms, 2 loop wait us) over samples in (A, B + 10]
function sum(a, b, col,   i, s) {
	s = 0
	for (i = 1; i <= n; i++) if (at[i] > a && at[i] <= b + 10) s += col == 1 ? st[i] : lw[i]
	return col == 1 ? s : int(s / 1000)
}
function win(col,   ep, bs, b) {
	ep = v["episode_ms"] ~ /^[0-9]+$/ ? sum(t0, t0 + v["episode_ms"], col) : "-"
	bs = split(v["baseline_ms"], b, "-") == 2 ? sum(b[1] + 0, b[2] + 0, col) : "-"
	return ep "/" bs
}
function gaps(col,   out, ng, g, i, kv, gb, end, na, a, j, akv, e) {
	out = ""; ng = split(v["gaps_ms"], g, ",")
	for (i = 1; i <= ng; i++) {
		split(g[i], kv, ":"); split(kv[2], gb, "/")
		if (gb[1] !~ /^[0-9]+$/) continue
		end = "-"; na = split(v["gap_at_ms"], a, ",")
		for (j = 1; j <= na; j++) { split(a[j], akv, ":"); if (akv[1] == kv[1]) end = akv[2] }
		if (end !~ /^-?[0-9]+$/) continue
		e = t0 + end
		out = out "," kv[1] ":" sum(e - gb[1], e, col)
	}
	sub(/^,/, "", out)
	return out == "" ? "-" : out
}
{ for (i = 1; i <= NF; i++) { k = $i; sub(/=.*/, "", k); v[k] = substr($i, length(k) + 2) } }
END {
	synced = 0; n = 0
	while ((getline line < file) > 0) {
		if (line ~ /^HOSTSTEAL sync=1/) synced = 1
		if (line ~ /^HOSTSTEAL at_ms=/) {
			split(line, w, /[= ]/); n++; at[n] = w[3] + 0; st[n] = w[5] + 0; lw[n] = w[7] + 0
		}
	}
	if (!synced || v["t0_ms"] !~ /^[0-9]+$/) { print none; exit }
	t0 = v["t0_ms"] + 0
	printf "host_steal_ms=%s gap_steal_ms=%s host_loop_wait_ms=%s gap_loop_wait_ms=%s\n", win(1), gaps(1), win(2), gaps(2)
}'
