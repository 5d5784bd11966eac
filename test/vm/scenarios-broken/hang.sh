#!/bin/sh
# vm: mem=256M cpus=2 zram=0 timeout=15
# Broken on purpose: never finishes; the runner must kill it at 15 s.
. /lib/mt/lib.sh
mt_log "sleeping past the timeout"
sleep 1000
mt_done
