#!/bin/sh
# Prints the path of a Debian 12 root filesystem tarball built by mmdebstrap
# from Debian's packages, building it once into a cache outside the
# repository (like kernel.sh's kernel). Usage: rootfs.sh NAME [PACKAGE...]
#   NAME      the flavour, part of the file name (container, systemd, ...)
#   PACKAGE   added to mmdebstrap's minbase variant
# The tarball is NAME-<hash of the package list>.tar, so a changed list
# builds a new one; offline, an existing one is used as it is.
# Exit 0: path printed. Exit 77: mmdebstrap missing or the mirror unreachable
# with nothing cached -- deploy/install-deps.sh installs mmdebstrap, and CI
# reaches deb.debian.org as it does for apt.
set -eu
name=$1; shift
cache=${MT_ROOTFS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memtriage/rootfs}
mkdir -p "$cache"
hash=$(echo "bookworm minbase $*" | sha256sum | cut -c1-12)
out=$cache/$name-$hash.tar
if [ -f "$out" ]; then echo "$out"; exit 0; fi
command -v mmdebstrap >/dev/null || { echo "rootfs.sh: mmdebstrap not installed (deploy/install-deps.sh test)" >&2; exit 77; }

# Concurrent tests: the lock serialises them; the second finds the file.
# Built to a temporary name renamed into place: never half a tarball.
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$out" ]; then
	tmp=$(mktemp "$cache/.build.XXXXXX.tar")
	trap 'rm -f "$tmp"' EXIT
	include=$(echo "$@" | tr ' ' ',')
	echo "rootfs.sh: mmdebstrap bookworm minbase${include:+ +$include} into $out" >&2
	# The mirror apt uses on this machine's sources (deb.debian.org on a
	# stock Debian 12), main only: Debian's own packages.
	if ! mmdebstrap --quiet --variant=minbase --format=tar ${include:+--include="$include"} \
		bookworm "$tmp" http://deb.debian.org/debian >&2; then
		echo "rootfs.sh: mmdebstrap failed (is deb.debian.org reachable?)" >&2
		exit 77
	fi
	mv "$tmp" "$out"
	trap - EXIT
fi
echo "$out"
