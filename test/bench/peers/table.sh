#!/bin/sh
# usage: table.sh ROWS
# Turns PEERS-ROW lines (test/bench/peers/guest.sh) into the markdown
# tables of doc/comparison.md: one row per boot, a summary per supervisor,
# then the control law's proof (issue 16): one row per boot with the hold,
# kill-time, swap-room and stall columns, and wakeup -> cgroup.kill per
# supervisor and number of extra cgroups (median and worst).
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
	sc = kv($0, "scn"); if (kv($0, "driver") != "-" && kv($0, "driver") != "") sc = sc "/" kv($0, "driver")
	printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s / %s |\n", kv($0, "bystanders_killed"), sc,
		kv($0, "swap"), kv($0, "rate"), s, kv($0, "killed"), kv($0, "kernel_oom_kills"), kv($0, "leak_mib"),
		kv($0, "cross_to_kill_ms"), h, g, kv($0, "psi_full_ms"), kv($0, "episode_ms"), kv($0, "sup_cpu_ms"), kv($0, "decisions"), kv($0, "throttles")
	rows[s]++; bk[s] += kv($0, "bystanders_killed"); if (kv($0, "bystanders_killed") > 0) bkr[s]++
	if (kv($0, "kernel_oom_kills") > 0) kr[s]++
	k = kv($0, "killed"); sc = kv($0, "scn")
	if ((sc == "leak" && k ~ /leaker/) || (sc == "multi" && k ~ /multi\(3\/3\)/) || (sc == "k8s" && k ~ /leakpod\(2\/2\)/)) right[s]++
	if (sc == "multi" && k ~ /multi\([12]\/3\)/) half[s]++
	if (sc == "grow") { gb_[s]++; nv = split(k, kk, ","); for (j = 1; j <= nv; j++) if (kk[j] ~ /^cheap/) vic[s]++ }
	if (k == "none") none[s]++
	m = split(kv($0, "gaps_ms"), ga, ",")
	for (i = 1; i <= m; i++) { split(ga[i], gb, "[:/]"); if (gb[2] != "killed" && gb[2] + 0 > worst[s]) worst[s] = gb[2] + 0 }
	c = kv($0, "sup_cpu_ms"); if (c != "-") cpu[s] += c
}
END {
	print ""
	print "| supervisor | boots | boots with a bystander killed | bystanders killed | leak/multi/k8s: whole leaking container killed | multi: part of it killed | grow: cheap victims / boots (2 needed each) | boots with a kernel OOM kill | boots where nobody died | worst bystander gap ms | supervisor CPU ms, all boots | incomplete |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= n; i++) {
		s = order[i]; if (seen[s]++) continue
		printf "| %s | %d | %d | %d | %d | %d | %d / %d | %d | %d | %d | %d | %d |\n", s, rows[s], bkr[s], bk[s], right[s], half[s], vic[s], gb_[s], kr[s], none[s], worst[s], cpu[s], inc[s]
	}
}' "$1"
awk '
function kv(line, k,    n, i, a, b) {
	n = split(line, a, " ")
	for (i = 2; i <= n; i++) { split(a[i], b, "="); if (b[1] == k) return substr(a[i], length(k) + 2) }
	return "-"
}
function mib(k) { return k ~ /^[0-9]+$/ ? int(k / 1024) : "-" }
# named(LIST, NAME): the value of NAME in a NAME:VALUE,... list, or ""
function named(l, nm,   a, n, i, kv2) { n = split(l, a, ","); for (i = 1; i <= n; i++) { split(a[i], kv2, ":"); if (kv2[1] == nm) return kv2[2] } return "" }
# hostnote(ROW): the host stall inside the worst bystander gap (the figures of
# steal.sh) when it reached 10 ms: a gap the host made, not the guest
function hostnote(r,   g, n, i, kv2, b, m, w, st, lw) {
	n = split(kv(r, "gaps_ms"), g, ","); m = -1; w = ""
	for (i = 1; i <= n; i++) {
		split(g[i], kv2, ":"); split(kv2[2], b, "/")
		if (b[1] !~ /^[0-9]+$/) continue
		if (b[1] / (b[2] > 0 ? b[2] : 1) > m) { m = b[1] / (b[2] > 0 ? b[2] : 1); w = kv2[1] }
	}
	if (w == "") return ""
	st = named(kv(r, "gap_steal_ms"), w) + 0; lw = named(kv(r, "gap_loop_wait_ms"), w) + 0
	return st >= 10 || lw >= 10 ? sprintf(" (host: steal %d, QEMU loop wait %d ms)", st, lw) : ""
}
BEGIN {
	print ""
	print "| scenario | swap | rate MiB/s | supervisor | extra cgroups | leaker pages | killed | kernel OOM kills | leaking container dead whole | held (memory.high changed) | k8s: Guaranteed/Burstable/kube-system touched | hold began to death ms | reserve crossed to death ms | reserve crossed to cgroup.kill ms | wakeup to cgroup.kill ms | leaker swap at death / swap room MiB (%); zram at its fullest: stored MiB at ratio | worst bystander gap / idle | PSI full ms / episode ms |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
}
/^PEERS-ROW / {
	if (kv($0, "incomplete") == "1") next
	sc = kv($0, "scn"); if (kv($0, "driver") != "-") sc = sc "/" kv($0, "driver")
	s = kv($0, "sup"); x = kv($0, "extra"); if (x == "-") x = 0
	w = kv($0, "wake_to_kill_us"); wm = w ~ /^[0-9]+$/ ? sprintf("%.1f", w / 1000) : w
	if (kv($0, "cgkill_pids") == "0") wm = wm " (no process left)"
	sw = "-"; if (kv($0, "swap") != "none") sw = mib(kv($0, "leak_swap_kib")) " / " mib(kv($0, "swap_room_kib")) " (" kv($0, "leak_swap_pct") " %)"
	zo = kv($0, "zram_orig_kib"); zc = kv($0, "zram_compr_kib")
	if (zo ~ /^[0-9]+$/ && zc ~ /^[0-9]+$/ && zc > 0) sw = sw sprintf("; zram %d MiB at %.1f:1", zo / 1024, zo / zc)
	printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |\n", sc, kv($0, "swap"), kv($0, "rate"), s,
		x, kv($0, "pages"), kv($0, "killed"), kv($0, "kernel_oom_kills"), kv($0, "whole"), kv($0, "held"), kv($0, "valued_touched"),
		kv($0, "hold_to_death_ms"), kv($0, "cross_to_kill_ms"), kv($0, "cross_to_cgkill_ms"), wm, sw, kv($0, "gap_ratio") hostnote($0),
		kv($0, "psi_full_ms"), kv($0, "episode_ms")
	if (w ~ /^[0-9]+$/) { key = s " | " x; if (!(key in nl)) order[++nk] = key; nl[key]++; lat[key, nl[key]] = w / 1000 }
}
END {
	if (!nk) exit
	print ""
	print "| supervisor | extra cgroups | kills timed | wakeup to cgroup.kill ms, median | worst |"
	print "|---|---|---|---|---|"
	for (i = 1; i <= nk; i++) {
		key = order[i]; m = nl[key]
		for (a = 1; a <= m; a++) v[a] = lat[key, a]
		for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (v[b] < v[a]) { t = v[a]; v[a] = v[b]; v[b] = t }
		printf "| %s | %d | %.1f | %.1f |\n", key, m, m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2, v[m]
	}
}' "$1"
