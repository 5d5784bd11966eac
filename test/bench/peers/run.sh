#!/bin/sh
# usage: run.sh [--build DIR] [--sup LIST] [--rates LIST] [--swap LIST] [--quick]
#               [--driver LIST] [--extra-cgroups N] [--leak-pages random|half]
#               [--probe] [--out FILE] [--tag TAG] [SCENARIO...]
# The peers comparison (doc/comparison.md): boots the bundled real-kernel
# guest (test/vm) once per scenario x supervisor x swap setting x rate (x
# cgroup driver for k8s) and prints one table row per boot, then a summary
# table. LISTs are comma-separated. Defaults: the scenarios leak multi grow
# (k8s only when named), every supervisor (memtriaged-policy
# memtriaged-default earlyoom oomd kernel kernel-kubelet; k8s skips kernel,
# the same node as kernel-kubelet there), swap none,zram,disk; rates
# 10,50,150,400,1000,fill for leak, 10,150 for k8s, 50 for multi and grow
# (idle, named only: the null episode, nothing grows; its rate is ignored);
# --driver systemd,cgroupfs (k8s only). --extra-cgroups N: N empty cgroups
# more under the supervised root, made before the supervisor starts.
# --leak-pages half: the leaker's pages half random, half zero (zram stores
# them ~2:1; default random, incompressible). --probe: one more container
# whose heartbeat thread runs at SCHED_FIFO 1 (memhog --beat-fifo): its
# worst gap is the node's own stall (kernel or host), not CFS's sharing.
# The peers come from Debian's packages (fetch.sh); their configurations and reasons are in config/ and
# README.md. --out FILE also keeps the raw PEERS-ROW lines. --tag (default
# peers) names the work directory BUILD/test/bench/TAG and the boots' logs
# BUILD/test/vm/TAG-SCENARIO-SWAP-RATE-SUPERVISOR/console.log (SCENARIO
# k8s.DRIVER; -xN, -half appended for those options). Exit 0 when every boot
# gave a complete row, 1 otherwise, 77 when QEMU, the kernel or a package is
# missing. MT_VM_APPEND is added to every boot's kernel command line (e.g.
# preempt=full, to compare a PREEMPT_DYNAMIC kernel's preemption models).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
build=$src/build sups="memtriaged-policy,memtriaged-default,earlyoom,oomd,kernel,kernel-kubelet"
rates="" swaps="none,zram,disk" quick=0 out="" tag=peers drivers="systemd,cgroupfs" xcg=0 pages=random
scns=""
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift ;;
	--sup) sups=$2; shift ;;
	--rates) rates=$2; shift ;;
	--swap) swaps=$2; shift ;;
	--quick) quick=1 ;;
	--out) out=$2; shift ;;
	--tag) tag=$2; shift ;;
	--driver) drivers=$2; shift ;;
	--extra-cgroups) xcg=$2; shift ;;
	--probe) probe=1 ;;
	--leak-pages) pages=$2; shift ;;
	-h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) scns="$scns $1" ;;
	esac
	shift
done
scns=${scns:-leak multi grow}
build=$(cd "$build" && pwd)
for s in $scns; do case $s in leak|multi|grow|k8s|idle) ;; *) echo "run.sh: unknown scenario '$s' (leak multi grow k8s idle)" >&2; exit 2 ;; esac; done
for s in $(echo "$drivers" | tr , ' '); do case $s in systemd|cgroupfs) ;; *) echo "run.sh: unknown --driver '$s' (systemd cgroupfs)" >&2; exit 2 ;; esac; done
case $xcg in ''|*[!0-9]*) echo "run.sh: --extra-cgroups wants a number" >&2; exit 2 ;; esac
case $pages in random|half) ;; *) echo "run.sh: unknown --leak-pages '$pages' (random half)" >&2; exit 2 ;; esac
for s in $(echo "$swaps" | tr , ' '); do case $s in none|zram|disk) ;; *) echo "run.sh: unknown --swap '$s' (none zram disk)" >&2; exit 2 ;; esac; done
for s in $(echo "$sups" | tr , ' '); do case $s in memtriaged-policy|memtriaged-default|earlyoom|oomd|kernel|kernel-kubelet) ;;
	*) echo "run.sh: unknown supervisor '$s'" >&2; exit 2 ;; esac; done
for t in peerwatch hoststeal; do
	[ -x "$build/test/bench/$t" ] || { echo "run.sh: $build/test/bench/$t is not built (ninja -C $build)" >&2; exit 1; }
done

rc=0; kernel=$("$src/test/vm/kernel.sh") || rc=$?
[ $rc -eq 0 ] || exit $rc
rc=0; pkgs=$("$here/fetch.sh") || rc=$?
[ $rc -eq 0 ] || exit $rc
dir_of() { echo "$pkgs" | awk -v p="$1" '$1 == p { print $3 }'; }
ver_of() { echo "$pkgs" | awk -v p="$1" '$1 == p { print $2 }'; }

work=$build/test/bench/$tag
mkdir -p "$work"
# The extra initramfs tree (test/vm/initramfs.sh's MT_VM_EXTRA): the peers'
# binaries with the libraries ldd names (oomd's libjsoncpp from its Debian
# package), peerwatch, the virtio modules for disk swap, the configurations.
extra=$work/extra
rm -rf "$extra"; mkdir -p "$extra/bin" "$extra/lib/modules/mt" "$extra/peers"
jsonlib=$(dirname "$(find "$(dir_of libjsoncpp25)" -name 'libjsoncpp.so.*' | head -n 1)")
for b in "$(dir_of earlyoom)/usr/bin/earlyoom" "$(dir_of oomd)/usr/bin/oomd" "$build/test/bench/peerwatch"; do
	cp "$b" "$extra/bin/"
	for lib in $(LD_LIBRARY_PATH=$jsonlib ldd "$b" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		case $lib in "$jsonlib"/*) dst=/lib/x86_64-linux-gnu/${lib##*/} ;; *) dst=$lib ;; esac
		mkdir -p "$extra$(dirname "$dst")"
		cp -L "$lib" "$extra$dst"
	done
