#!/usr/bin/env python3
"""CPU time by process name, from /proc.

    cpu_by_process.py            prints a JSON snapshot: {"name": ticks, ..., "_wall": seconds}
    cpu_by_process.py BEFORE     prints each name's share of all cores since BEFORE (a snapshot)

Used by bench/run.sh to show where the cores go during a load (server, PostgreSQL, nginx,
the load generator) without needing perf on the machine.
"""
import json
import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def snapshot():
    by_name = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                raw = f.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        # utime and stime (fields 14 and 15 of stat; 12 and 13 after the name).
        by_name[name] = by_name.get(name, 0) + int(fields[11]) + int(fields[12])
    by_name["_wall"] = time.monotonic()
    return by_name


def main():
    now = snapshot()
    if len(sys.argv) == 1:
        print(json.dumps(now))
        return
    with open(sys.argv[1]) as f:
        before = json.load(f)
    wall = now.pop("_wall") - before.pop("_wall")
    capacity = wall * TICKS * os.cpu_count()
    shares = {}
    for name, ticks in now.items():
        used = ticks - before.get(name, 0)
        if used > 0:
            # Worker threads and forks show up under a few names; fold them by family.
            family = "postgres" if name.startswith("postgres") else name.split(":")[0]
            shares[family] = shares.get(family, 0) + used
    top = sorted(shares.items(), key=lambda kv: -kv[1])[:6]
    print(", ".join(f"{name} {100 * used / capacity:.0f} %" for name, used in top))


if __name__ == "__main__":
    main()
