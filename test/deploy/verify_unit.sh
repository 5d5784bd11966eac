#!/bin/sh
# Checks deploy/systemd/memtriaged.service with systemd-analyze.
# Usage: verify_unit.sh UNIT BUILT_MEMTRIAGED
#
# `systemd-analyze verify` checks that ExecStart's binary exists, and
# /usr/sbin/memtriaged is not installed where tests run. So the unit is
# verified as a copy whose ExecStart points at the binary this build made;
# that is the only line changed, and any message from verify fails the test.
# Then the hardening is held to an exposure score (systemd-analyze security
# --offline): 2.1 (1.9 before CAP_CHOWN and @chown came back for
# socket_group); systemd-oomd's own unit scores 2.0.
set -eu
unit=$1
daemon=$2
command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze not installed"; exit 77; }

fail=0
need() { # exact line the unit must carry
	if ! grep -qxF -- "$1" "$unit"; then
		echo "FAIL: $unit lacks: $1"
		fail=1
	fi
}
need 'Type=notify'
need 'ExecReload=/bin/kill -HUP $MAINPID'
need 'RuntimeDirectory=memtriage'
need 'ProtectSystem=strict'
need 'ReadWritePaths=/sys/fs/cgroup /run/memtriage'
need 'CapabilityBoundingSet=CAP_KILL CAP_SYS_RESOURCE CAP_DAC_OVERRIDE CAP_CHOWN'
# socket_group and process_mrelease under the filter (issue 14): allowed
# after @privileged is removed, not before (order matters).
need 'SystemCallFilter=@system-service'
need 'SystemCallFilter=~@privileged @resources'
need 'SystemCallFilter=@chown process_mrelease'
[ "$(grep -n '^SystemCallFilter=' "$unit" | cut -d: -f2 | tr '\n' ' ')" = \
	'SystemCallFilter=@system-service SystemCallFilter=~@privileged @resources SystemCallFilter=@chown process_mrelease ' ] ||
	{ echo "FAIL: $unit: SystemCallFilter= lines not exactly allow, deny, re-allow"; fail=1; }
need 'WatchdogSec=30s'
need 'Conflicts=systemd-oomd.service earlyoom.service oomd.service nohang.service nohang-desktop.service'
need 'UMask=0077'
# Every man page named in Documentation= is one this repository ships.
docs=$(sed -n 's/^Documentation=//p' "$unit")
[ -n "$docs" ] || { echo "FAIL: $unit has no Documentation="; fail=1; }
for d in $docs; do
	case "$d" in
	man:*) page=${d#man:}; f="$(dirname "$0")/../../doc/man/${page%%(*}.$(echo "$page" | sed 's/.*(\(.*\))/\1/')"
		[ -f "$f" ] || { echo "FAIL: Documentation=$d: no $f"; fail=1; } ;;
	*) echo "FAIL: Documentation=$d: only man: pages are checked"; fail=1 ;;
	esac
done
need 'MemoryMin=64M'
need 'OOMScoreAdjust=-999'
need 'NoNewPrivileges=yes'
[ "$(grep -c '^ExecStart=/usr/sbin/memtriaged ' "$unit")" = 1 ] ||
	{ echo "FAIL: $unit: expected one ExecStart=/usr/sbin/memtriaged line"; fail=1; }
# Every flag on ExecStart is one the daemon takes.
for a in $(sed -n 's/^ExecStart=[^ ]*//p' "$unit"); do
	case "$a" in
	--config|--policy-dir|--root|--socket|--socket-group|--metrics-dir|--dry-run|--log-format|--log-level|--watch) ;;
	--*) echo "FAIL: ExecStart passes $a, which memtriaged does not take"; fail=1 ;;
	esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|^ExecStart=/usr/sbin/memtriaged |ExecStart=$daemon |" "$unit" >"$tmp/memtriaged.service"
# --man=no: Documentation= was checked above against doc/man, and man(1)
# need not be installed where tests run.
if ! out=$(systemd-analyze verify --man=no "$tmp/memtriaged.service" 2>&1) || [ -n "$out" ]; then
	echo "FAIL: systemd-analyze verify:"
	echo "$out"
	fail=1
fi
if ! out=$(systemd-analyze security --offline=yes --threshold=21 "$tmp/memtriaged.service" 2>&1); then
	echo "$out" | grep -E '✗|Overall'
	echo "FAIL: exposure above 2.1"
	fail=1
else
	echo "$out" | tail -n 1
fi
[ "$fail" = 0 ] && echo "unit: all checks passed"
exit "$fail"
