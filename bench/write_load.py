#!/usr/bin/env python3
"""Create and regenerate throughput: N client threads on keep-alive connections.

Usage: write_load.py BASE_URL COOKIE THREADS SECONDS [create|regenerate]
Each thread creates keys with unique names, then regenerates its own key in a chain (each
regenerate replaces the previous id); with a mode, only that phase. Prints JSON with
requests/s and latency percentiles of the successful requests, and how many were refused
(the per-user limit answers 429).
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, int(round(p / 100.0 * (len(sorted_values) - 1))))
    return sorted_values[k]


def run(base, cookie, threads, seconds, mode):
    url = urllib.parse.urlparse(base)
    latencies, errors, limited = [], [0], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(tid):
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        headers = {"Cookie": cookie, "Content-Type": "application/json"}
        local, n, key_id = [], 0, None
        while time.monotonic() < deadline:
            if mode == "create" or key_id is None:
                path, body = "/api/api-keys", json.dumps({"name": f"{mode}-{tid}-{n}-{time.time_ns()}"})
            else:
                path, body = f"/api/api-keys/{key_id}", ""
            start = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            elapsed = time.perf_counter() - start
            if resp.status == 200:
                if mode == "regenerate":
                    key_id = json.loads(data)["id"]
                if mode == "create" or path != "/api/api-keys":
                    local.append(elapsed)
            elif resp.status == 429:
                with lock:
                    limited[0] += 1
            else:
                errors[0] += 1
            n += 1
        with lock:
            latencies.extend(local)

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.monotonic() - started
    latencies.sort()
    return {
        "mode": mode,
        "requests": len(latencies),
        "errors": errors[0],
        "limited": limited[0],
        "rps": len(latencies) / wall,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
    }


if __name__ == "__main__":
    base, cookie, threads, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    modes = sys.argv[5:] or ["create", "regenerate"]
    print(json.dumps([run(base, cookie, threads, seconds, m) for m in modes]))
