#!/usr/bin/env python3
"""memtriage simulate end to end: a Kubernetes-shaped snapshot decided with the
policies recorded in it, re-resolved from policies/default and from
policies/examples, and a bad --policy-dir. Usage: simulate_cli.py MEMTRIAGE SRC"""
import json
import os
import subprocess
import sys

cli, src = sys.argv[1], sys.argv[2]
snap = f"{src}/test/fixtures/snapshots/k8s-node.json"
failures = 0


def run(*args):
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}  # whole tables
    return subprocess.run([cli, "simulate", snap, *args], capture_output=True, text=True, check=False, env=env)


def pod_of(path):
    return path.split("/")[2]


def expect(what, got, want):
    global failures
    if got != want:
        print(f"FAIL {what}: got {got!r}, want {want!r}")
        failures += 1


def decision(*args):
    p = run("-o", "json", *args)
    expect(f"exit status of simulate {' '.join(args)}", p.returncode, 0)
    return json.loads(p.stdout)


# As recorded: the workers' recorded priority is 100, the database's 900.
d = decision()
expect("recorded: action", d["action"], "kill")
expect("recorded: victims", sorted(pod_of(p) for p in d["chosen"]),
       ["kubepods-burstable-pod7d1c0002_0000_4000_8000_000000000002.slice",
        "kubepods-burstable-pod7d1c0003_0000_4000_8000_000000000003.slice"])

# The examples protect the database by response (throttle only) and price batch at 20.
d = decision("--policy-dir", f"{src}/policies/examples")
expect("examples: cost", d["cost"], 42)
expect("examples: covered", d["covered"], True)
expect("examples: victims", len(d["chosen"]), 2)

# The default set: every pod here is Burstable (300), so one kill of the
# database costs less than two workers -- the defaults know no better.
d = decision("--policy-dir", f"{src}/policies/default")
expect("default: cost", d["cost"], 301)
expect("default: victims", [pod_of(p) for p in d["chosen"]],
       ["kubepods-burstable-pod7d1c0001_0000_4000_8000_000000000001.slice"])

p = run("--policy-dir", f"{src}/test/no-such-dir")
expect("missing dir: exit", p.returncode, 1)
expect("missing dir: message", p.stderr.strip(),
       f"memtriage simulate: --policy-dir: {src}/test/no-such-dir: policy directory does not exist")

sys.exit(1 if failures else 0)
