#!/usr/bin/env python3
"""Finds import cycles between the modules of src/, at every level of the tree.

For each directory, its direct children (files and folders) are the nodes; A -> B when code
anywhere under A names a path under B (`crate::…`, `super::…`, or a sibling by name through
`super::`). A cycle at any level is reported. The sea-orm entities may refer to each other
(relations go both ways by design). Exit status 1 when a cycle is found.

    python3 scripts/module-cycles.py
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
ALLOWED = {("server", "entities")}  # cycles among the children of these are fine


def module_path(file):
    rel = os.path.relpath(file, ROOT)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return rel


def references(file, here):
    """Absolute module paths (lists) this file names."""
    text = open(file, encoding="utf-8").read()
    text = re.sub(r"//[^\n]*", "", text)  # comments mention modules too
    found = []
    for match in re.finditer(r"\b(crate|super)((?:::\w+)+)", text):
        parts = match.group(2).split("::")[1:]
        if match.group(1) == "crate":
            base = []
        else:
            # `super` from a mod.rs is the parent of its folder; from a file, its folder.
            is_mod = os.path.basename(file) in ("mod.rs", "lib.rs")
            base = here[:-1] if not is_mod else here[:-1]
            while parts and parts[0] == "super":
                base = base[:-1]
                parts = parts[1:]
        found.append(base + parts)
    # `use super::{a, b}` and `use crate::{a, b}` groups
    for match in re.finditer(r"\b(crate|super)::\{([^}]*)\}", text):
        base = [] if match.group(1) == "crate" else here[:-1]
        for item in match.group(2).split(","):
            item = item.strip().split("::")[0].split(" ")[0]
            if item and item != "self":
                found.append(base + [item])
    return found


def main():
    files = []
    for dirpath, _, names in os.walk(ROOT):
        files += [os.path.join(dirpath, n) for n in names if n.endswith(".rs")]
    modules = {tuple(module_path(f)) for f in files}
    edges = {}
    for file in files:
        here = module_path(file)
        for target in references(file, here):
            # the longest known module that `target` starts with
            while target and tuple(target) not in modules:
                target = target[:-1]
            if not target:
                continue
            # the level where the two paths part: their common prefix's children
            common = 0
            while common < min(len(here), len(target)) and here[common] == target[common]:
                common += 1
            if common >= len(here) or common >= len(target):
                continue  # a module naming its own ancestor or descendant
            parent = tuple(here[:common])
            a, b = here[common], target[common]
            if parent in ALLOWED:
                continue
            edges.setdefault(parent, {}).setdefault(a, set()).add(b)
    cycles = []
    for parent, graph in sorted(edges.items()):
        for start in sorted(graph):
            stack = [(start, [start])]
            while stack:
                node, path = stack.pop()
                for nxt in sorted(graph.get(node, ())):
                    if nxt == start:
                        cycle = "::".join(parent) or "crate"
                        cycles.append(f"{cycle}: " + " -> ".join(path + [start]))
                    elif nxt not in path and len(path) < 8:
                        stack.append((nxt, path + [nxt]))
    seen = set()
    unique = []
    for c in cycles:
        key = frozenset(c.split(": ", 1)[1].split(" -> "))
        if key not in seen:
            seen.add(key)
            unique.append(c)
    for c in unique:
        print("cycle in", c)
    print(f"{len(unique)} import cycle(s) between modules of src/")
    return 1 if unique else 0


if __name__ == "__main__":
    sys.exit(main())
