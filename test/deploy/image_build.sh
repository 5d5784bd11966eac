#!/bin/sh
# Builds deploy/Containerfile into an image, offline from any registry, with
# Debian's own tools, and runs it. Usage: image_build.sh SRCDIR BUILT_MEMTRIAGED
#
# The base images (debian:12, debian:12-slim) are one mmdebstrap'd Debian 12
# minbase (test/vm/rootfs.sh, cached), committed under those names into a
# throwaway buildah store (vfs: no overlay mounts needed); the build stage's
# apt-get reaches deb.debian.org like apt on this machine. Then, in the
# image: `memtriaged --version` prints the meson version, `--check-host`
# says and exits exactly what the binary built here does on this host (same
# kernel, same /sys), and the entrypoint and user are the Containerfile's.
set -eu
src=$1
daemon=$2
command -v buildah >/dev/null || { echo "SKIP: buildah not installed (deploy/install-deps.sh test)"; exit 77; }
base=$("$src/test/vm/rootfs.sh" container) || exit $?
version=$(sed -n "s/.*version *: *'\([^']*\)'.*/\1/p" "$src/meson.build" | head -n 1)

store=$(mktemp -d "${TMPDIR:-/var/tmp}/memtriage-image.XXXXXX")
B="buildah --storage-driver vfs --root $store/root --runroot $store/run"
cleanup() {
	$B rm --all >/dev/null 2>&1 || true
	$B rmi --all --force >/dev/null 2>&1 || true
	rm -rf "$store"
}
trap cleanup EXIT

ctr=$($B from scratch)
mnt=$($B mount "$ctr")
tar -C "$mnt" -xf "$base"
$B umount "$ctr" >/dev/null
$B commit -q "$ctr" docker.io/library/debian:12 >/dev/null
$B tag docker.io/library/debian:12 docker.io/library/debian:12-slim
$B rm "$ctr" >/dev/null

tag=localhost/memtriage:$version
if ! $B bud --isolation chroot --network host --pull-never -f "$src/deploy/Containerfile" -t "$tag" "$src" \
	> "$store/bud.log" 2>&1; then
	tail -n 40 "$store/bud.log"
	echo "FAIL: buildah bud deploy/Containerfile"
	exit 1
fi
echo "image: built $tag"

fail=0
c=$($B from --pull-never "$tag")
mnt=$($B mount "$c")
# in_image CMD...: runs CMD in the image; its output (stdout and stderr) in
# $out, its exit status in $rc. Through a file in the container, not
# buildah's stdout: a chroot-isolated run under load once returned nothing
# for a command that printed one line and exited at once.
in_image() {
	rm -f "$mnt/tmp/mt-out" "$mnt/tmp/mt-rc"
	$B run --isolation chroot "$c" -- /bin/sh -c '"$@" > /tmp/mt-out 2>&1; echo $? > /tmp/mt-rc' sh "$@" \
		>/dev/null 2>&1 || true
	out=$(cat "$mnt/tmp/mt-out" 2>/dev/null || echo "<no output file>")
	rc=$(cat "$mnt/tmp/mt-rc" 2>/dev/null || echo "<no exit status>")
}
in_image /usr/sbin/memtriaged --version
if [ "$out" = "memtriaged $version" ] && [ "$rc" = 0 ]; then echo "image: memtriaged --version: $out"
else echo "FAIL: memtriaged --version in the image: '$out' (exit $rc), not 'memtriaged $version'"; fail=1; fi
in_image /usr/bin/memtriage --help
[ "$rc" = 0 ] || { echo "FAIL: memtriage --help in the image exited $rc: $out"; fail=1; }

in_image /usr/sbin/memtriaged --check-host
img=$out img_rc=$rc
set +e
host=$("$daemon" --check-host 2>&1); host_rc=$?
set -e
if [ "$img" = "$host" ] && [ "$img_rc" = "$host_rc" ]; then
	echo "image: memtriaged --check-host as on this host (exit $host_rc): $(echo "$img" | head -c 120)"
else
	echo "FAIL: --check-host in the image (exit $img_rc): $img"
	echo "      built here (exit $host_rc): $host"
	fail=1
fi
$B umount "$c" >/dev/null

cfg=$($B inspect --type image --format '{{.OCIv1.Config.Entrypoint}} {{.OCIv1.Config.User}}' "$tag")
if [ "$cfg" = '[/usr/sbin/memtriaged] 0' ]; then echo "image: entrypoint and user: $cfg"
else echo "FAIL: image entrypoint and user '$cfg', not '[/usr/sbin/memtriaged] 0'"; fail=1; fi
[ "$fail" = 0 ] && echo "image: all checks passed"
exit "$fail"
