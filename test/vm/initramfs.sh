#!/bin/sh
# usage: initramfs.sh OUT.gz SCENARIO BUILD_DIR KERNEL_DIR
# Builds a gzip'd newc cpio: busybox-static with its applet links, the
# project's freshly built binaries (with the shared libraries ldd names and
# the loader), the zram modules of KERNEL_DIR, the repo's policies/ at
# /policies, the guest library, /init and SCENARIO as /scenario.sh.
# MT_VM_EXTRA=DIR: DIR's tree is copied over the root last (the peers
# harness's binaries, libraries and configurations, test/bench/peers).
set -eu
[ $# -eq 4 ] || { echo "usage: $0 OUT.gz SCENARIO BUILD_DIR KERNEL_DIR" >&2; exit 2; }
out=$1 scenario=$2 build=$3 kernel=$4
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)

root=$out.root
rm -rf "$root"
mkdir -p "$root"/bin "$root"/lib/mt "$root"/lib/modules/mt "$root"/proc "$root"/sys \
	"$root"/dev "$root"/tmp "$root"/run "$root"/etc

bb=$(command -v busybox) || { echo "initramfs.sh: busybox not found (package busybox-static)" >&2; exit 1; }
if ldd "$bb" >/dev/null 2>&1; then
	echo "initramfs.sh: $bb is dynamic; install busybox-static" >&2; exit 1
fi
cp "$bb" "$root/bin/busybox"
for a in $("$bb" --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done

# Binaries the scenarios run; a missing one is a build problem, not a skip.
for b in cmd/memtriaged/memtriaged cmd/memtriage/memtriage test/vm/memhog test/vm/psiwait test/vm/runas test/vm/cgns test/vm/ttydrain \
	test/bench/evlat test/bench/memtriage-load \
	test/bench/faultrate test/bench/notelat test/bench/samplecost test/bench/killlat test/bench/idlewake; do
	[ -x "$build/$b" ] || { echo "initramfs.sh: $build/$b is not built" >&2; exit 1; }
	cp "$build/$b" "$root/bin/"
	# ldd lines: "libx.so => /path (addr)" or "/lib64/ld-linux-x86-64.so.2 (addr)".
	for lib in $(ldd "$build/$b" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$root$(dirname "$lib")"
		[ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
	done
done

kver=$(ls "$kernel/lib/modules")
# virtio-blk for a disk swap device ('# vm: disk=SIZE'), loaded by mt_boot
for m in mm/zsmalloc crypto/lzo crypto/lzo-rle drivers/block/zram/zram drivers/virtio/virtio_ring \
	drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci_modern_dev \
	drivers/virtio/virtio_pci drivers/block/virtio_blk; do
	cp "$kernel/lib/modules/$kver/kernel/$m.ko" "$root/lib/modules/mt/"
done

[ -d "$src/policies" ] && cp -r "$src/policies" "$root/policies"
cp "$here/guest/lib.sh" "$root/lib/mt/lib.sh"
# Shared scenario bodies (k8s.sh, zram-ratio.sh, ...): every guest/*.sh but init.
for f in "$here"/guest/*.sh; do
	[ "${f##*/}" = init.sh ] || cp "$f" "$root/lib/mt/${f##*/}"
done
cp "$here/guest/init.sh" "$root/init"
cp "$scenario" "$root/scenario.sh"
chmod 755 "$root/init" "$root/scenario.sh"
[ -z "${MT_VM_EXTRA:-}" ] || cp -a "$MT_VM_EXTRA"/. "$root/"

(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$root"
