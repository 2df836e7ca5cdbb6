#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""layout.py - check that the folders keep the architecture (README.md, Layout)

Usage: tests/layout.py [--graph] [ROOT]

Reads every quoted #include of the C sources outside tests/ and build/,
resolves it to a file of the tree by name, and checks the folder-to-folder
include graph:
  - switch/, the datapath core, includes from no other folder;
  - a port kind (vhost/, tap/, slirp/, pcap/) includes only switch/ and
    ebpf/;
  - vioctl/ includes from no folder but ctl/ (the protocol's constants);
  - no two folders include each other, directly or through others.
--graph prints the edges ("A -> B (n includes)") before the verdict. ROOT
is the tree to read (default: the one this script is in).
Exit status: 0 when every rule holds, 1 otherwise (each broken rule named).
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SKIP = {"tests", "build", ".git", "pcap-samples", "doc"}
PORT_KINDS = {"vhost", "tap", "slirp", "pcap"}
ALLOWED = {
    "switch": set(),
    "vioctl": {"ctl"},
    **{k: {"switch", "ebpf"} for k in PORT_KINDS},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources():
    """Map each source file name to its folders."""
    where = {}
    for d, dirs, files in os.walk(ROOT):
        dirs[:] = [x for x in dirs if x not in SKIP and not x.startswith("build")]
        for f in files:
            if f.endswith((".c", ".h")):
                rel = os.path.relpath(d, ROOT)
                where.setdefault(f, []).append(rel)
    return where


def edges(where):
    """Folder -> folder include counts."""
    out = {}
    for name, folders in where.items():
        for src in folders:
            with open(os.path.join(ROOT, src, name), errors="replace") as fh:
                text = fh.read()
            for inc in INCLUDE.findall(text):
                cand = where.get(os.path.basename(inc), [])
                if not cand:
                    continue  # generated (BPF skeletons) or system
                dst = src if src in cand else cand[0]
                if dst != src:
                    out[(src, dst)] = out.get((src, dst), 0) + 1
    return out


def loops(graph):
    """Pairs of folders that reach each other."""
    nodes = {n for e in graph for n in e}
    reach = {n: {b for (a, b) in graph if a == n} for n in nodes}
    changed = True
    while changed:
        changed = False
        for n in nodes:
            more = set().union(*(reach[m] for m in reach[n])) - reach[n]
            if more:
                reach[n] |= more
                changed = True
    return sorted({tuple(sorted((a, b))) for a in nodes for b in reach[a]
                   if a != b and a in reach[b]})


def main():
    global ROOT
    args = [a for a in sys.argv[1:] if a != "--graph"]
    if args:
        ROOT = args[0]
    graph = edges(sources())
    if "--graph" in sys.argv[1:]:
        for (a, b), n in sorted(graph.items()):
            print(f"{a} -> {b} ({n} includes)")
    bad = []
    for (a, b) in sorted(graph):
        if a in ALLOWED and b not in ALLOWED[a]:
            bad.append(f"{a}/ includes from {b}/")
    for a, b in loops(graph):
        bad.append(f"{a}/ and {b}/ include each other")
    for b in bad:
        print(f"layout: {b}")
    if not bad:
        print("layout: ok - the core includes nothing outside it, port kinds "
              "only the core, and no folders include each other")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
