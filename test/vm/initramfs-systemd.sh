#!/bin/sh
# usage: initramfs-systemd.sh OUT.gz SCENARIO BUILD_DIR KERNEL_DIR
# The guest for '# vm: rootfs=systemd' scenarios: a Debian 12 root
# filesystem with systemd as PID 1, booted from an initramfs (no disk).
#
# Two cpio archives concatenated (the kernel unpacks them in turn, later
# entries over earlier ones): the Debian root filesystem, built by
# mmdebstrap from Debian's packages (rootfs.sh) and turned into a cpio once
# (cached beside it), then this build's files -- memtriaged and memtriage
# installed where the unit and the README put them (/usr/sbin, /usr/bin),
# the unit from deploy/systemd/, the test helpers, guest/lib.sh and the
# scenario, run by mt-scenario.service once multi-user.target is reached;
# it prints the scenario's output and the verdict on ttyS0 and powers off.
set -eu
out=$1 scenario=$2 build=$3
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)

# What the unit and the scenario need from Debian: systemd as init, the
# binaries' libraries (the runtime packages of deploy/Containerfile),
# /bin/kill for ExecReload= (procps), and the system bus, which
# `systemd-analyze security` (unlike systemctl) needs.
tar=$("$here/rootfs.sh" systemd systemd systemd-sysv libuv1 libjansson4 libcgroup2 libncursesw6 procps dbus) || exit $?
base=${tar%.tar}.cpio.gz
if [ ! -f "$base" ]; then
	exec 8>"$base.lock"
	flock 8
	if [ ! -f "$base" ]; then
		tmp=$(mktemp -d "${base%/*}/.cpio.XXXXXX")
		trap 'rm -rf "$tmp"' EXIT
		mkdir "$tmp/root"
		tar -C "$tmp/root" -xf "$tar"
		(cd "$tmp/root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$tmp/base.cpio.gz"
		mv "$tmp/base.cpio.gz" "$base"
		rm -rf "$tmp"
		trap - EXIT
	fi
	exec 8>&-
fi

root=$out.root
rm -rf "$root"
mkdir -p "$root/usr/sbin" "$root/usr/bin" "$root/usr/local/bin" "$root/usr/lib/systemd/system" \
	"$root/etc/systemd/system/multi-user.target.wants" "$root/usr/lib/mt"
for b in cmd/memtriaged/memtriaged cmd/memtriage/memtriage test/vm/memhog test/vm/runas test/vm/mrelease-probe test/vm/ttydrain; do
	[ -x "$build/$b" ] || { echo "initramfs-systemd.sh: $build/$b is not built" >&2; exit 1; }
done
cp "$build/cmd/memtriaged/memtriaged" "$root/usr/sbin/"
cp "$build/cmd/memtriage/memtriage" "$root/usr/bin/"
cp "$build/test/vm/memhog" "$build/test/vm/runas" "$build/test/vm/mrelease-probe" "$build/test/vm/ttydrain" \
	"$root/usr/local/bin/"
cp "$src/deploy/systemd/memtriaged.service" "$root/usr/lib/systemd/system/"
cp -r "$src/policies" "$root/policies"
# Under usr/: the base's /lib is a symlink to usr/lib (merged /usr), and
# the kernel's unpacker replaces a symlink by a directory entry of the same
# name -- /init would then point nowhere.
cp "$here/guest/lib.sh" "$root/usr/lib/mt/lib.sh"
cat > "$root/usr/lib/mt/systemd-init.sh" <<'INIT'
# guest/init.sh's part for a systemd guest: systemd did the mounts and owns
# the cgroup tree; the scenario's verdict line, then power off.
. /lib/mt/lib.sh
mkdir -p $MT_STATE
printf '\nMT-BOOT: uptime_ms=%s kernel=%s init=%s\n' "$(mt_now_ms)" "$(uname -r)" "$(cat /proc/1/comm)"
sh /scenario.sh
mt_result $?
# the verdict must reach the host before the power goes (ttydrain.c)
ttydrain
systemctl poweroff --force --force
INIT
cp "$scenario" "$root/scenario.sh"
# The kernel runs /init from an initramfs.
ln -s /lib/systemd/systemd "$root/init"
# No login prompt on the console the verdict is read from.
ln -s /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
cat > "$root/etc/systemd/system/mt-scenario.service" <<'UNIT'
[Unit]
Description=memtriage vm scenario
After=multi-user.target

[Service]
Type=simple
StandardInput=null
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
TTYReset=no
TTYVHangup=no
Environment=PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ExecStart=/bin/sh /lib/mt/systemd-init.sh

[Install]
WantedBy=multi-user.target
UNIT
ln -s ../mt-scenario.service "$root/etc/systemd/system/multi-user.target.wants/mt-scenario.service"
chmod 755 "$root/scenario.sh"

(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 > "$out.overlay"
cat "$base" "$out.overlay" > "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$root" "$out.overlay"
