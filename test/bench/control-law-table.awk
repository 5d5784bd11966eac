# control-law-table.awk: the tables of doc/control-law.md from the lines of
# faultrate, notelat, samplecost and killlat, each prefixed by where it ran:
#   native faultrate mode=touch ...     guest notelat mode=high ...
# Every cell is "median (min-max)" over the runs of that row ("n/a" when no
# run gave a number); rows keep the order they first appear in.
# usage: awk -f control-law-table.awk LINES...

function add(tab, row, col, v) {
	if (!((tab, row) in seen)) { seen[tab, row] = 1; rows[tab, ++nrows[tab]] = row }
	if (v == "" || v == "none") return
	k = tab SUBSEP row SUBSEP col
	vals[k] = (k in vals) ? vals[k] " " v : v
}
function count(tab, row, col, yes) {
	if (!((tab, row) in seen)) { seen[tab, row] = 1; rows[tab, ++nrows[tab]] = row }
	tot[tab, row, col]++
	if (yes) hit[tab, row, col]++
}
function frac(tab, row, col) { return (hit[tab, row, col] + 0) "/" (tot[tab, row, col] + 0) }
# num: X with D decimals, never "-0".
function num(x, d,    s) { s = sprintf("%." d "f", x); if (s ~ /^-0(\.0*)?$/) s = substr(s, 2); return s }
# cell: median (min-max) of the numbers gathered, with D decimals.
function cell(tab, row, col, d,    k, n, a, i, j, t, med) {
	k = tab SUBSEP row SUBSEP col
	if (!(k in vals)) return "n/a"
	n = split(vals[k], a, " ")
	for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	med = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	if (n == 1) return num(med, d)
	return num(med, d) " (" num(a[1], d) "–" num(a[n], d) ")"
}

{
	where = $1; tool = $2
	delete kv
	for (i = 3; i <= NF; i++) { eq = index($i, "="); if (eq) kv[substr($i, 1, eq - 1)] = substr($i, eq + 1) }
}
tool == "faultrate" {
	row = where " | " kv["procs"] " | " kv["mode"] " | " kv["thp"]
	add("F", row, "mibps", kv["mibps"]); add("F", row, "slow", kv["slowest_proc_mibps"]); count("F", row, "n", 1)
}
tool == "notelat" {
	m = kv["mode"]
	if ("poll_ms" in kv) m = m " " kv["poll_ms"] " ms"
	if (m ~ /^high/ && kv["release_ms"] > 0) m = m ", held " kv["release_ms"] " ms"
	if (m ~ /^psi/) m = m " " kv["psi_us"] " us/1 s"
	rate = kv["rate_set"] == 0 ? "fill" : kv["rate_set"]
	row = m " | " rate
	add("N", row, "rate", kv["pre_mibps"])
	count("N", row, "fired", kv["notified"] == "yes")
	count("N", row, "before", kv["notified"] == "yes" && kv["oom_before_notify"] == "no")
	add("N", row, "lat", kv["latency_ms"])
	if (kv["notified"] == "yes") add("N", row, "past", kv["leaked_at_notify_mib"] - kv["threshold_mib"])
	if (kv["notified"] == "yes" && kv["oom_before_notify"] == "no") add("N", row, "left", kv["died_after_notify_ms"])
	if (m ~ /^high/) {
		add("H", row, "pre", kv["pre_mibps"]); add("H", row, "gap", kv["max_gap_ms"])
		add("H", row, "post", kv["post_mibps"])
		if (kv["release_ms"] > 0 && kv["held_ms"] > 0) add("H", row, "held", kv["held_mib"] * 1000 / kv["held_ms"])
		add("H", row, "wr", kv["release_write_us"]); add("H", row, "over", kv["over_high_kib"])
	}
	if (m ~ /^meminfo/) { add("M", row, "rd", kv["poll_read_us_avg"]); add("M", row, "rdmax", kv["poll_read_us_max"]) }
}
tool == "samplecost" {
	row = where " | " kv["what"] " | " kv["n"] " | " kv["method"]
	add("S", row, "med", kv["median_us"]); add("S", row, "p90", kv["p90_us"]); add("S", row, "per", kv["per_cgroup_us"])
}
tool == "killlat" {
	row = kv["mib"] " | " (kv["ram_mib"] > 0 ? "zram" : "none") " | " kv["procs"]
	add("K", row, "ram", kv["current_mib"]); add("K", row, "swap", kv["swap_mib"])
	add("K", row, "wr", kv["write_us"]); add("K", row, "pop", kv["populated_us"] / 1000)
	add("K", row, "empty", kv["empty_us"] == "none" ? "" : kv["empty_us"] / 1000)
}
tool == "env" { for (k in kv) env[k] = kv[k] }

