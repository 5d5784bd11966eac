#!/usr/bin/env python3
"""Checks deploy/Containerfile against the repo and the built binaries.
Usage: check_containerfile.py SRCDIR BINARY...

- both stages are Debian 12;
- the build stage installs exactly install-deps.sh's build packages;
- the runtime stage installs only library packages of those -dev packages
  (dpkg's Depends), and every shared library the built binaries need
  (readelf NEEDED, resolved with ldd, owner from dpkg -S) is among them or
  in libc6, which the base image has;
- every path the Dockerfile copies from the repo exists.
The image itself is built by image_build.sh (suite 'image'), the build
context alone by containerfile_context.sh."""
import os
import re
import shutil
import subprocess
import sys

SKIP = 77


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def owner(path):
    """The package owning a library, trying the spellings merged /usr allows."""
    cands = []
    for p in (path, os.path.realpath(path)):
        cands += [p, p[len("/usr"):] if p.startswith("/usr/") else "/usr" + p]
    for c in cands:
        r = subprocess.run(["dpkg", "-S", c], capture_output=True, text=True, check=False)
        if r.returncode == 0:
            return r.stdout.split(":")[0]
    return None


def stages(text):
    text = re.sub(r"\\\n", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word == "FROM":
            out.append({"from": rest.split()[0], "install": [], "copy": []})
        elif word == "RUN" and out:
            for m in re.finditer(r"apt-get install ((?:-\S+\s+)*)([^&]+)", rest):
                out[-1]["install"] += m.group(2).split()
        elif word == "COPY" and out:
            out[-1]["copy"].append(rest.split())
    return out


def main():
    src, bins = sys.argv[1], sys.argv[2:]
    for tool in ("dpkg-query", "dpkg", "readelf", "ldd"):
        if not shutil.which(tool):
            print(f"SKIP: {tool} not installed")
            return SKIP
    fails = []
    with open(os.path.join(src, "deploy", "Containerfile"), encoding="utf-8") as f:
        st = stages(f.read())
    with open(os.path.join(src, "deploy", "install-deps.sh"), encoding="utf-8") as f:
        build_pkgs = re.search(r'^build_pkgs="([^"]*)"', f.read(), re.M).group(1).split()

    if len(st) != 2:
        print(f"FAIL: expected a build and a runtime stage, found {len(st)}")
        return 1
    build, runtime = st
    for s in st:
        if not re.fullmatch(r"(docker\.io/library/)?debian:12(-slim)?", s["from"]):
            fails.append(f"stage FROM {s['from']} is not Debian 12")
    if sorted(build["install"]) != sorted(build_pkgs):
        fails.append(f"build stage installs {sorted(build['install'])}, install-deps.sh builds with {sorted(build_pkgs)}")

    allowed = set()
    for dev in (p for p in build_pkgs if p.endswith("-dev")):
        deps = run("dpkg-query", "-W", "-f=${Depends}", dev)
        names = (d.strip().split()[0] for d in deps.split(",") if d.strip())
        allowed |= {n for n in names if n.startswith("lib") and not n.endswith("-dev")}
    extra = set(runtime["install"]) - allowed
    if extra:
        fails.append(f"runtime stage installs {sorted(extra)}, not a library of the build dependencies {sorted(allowed)}")

    needed = set()
    for b in bins:
        sonames = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", run("readelf", "-d", b))
        paths = dict(re.findall(r"^\s*(\S+) => (\S+)", run("ldd", b), re.M))
        for so in sonames:
            if so not in paths:
                fails.append(f"{b}: ldd does not resolve {so}")
                continue
            pkg = owner(paths[so])
            if pkg is None:
                fails.append(f"{b}: {paths[so]} belongs to no Debian package")
            else:
                needed.add(pkg)
    missing = needed - set(runtime["install"]) - {"libc6"}
    if missing:
        fails.append(f"the binaries need {sorted(missing)}, which the runtime stage does not install")

    for s in st:
        for args in s["copy"]:
            if any(a.startswith("--from") for a in args):
                continue
            for p in args[:-1]:
                if not os.path.exists(os.path.join(src, p)):
                    fails.append(f"COPY {p}: not in the repository")

    for f in fails:
        print("FAIL:", f)
    if not fails:
        print(f"containerfile: runtime {sorted(runtime['install'])}, binaries need {sorted(needed)} (+ libc6)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
