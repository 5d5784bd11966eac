#!/bin/sh
# The image's build context, proven without a container engine: copies
# exactly what deploy/Containerfile's build stage COPYs from the repository
# (nothing else) into an empty directory, then runs the stage's own meson
# setup, ninja and meson install there, and the installed memtriaged
# --version. A file the build reads but the Containerfile does not copy
# fails here as it would in `podman build` (issue 14: lib/meson.build needs
# policies/embed.py). image_build.sh builds the real image.
# Usage: containerfile_context.sh SRCDIR
set -eu
src=$1
cf=$src/deploy/Containerfile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ctx=$tmp/src
mkdir "$ctx"

# The build stage: from the first FROM to the second.
sed -n '/^FROM /{x;s/^/x/;x};x;/^x$/{x;p;x};x' "$cf" > "$tmp/stage"
grep -q '^RUN meson setup' "$tmp/stage" || { echo "FAIL: no 'RUN meson setup' in the build stage"; exit 1; }
n=0
while read -r word rest; do
	[ "$word" = COPY ] || continue
	case "$rest" in --*) continue ;; esac
	set -- $rest
	while [ $# -gt 1 ]; do
		[ -e "$src/$1" ] || { echo "FAIL: COPY $1: not in the repository"; exit 1; }
		# COPY dir/ dest/ copies the directory's contents to dest; the
		# destinations here mirror the sources (checked below).
		eval "dest=\${$#}"
		case "$dest" in ./) d=$(dirname "$1") ;; *) d=${dest%/} ;; esac
		[ "$d" = "$(dirname "$1")" ] || [ "$d" = "${1%/}" ] ||
			{ echo "FAIL: COPY $1 $dest: destination does not mirror the source"; exit 1; }
		mkdir -p "$ctx/$(dirname "${1%/}")"
		cp -a "$src/${1%/}" "$ctx/${1%/}"
		n=$((n + 1))
		shift
	done
done < "$tmp/stage"
echo "context: $n paths copied: $(cd "$ctx" && ls | tr '\n' ' ')"

# The stage's RUN line, with its /build and /out moved into the temp dir.
run=$(sed -n '/^RUN meson setup/,/[^\\]$/p' "$tmp/stage" | sed 's/^RUN //; s/\\$//' | tr '\n' ' ')
run=$(echo "$run" | sed "s| /build| $tmp/build|g; s| /out| $tmp/out|g")
echo "context: $run"
if ! (cd "$ctx" && sh -c "$run") > "$tmp/build.log" 2>&1; then
	tail -n 30 "$tmp/build.log"
	echo "FAIL: the build stage's commands in a context of exactly the copied files"
	exit 1
fi
version=$(sed -n "s/.*version *: *'\([^']*\)'.*/\1/p" "$src/meson.build" | head -n 1)
fail=0
for f in usr/sbin/memtriaged usr/bin/memtriage; do
	[ -x "$tmp/out/$f" ] || { echo "FAIL: /out/$f not installed"; fail=1; }
done
got=$("$tmp/out/usr/sbin/memtriaged" --version 2>&1) || true
[ "$got" = "memtriaged $version" ] || { echo "FAIL: memtriaged --version: '$got'"; fail=1; }
# What the runtime stage copies out of /out and /src must be there.
for f in $(sed -n 's/^COPY --from=build \(\S*\) .*/\1/p' "$cf"); do
	case "$f" in /out/*) p=$tmp/out/${f#/out/} ;; /src/*) p=$ctx/${f#/src/} ;; *) p=/nonexistent ;; esac
	[ -e "$p" ] || { echo "FAIL: the runtime stage copies $f, which the build stage does not make"; fail=1; }
done
[ "$fail" = 0 ] && echo "context: built and installed; $got"
exit "$fail"
