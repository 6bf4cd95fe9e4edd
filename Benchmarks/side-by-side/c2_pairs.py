#!/usr/bin/env python3
"""Scenario c2 alone, for before/after pairs of mesh binaries (docs/sync.md "c2, session 9").

    c2_pairs.py WORK RUNS MESH_BIN [MESH_BIN ...]

The full harness runs a, b and c1 untimed before c2 (minutes on a loaded machine). This starts one pair of
daemons per binary, each holding only a 512 MiB random file (WORK/seed.bin, made once), then times c2 RUNS
times on every pair, alternating which binary goes first in each round so a slow phase of a shared machine
hits both. The first c2 of a pair writes into page-cache memory the VM has not used before and costs B
more CPU; compare later rounds. MESH_LOG_LEVEL=Debug leaves timestamped daemon logs in WORK/p<N>/;
PERF=a or PERF=b records `perf record -g` of that daemon during the last round into WORK/p<N>/perf.data.
"""

import json
import os
import shutil
import subprocess
import sys
import time

import scenarios
import side_by_side
from mesh_pair import MeshPair

MIB = 1 << 20


def start_pair(work, index, binary, seed):
    base = os.path.join(work, f"p{index}")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(os.path.join(base, "stage"))
    pair = MeshPair(base, side_by_side.free_ports(4), binary.split())
    for daemon in (pair.a, pair.b):
        os.makedirs(daemon.folder, exist_ok=True)
    shutil.copyfile(seed, os.path.join(pair.a.folder, "big.bin"))
    pair.start(timeout=600)
    pair.scan(None)
    if side_by_side.wait_synced(pair, 600) is None:
        raise TimeoutError(f"{binary}: the initial sync did not finish")
    return base, pair


def main():
    work, runs, binaries = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    os.makedirs(work, exist_ok=True)
    seed = os.path.join(work, "seed.bin")
    if not os.path.exists(seed):
        with open(seed, "wb") as f:
            for _ in range(512):
                f.write(os.urandom(MIB))
    c2 = next(s for s in scenarios.ALL if s.key == "c2")
    pairs = []
    results = {b: [] for b in binaries}
    try:
        for i, binary in enumerate(binaries):
            pairs.append((binary, *start_pair(work, i, binary, seed)))
        for run in range(runs):
            for binary, base, pair in pairs if run % 2 == 0 else pairs[::-1]:
                time.sleep(3)
                load = os.getloadavg()[0]
                perf = None
                if os.environ.get("PERF") in ("a", "b") and run == runs - 1:
                    daemon = pair.a if os.environ["PERF"] == "a" else pair.b
                    perf = subprocess.Popen(["perf", "record", "-g", "-o", os.path.join(base, "perf.data"), "-p",
                                             str(daemon.process.pid)], stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)
                    time.sleep(1)
                r = side_by_side.measure(pair, c2, os.path.join(base, "stage"), None, 600)
                if perf:
                    perf.send_signal(2)
                    perf.wait()
                r["load"] = load
                results[binary].append(r)
                print(f"{binary}: {r['seconds']:.3f} s, CPU A/B {r['cpu_a']:.2f}/{r['cpu_b']:.2f}, "
                      f"A->B {r['wire_a_to_b']:,} B, load {load:.1f}, started {r['start_utc']} UTC, "
                      f"trees {'equal' if r['trees_equal'] else 'DIFFER'}", flush=True)
    finally:
        for _, _, pair in pairs:
            pair.stop()
    with open(os.path.join(work, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