done
kver=$(ls "$kernel/lib/modules")
for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev \
	drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci drivers/block/virtio_blk; do
	cp "$kernel/lib/modules/$kver/kernel/$m.ko" "$extra/lib/modules/mt/"
done
cp -r "$here/config/." "$extra/peers/"
cp "$here/k8s.sh" "$extra/peers/"

rows=$work/rows.txt
: > "$rows"
failed=0
echo "peers: kernel ${kernel##*/}; earlyoom $(ver_of earlyoom); oomd $(ver_of oomd); memtriaged $(git -C "$src" describe --always --dirty 2>/dev/null || echo unknown)"
for scn0 in $scns; do
	if [ -n "$rates" ]; then rl=$rates; elif [ "$scn0" = leak ]; then rl="10,50,150,400,1000,fill"
	elif [ "$scn0" = k8s ]; then rl="10,150"; elif [ "$scn0" = idle ]; then rl=0; else rl=50; fi
	dl=-; [ "$scn0" = k8s ] && dl=$(echo "$drivers" | tr , ' ')
	for drv in $dl; do
	scn=$scn0; [ "$drv" = - ] || scn=$scn0.$drv
	for swap in $(echo "$swaps" | tr , ' '); do
		for rate in $(echo "$rl" | tr , ' '); do
			for sup in $(echo "$sups" | tr , ' '); do
				[ "$scn0" = k8s ] && [ "$sup" = kernel ] && continue
				name=$tag-$scn-$swap-$rate-$sup
				[ "$xcg" -gt 0 ] && name=$name-x$xcg
				[ "$pages" = random ] || name=$name-$pages
				g=$work/$name.sh
				z=0; [ "$swap" = zram ] && z=256M
				to=$([ $quick = 1 ] && echo 150 || echo 300)
				[ "$scn0" = k8s ] && to=$((to + 60))
				to=$((to + xcg / 10))
				sed "s/^# vm: .*/# vm: mem=512M cpus=2 zram=$z timeout=$to/" \
					"$here/guest.sh" > "$g"
				disk=""
				[ "$swap" = disk ] && disk=$work/$name.img
				b0=$(date +%s)
				log=$build/test/vm/$name/console.log
				# no_timer_check: on a loaded host TCG can miss the kernel's
				# early timer check (a panic before /init, as in
				# test/bench/control-law.sh); a boot that never reached the
				# guest's init ("MT: ready") is tried once more.
				for try in 1 2; do
					[ -z "$disk" ] || { rm -f "$disk"; truncate -s 256M "$disk"; }
					# the host's steal beside the boot (hoststeal.c)
					rm -f "$log.raw"
					"$build/test/bench/hoststeal" "$log.raw" > "$work/$name.steal" &
					hs=$!
					set +e
					MT_VM_EXTRA=$extra MT_VM_DISK=$disk \
					MT_VM_APPEND="no_timer_check mt.scn=$scn0 mt.sup=$sup mt.swap=$swap mt.rate=$rate mt.quick=$quick mt.driver=$([ "$drv" = - ] && echo systemd || echo "$drv") mt.extra=$xcg mt.pages=$pages mt.probe=${probe:-0} ${MT_VM_APPEND:-}" \
						"$src/test/vm/run.sh" "$g" "$build" > "$work/$name.run" 2>&1
					r=$?
					kill $hs; wait $hs
					set -e
					grep -q '^MT: ready' "$log" 2>/dev/null && break
					echo "peers: $name: the guest never reached its init (try $try)" >&2
				done
				[ -z "$disk" ] || rm -f "$disk"
				row=$(grep '^PEERS-ROW ' "$log" 2>/dev/null | tail -n 1 || true)
				if [ $r -ne 0 ] || [ -z "$row" ]; then
					echo "peers: $name: no complete row (run.sh exit $r; log $log)" >&2
					tail -n 5 "$work/$name.run" >&2
					failed=$((failed + 1))
					row="PEERS-ROW scn=$scn0 sup=$sup swap=$swap rate=$rate driver=$drv extra=$xcg pages=$pages incomplete=1"
				fi
				case $row in *incomplete=1*) ;; *) row="$row $("$here/steal.sh" "$row" "$work/$name.steal")" ;; esac
				echo "$row" >> "$rows"
				echo "$row"
				echo "peers: $name: boot took $(( $(date +%s) - b0 )) s"
			done
		done
	done
	done
done
[ -z "$out" ] || cp "$rows" "$out"
"$here/table.sh" "$rows"
echo "peers: reproduce: $0 --build $build --sup $sups --swap $swaps${rates:+ --rates $rates}$([ $quick = 1 ] && echo ' --quick')$(case " $scns " in *' k8s '*) echo " --driver $drivers" ;; esac)$([ "$xcg" -gt 0 ] && echo " --extra-cgroups $xcg")$([ "$pages" = random ] || echo " --leak-pages $pages")$scns"
[ $failed -eq 0 ] || { echo "peers: $failed boot(s) without a complete row" >&2; exit 1; }
