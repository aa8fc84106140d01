#!/usr/bin/env python3
"""Every module of src/ and migrations/src/ says what it is for: its first line is a `//!`
doc comment. Exit status 1, naming the files, when one does not.

    python3 scripts/module-docs.py
"""
import os
import sys

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
missing = []
for top in ("src", os.path.join("migrations", "src")):
    for folder, _, files in os.walk(os.path.join(REPO, top)):
        for name in sorted(files):
            if name.endswith(".rs"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as source:
                    if not source.readline().startswith("//!"):
                        missing.append(os.path.relpath(path, REPO))
for path in missing:
    print(f"{path}: the first line is not a //! comment saying what the module is for")
print(f"{len(missing)} module(s) without a //! first line")
sys.exit(1 if missing else 0)
