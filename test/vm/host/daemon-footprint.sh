#!/bin/sh
# Host side of the daemon-footprint scenario: the limit the guest proved
# (its FOOTPRINT-LIMIT line) must be the DaemonSet's memory limit and
# request, so the manifest cannot drift from the measurement.
# Usage: daemon-footprint.sh CONSOLE_LOG
set -eu
log=$1
here=$(cd "$(dirname "$0")" && pwd)
ds=$here/../../../deploy/kubernetes/daemonset.yaml
proved=$(sed -n 's/.*FOOTPRINT-LIMIT: \([0-9]*Mi\).*/\1/p' "$log" | tr -d '\r')
[ -n "$proved" ] || { echo "host check: no FOOTPRINT-LIMIT line in $log"; exit 1; }
# The container's resources block: requests and limits, memory each.
got=$(sed -n '/^ *resources:/,/^ *[a-zA-Z]*Probe:/s/^ *memory: *\([0-9A-Za-z]*\).*/\1/p' "$ds" | tr '\n' ' ')
[ "$got" = "$proved $proved " ] ||
	{ echo "host check: $ds memory request/limit '$got', the guest proved '$proved'"; exit 1; }
grep 'FOOTPRINT' "$log" | tr -d '\r'
echo "host check: daemonset.yaml's memory request and limit are the proved $proved"
