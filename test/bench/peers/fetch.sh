#!/bin/sh
# Prints, one per line, PACKAGE VERSION DIR for each peer package unpacked
# from Debian's own archive (apt-get download + dpkg-deb -x, never
# installed): earlyoom, oomd, and oomd's one library a Debian 12 host may lack
# (libjsoncpp25). Cached outside the repository, like test/vm/kernel.sh's
# kernel, in ${MT_PEERS_CACHE:-$XDG_CACHE_HOME/memtriage/peers}/PKG_VERSION.
# The candidate version is what apt resolves now; offline, the newest cached
# one is used. Exit 0: all printed. Exit 77: a package can be neither
# downloaded nor found in the cache (the caller skips).
set -eu

cache=${MT_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memtriage/peers}
mkdir -p "$cache"

candidate() { apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1; }
newest_cached() { ls -d "$cache/$1"_*/ready 2>/dev/null | sort -V | tail -n 1 | sed 's,/ready$,,'; }

# A fresh machine may have empty package lists: as root, fill them once.
if [ -z "$(candidate earlyoom)" ] && [ "$(id -u)" -eq 0 ]; then
	apt-get update -qq >/dev/null 2>&1 || true
fi

exec 9>"$cache/.lock"
flock 9
for pkg in earlyoom oomd libjsoncpp25; do
	ver=$(candidate "$pkg")
	if [ -z "$ver" ]; then
		dir=$(newest_cached "$pkg")
		[ -n "$dir" ] || { echo "fetch.sh: apt cannot resolve $pkg and nothing is cached in $cache" >&2; exit 77; }
		echo "fetch.sh: apt cannot resolve $pkg; using cached $dir" >&2
		echo "$pkg ${dir##*/"$pkg"_} $dir"
		continue
	fi
	# ':' (an epoch) is not welcome in paths; Debian versions have no '/'.
	dir=$cache/${pkg}_$(echo "$ver" | tr : +)
	if [ ! -f "$dir/ready" ]; then
		tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		echo "fetch.sh: fetching $pkg $ver into $cache" >&2
		if ! (cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null 2>"$tmp/apt.err"); then
			cat "$tmp/apt.err" >&2
			old=$(newest_cached "$pkg")
			[ -n "$old" ] || { echo "fetch.sh: cannot download $pkg" >&2; exit 77; }
			echo "fetch.sh: download of $pkg failed; using cached $old" >&2
			echo "$pkg ${old##*/"$pkg"_} $old"
			rm -rf "$tmp"; trap - EXIT
			continue
		fi
		mkdir "$tmp/root"
		dpkg-deb -x "$tmp"/*.deb "$tmp/root"
		touch "$tmp/root/ready"
		rm -rf "$dir"
		mv "$tmp/root" "$dir"
		rm -rf "$tmp"; trap - EXIT
	fi
	echo "$pkg $ver $dir"
done
