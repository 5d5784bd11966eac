#!/usr/bin/awk -f
# The S lines of test/bench/growth-noise.sh: per group, the slope over ~1 s
# windows (the sampler's) of four measures, in KiB/s:
#   sum  = memory.current + memory.swap.current   (what the daemon uses)
#   nosc = sum - swapcached
#   anon = anon + swap.current - swapcached
# and the window's swapcached and refault rates. Prints per group the
# median, p90 and max |slope| and max slope over windows where the group
# had swap (swap.current > 1 MiB) or refaulted, plus one line per window
# with the max sum slope (W lines) when -v windows=1.
function slope(a, b) { return (a - b) / ((t[g, i] - t[g, j]) / 1000) / 1024 }
$1 == "S" {
	g = $3; i = ++n[g]
	t[g, i] = $2; sum[g, i] = $4 + $5; sc[g, i] = $8; nosc[g, i] = $4 + $5 - $8
	an[g, i] = $6 + $5 - $8; rf[g, i] = $10 + $11; hi[g, i] = $13; sw[g, i] = $5
	groups[g] = 1
}
$1 == "HOLD" { hold[$3] = $2 }
function pct(arr, k, p,   m, x, y, tmp) {
	# arr[1..k] sorted copy -> p-th percentile
	for (x = 1; x <= k; x++) tmp[x] = arr[x]
	for (x = 2; x <= k; x++) { y = tmp[x]; m = x - 1; while (m > 0 && tmp[m] > y) { tmp[m + 1] = tmp[m]; m-- } tmp[m + 1] = y }
	m = int(p * k); if (m < 1) m = 1; if (m > k) m = k
	return tmp[m]
}
BEGIN { if (noise == "") noise = 256 }
END {
	for (g in groups) {
		k = 0; delete A; delete B; delete C; mx = mxn = mxa = mxh = mx5 = -1e18; mn = mnh = mn5 = 1e18; ms = 0
		for (i = 2; i <= n[g]; i++) {
			if (hold[g] && t[g, i] >= hold[g]) break
			for (j = i - 1; j > 1 && t[g, i] - t[g, j - 1] <= 1000; j--) ;
			if (t[g, i] - t[g, j] < 500) continue
			if (sw[g, i] < 1048576 && rf[g, i] == rf[g, j]) continue
			k++
			s1 = slope(sum[g, i], sum[g, j]); s2 = slope(nosc[g, i], nosc[g, j]); s3 = slope(an[g, i], an[g, j])
			A[k] = s1 < 0 ? -s1 : s1; B[k] = s2 < 0 ? -s2 : s2; C[k] = s3 < 0 ? -s3 : s3
			# both halves: the sum's rise over each half of the window
			for (h = j; h < i && t[g, h] - t[g, j] < (t[g, i] - t[g, j]) / 2; h++) ;
			ha = (sum[g, h] - sum[g, j]) / ((t[g, h] - t[g, j]) / 1000) / 1024
			hb = (sum[g, i] - sum[g, h]) / ((t[g, i] - t[g, h]) / 1000) / 1024
			s4 = (ha >= noise && hb >= noise) || (ha <= -noise && hb <= -noise) ? s1 : 0
			s5 = s1 >= noise || s1 <= -noise ? s1 : 0
			if (s4 > mxh) mxh = s4
			if (s5 > mx5) mx5 = s5
			if (s4 < mnh) mnh = s4
			if (s5 < mn5) mn5 = s5
			if (s1 < mn) mn = s1
			if (s1 > mx) { mx = s1; at = t[g, i] }
			if (s2 > mxn) mxn = s2
			if (s3 > mxa) mxa = s3
			if (sc[g, i] > ms) ms = sc[g, i]
			if (windows) printf "W %s %d sum %+.0f nosc %+.0f anon %+.0f swapcached %d KiB refaults/s %.0f swap %d MiB\n", g, t[g, i], s1, s2, s3, sc[g, i] / 1024, (rf[g, i] - rf[g, j]) / ((t[g, i] - t[g, j]) / 1000), sw[g, i] / 1048576
		}
		if (k == 0) { printf "%s: no window with swap\n", g; continue }
		printf "%s: %d windows; |sum| KiB/s median %.0f p90 %.0f, max +%.0f (t=%d); |sum-swapcached| median %.0f p90 %.0f max +%.0f; |anon+swap-sc| median %.0f p90 %.0f max +%.0f; swapcached max %d KiB\n", \
			g, k, pct(A, k, .5), pct(A, k, .9), mx, at, pct(B, k, .5), pct(B, k, .9), mxn, pct(C, k, .5), pct(C, k, .9), mxa, ms / 1024
		printf "%s: sum slope min %.0f max %.0f; after the %d KiB/s cut min %.0f max %.0f; both halves >= the cut: min %.0f max %.0f\n", g, mn, mx, noise, mn5, mx5, mnh, mxh
		if (hold[g]) {
			h0 = ""; for (i = 1; i <= n[g]; i++) if (t[g, i] >= hold[g]) { if (h0 == "") { h0 = hi[g, i]; t0 = t[g, i] } h1 = hi[g, i]; t1 = t[g, i] }
			printf "%s held at memory.high: high events %d -> %d over %.1f s (%.1f/s)\n", g, h0, h1, (t1 - t0) / 1000, (t1 > t0) ? (h1 - h0) / ((t1 - t0) / 1000) : 0
		}
	}
}
