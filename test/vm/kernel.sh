#!/bin/sh
# Prints the directory of an unpacked Debian cloud kernel (boot/vmlinuz-*,
# lib/modules/*), fetching it once into a cache outside the repository.
# The version is resolved through the metapackage linux-image-cloud-amd64, so
# a new Debian kernel is picked up without editing this file. Offline, the
# newest kernel already in the cache is used.
# Exit 0: path printed. Exit 77: no kernel can be had (nothing cached, and apt
# cannot resolve or download one) -- the caller skips.
set -eu

cache=${MT_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memtriage/kernel}
mkdir -p "$cache"

newest_cached() {
	ls -d "$cache"/linux-image-*/ready 2>/dev/null | sort -V | tail -n 1 | sed 's,/ready$,,'
}

resolve() {
	apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-cloud-amd64\)$/\1/p' | head -n 1
}
pkg=$(resolve) || pkg=""
# A fresh machine (a CI image) may have empty package lists: as root, fill
# them once rather than skip.
if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
	apt-get update -qq >/dev/null 2>&1 || true
	pkg=$(resolve) || pkg=""
fi
if [ -z "$pkg" ]; then
	dir=$(newest_cached)
	if [ -n "$dir" ]; then
		echo "kernel.sh: apt cannot resolve linux-image-cloud-amd64; using cached $dir" >&2
		echo "$dir"; exit 0
	fi
	echo "kernel.sh: apt cannot resolve linux-image-cloud-amd64 and nothing is cached in $cache" >&2
	exit 77
fi

dir=$cache/$pkg
if [ -f "$dir/ready" ]; then echo "$dir"; exit 0; fi

# Two tests may fetch at once: the lock serialises them, the second finds
# "ready" and reuses the first one's work. The unpack goes to a temporary
# directory renamed into place, so a killed fetch never leaves half a kernel.
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$dir/ready" ]; then
	tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "kernel.sh: fetching $pkg into $cache" >&2
	if ! (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>"$tmp/apt.err"); then
		cat "$tmp/apt.err" >&2
		old=$(newest_cached)
		if [ -n "$old" ]; then
			echo "kernel.sh: download of $pkg failed; using cached $old" >&2
			echo "$old"; exit 0
		fi
		echo "kernel.sh: cannot download $pkg" >&2
		exit 77
	fi
	mkdir "$tmp/root"
	dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/root"
	ls "$tmp"/root/boot/vmlinuz-* >/dev/null
	touch "$tmp/root/ready"
	rm -rf "$dir"
	mv "$tmp/root" "$dir"
fi
echo "$dir"
