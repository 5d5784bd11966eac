#!/bin/sh
# usage: table.sh ROWS
# Turns PEERS-ROW lines (test/bench/peers/guest.sh) into the two markdown
# tables of doc/comparison.md: one row per boot, then a summary per supervisor.
set -eu
awk '
function kv(line, k,    n, i, a, b) {
	n = split(line, a, " ")
	for (i = 2; i <= n; i++) { split(a[i], b, "="); if (b[1] == k) return substr(a[i], length(k) + 2) }
	return "-"
}
BEGIN {
	print "| bystanders killed | scenario | swap | rate MiB/s | supervisor | killed | kernel OOM kills | leaker/grower MiB at end | reserve crossed to kill ms | least headroom MiB | worst gap ms (episode/idle) | PSI full ms / episode ms | supervisor CPU ms | kill decisions / throttles |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
}
/^PEERS-ROW / {
	s = kv($0, "sup"); n++; order[n] = s
	if (kv($0, "incomplete") == "1") {
		printf "| ? | %s | %s | %s | %s | (no complete row) ||||||||\n", kv($0, "scn"), kv($0, "swap"), kv($0, "rate"), s
		inc[s]++; rows[s]++; next
	}
	g = kv($0, "gaps_ms"); gsub(",", " ", g)
	h = kv($0, "min_headroom_kib"); if (h != "-") h = int(h / 1024)
	printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s / %s |\n", kv($0, "bystanders_killed"), kv($0, "scn"),
		kv($0, "swap"), kv($0, "rate"), s, kv($0, "killed"), kv($0, "kernel_oom_kills"), kv($0, "leak_mib"),
		kv($0, "cross_to_kill_ms"), h, g, kv($0, "psi_full_ms"), kv($0, "episode_ms"), kv($0, "sup_cpu_ms"), kv($0, "decisions"), kv($0, "throttles")
	rows[s]++; bk[s] += kv($0, "bystanders_killed"); if (kv($0, "bystanders_killed") > 0) bkr[s]++
	if (kv($0, "kernel_oom_kills") > 0) kr[s]++
	k = kv($0, "killed"); sc = kv($0, "scn")
	if ((sc == "leak" && k ~ /leaker/) || (sc == "multi" && k ~ /multi\(3\/3\)/)) right[s]++
	if (sc == "multi" && k ~ /multi\([12]\/3\)/) half[s]++
	if (sc == "grow") { gb_[s]++; nv = split(k, kk, ","); for (j = 1; j <= nv; j++) if (kk[j] ~ /^cheap/) vic[s]++ }
	if (k == "none") none[s]++
	m = split(kv($0, "gaps_ms"), ga, ",")
	for (i = 1; i <= m; i++) { split(ga[i], gb, "[:/]"); if (gb[2] != "killed" && gb[2] + 0 > worst[s]) worst[s] = gb[2] + 0 }
	c = kv($0, "sup_cpu_ms"); if (c != "-") cpu[s] += c
}
END {
	print ""
	print "| supervisor | boots | boots with a bystander killed | bystanders killed | leak/multi: whole leaking container killed | multi: part of it killed | grow: cheap victims / boots (2 needed each) | boots with a kernel OOM kill | boots where nobody died | worst bystander gap ms | supervisor CPU ms, all boots | incomplete |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= n; i++) {
		s = order[i]; if (seen[s]++) continue
		printf "| %s | %d | %d | %d | %d | %d | %d / %d | %d | %d | %d | %d | %d |\n", s, rows[s], bkr[s], bk[s], right[s], half[s], vic[s], gb_[s], kr[s], none[s], worst[s], cpu[s], inc[s]
	}
}' "$1"