END {
	if (nrows["F"]) {
		print "### Fault-in rate (MiB/s, aggregate over all processes)\n"
		print "| where | procs | mode | THP | runs | MiB/s | slowest process MiB/s |"
		print "|---|---|---|---|---|---|---|"
		for (i = 1; i <= nrows["F"]; i++) { r = rows["F", i]
			print "| " r " | " tot["F", r, "n"] " | " cell("F", r, "mibps", 0) " | " cell("F", r, "slow", 0) " |" }
		print ""
	}
	if (nrows["N"]) {
		print "### Notifications: leak into free memory, threshold = 64 MiB of MemAvailable left\n"
		print "| notification | leak rate set (MiB/s) | MiB/s at the crossing | fired | fired before the kernel's OOM kill | crossing → notification (ms) | MiB leaked past the threshold | notification → leaker dead by kernel OOM (ms) |"
		print "|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= nrows["N"]; i++) { r = rows["N", i]
			print "| " r " | " cell("N", r, "rate", 0) " | " frac("N", r, "fired") " | " frac("N", r, "before") " | " \
				cell("N", r, "lat", 1) " | " cell("N", r, "past", 0) " | " cell("N", r, "left", 0) " |" }
		print ""
	}
	if (nrows["H"]) {
		print "### memory.high as a tripwire: what the throttle costs the leaker at the crossing\n"
		print "| tripwire | leak rate set | MiB/s before | longest gap between two MiB, X-4..X+16 (ms) | MiB/s over the 16 MiB after X | MiB/s while held | write of \"max\" (µs) | usage past memory.high at the wakeup (KiB) |"
		print "|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= nrows["H"]; i++) { r = rows["H", i]
			print "| " r " | " cell("H", r, "pre", 0) " | " cell("H", r, "gap", 1) " | " cell("H", r, "post", 0) " | " \
				cell("H", r, "held", 1) " | " cell("H", r, "wr", 0) " | " cell("H", r, "over", 0) " |" }
		print ""
	}
	if (nrows["M"]) {
		print "### /proc/meminfo reads while the leak runs (µs)\n"
		print "| poller | leak rate set | mean read | worst read |"
		print "|---|---|---|---|"
		for (i = 1; i <= nrows["M"]; i++) { r = rows["M", i]
			print "| " r " | " cell("M", r, "rd", 0) " | " cell("M", r, "rdmax", 0) " |" }
		print ""
	}
	if (nrows["S"]) {
		print "### Cost of one sample (µs; memory.current + memory.swap.current of every cgroup)\n"
		print "| where | what | cgroups | method | per sample, median | per sample, p90 | per cgroup |"
		print "|---|---|---|---|---|---|---|"
		for (i = 1; i <= nrows["S"]; i++) { r = rows["S", i]
			print "| " r " | " cell("S", r, "med", 1) " | " cell("S", r, "p90", 1) " | " cell("S", r, "per", 2) " |" }
		print ""
	}
	if (nrows["K"]) {
		print "### Kill path: cgroup.kill write → populated 0 → memory back (from the write's start)\n"
		print "| group MiB | swap | processes | in RAM MiB | in swap MiB | write (µs) | populated 0 (ms) | current+swap < 1 MiB (ms) |"
		print "|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= nrows["K"]; i++) { r = rows["K", i]
			print "| " r " | " cell("K", r, "ram", 0) " | " cell("K", r, "swap", 0) " | " cell("K", r, "wr", 0) " | " \
				cell("K", r, "pop", 1) " | " cell("K", r, "empty", 1) " |" }
		print ""
	}
}
