#!/usr/bin/env python3
"""Matches node-problem-detector's memtriage rules against kill report lines
printed by the C formatter: MemtriageKilledContainer matches the kills carried
out and no dry run's, MemtriageDryRunKill the reverse (issue 14).
Usage: check_npd.py RULES.json KILLREPORT_SAMPLE

node-problem-detector matches a rule as Go regexp `pattern + \\z` against each
kmsg message (pkg/systemlogmonitor/logwatchers .. log_buffer.go); \\S, \\d and
the literals used here mean the same in Python's re."""
import json
import re
import subprocess
import sys

FIELDS = ["cgroup", "namespace", "pod", "container", "reason", "freed_ram", "freed_swap", "decision"]
EXPECTED = [
    {"cgroup": "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0a1b_2c3d.slice/cri-containerd-4f2a9c.scope",
     "namespace": "shop", "pod": "web-7f9c-x2x", "container": "nginx", "reason": "node-deficit",
     "freed_ram": "536870912", "freed_swap": "1048576", "decision": "42"},
    {"cgroup": "/kubepods/besteffort/pod11-22/abc", "namespace": "batch", "pod": "job-1", "container": "worker",
     "reason": "psi-full", "freed_ram": "0", "freed_swap": "0", "decision": "1"},
    {"cgroup": "/system.slice/my app.service", "namespace": None, "pod": None, "container": None,
     "reason": "memory.max repeated", "freed_ram": "18446744073709551615", "freed_swap": "7",
     "decision": "18446744073709551615"},
]
NOT_KILLS = [
    "Killed process 1234 (stress) total-vm:1024kB, anon-rss:512kB, file-rss:0kB, shmem-rss:0kB",
    "memtriage: killed cgroup=/a namespace=- pod=- container=- reason=r freed_ram=-1 freed_swap=0 decision=0",
    "memtriage: killed cgroup=/a b namespace=- pod=- container=- reason=r freed_ram=1 freed_swap=0 decision=0",
    "memtriage: killed cgroup=/a namespace=- pod=- container=- reason=r freed_ram=1 freed_swap=0 decision=0 extra",
]


def parse(line, prefix):
    """The reader's side of the documented format."""
    assert line.startswith(prefix), line
    out = {}
    for tok, name in zip(line[len(prefix):].split(" "), FIELDS):
        k, _, v = tok.partition("=")
        assert k == name, (k, name)
        if v == "-":
            out[k] = None
        else:
            raw = re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]), v.encode())
            out[k] = raw.decode("utf-8")
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cfg = json.load(f)
    fails = []
    if cfg.get("plugin") != "kmsg" or cfg.get("logPath") != "/dev/kmsg":
        fails.append("the monitor must read /dev/kmsg with the kmsg plugin")
    lines = subprocess.run([sys.argv[2]], capture_output=True, text=True, check=True).stdout.splitlines()
    if len(lines) != 2 * len(EXPECTED):
        fails.append(f"{len(lines)} sample lines, expected {2 * len(EXPECTED)}")
    kills, dry = lines[:len(EXPECTED)], lines[len(EXPECTED):]
    for reason, prefix, mine, others in (("MemtriageKilledContainer", "memtriage: killed ", kills, dry),
                                         ("MemtriageDryRunKill", "memtriage: dry-run-kill ", dry, kills)):
        rules = [r for r in cfg.get("rules", []) if r.get("reason") == reason]
        if len(rules) != 1 or rules[0].get("type") != "temporary":
            fails.append(f"one temporary rule with reason {reason} expected")
            rules = rules or [{"pattern": "(?!)"}]
        rx = re.compile(rules[0]["pattern"] + r"\Z")
        for line, want in zip(mine, EXPECTED):
            if not rx.search(line):
                fails.append(f"{reason}: rule does not match: {line}")
            got = parse(line, prefix)
            if got != want:
                fails.append(f"{reason}: parsed {got}, expected {want}")
        for line in NOT_KILLS + [l.replace("memtriage: killed ", prefix) for l in NOT_KILLS] + others:
            if rx.search(line):
                fails.append(f"{reason}: rule matches a line it must not: {line}")
    for f in fails:
        print("FAIL:", f)
    if not fails:
        print(f"npd: each rule matches its {len(EXPECTED)} sample lines and rejects {2 * len(NOT_KILLS) + len(EXPECTED)} others")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
