#!/usr/bin/env python3
"""Times scenario d alone, several times on one pair, without the 512 MiB file or scenarios a-c2.

The pair holds b's 20,000 small files and a's 2,000 files of 256 KiB (so the folder has the full
benchmark's 22,000 entries, less the big file), synced once untimed; then the directory of the 2,000
files is renamed back and forth, each rename timed as side_by_side.py times d (said done, CPU-s, bytes).

    python3 d_probe.py --mesh BIN --work /tmp/w [--renames 5]

With MESH_LOG_LEVEL=Debug the daemons' logs are kept in WORK/logs for step timelines.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

import scenarios
import side_by_side
import tree
from mesh_pair import MeshPair


def _rename(frm, to):
    def apply(folder, _stage):
        os.rename(os.path.join(folder, frm), os.path.join(folder, to))
    return scenarios.Scenario(f"{frm}->{to}", "rename", scenarios._nothing, apply, [frm, to])  # pylint: disable=protected-access


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mesh", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--renames", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    sizes = tree.Sizes(False)
    sizes.big_bytes = 1 << 20
    source = os.path.join(args.work, "source-d")
    tree.generate(source, sizes)
    base = os.path.join(args.work, "d-run")
    shutil.rmtree(base, ignore_errors=True)
    stage = os.path.join(base, "stage")
    os.makedirs(stage)
    shutil.copytree(os.path.join(source, "a", "files"), os.path.join(stage, "files"))
    shutil.copytree(os.path.join(source, "b", "small"), os.path.join(stage, "small"))
    pair = MeshPair(base, side_by_side.free_ports(4), args.mesh.split())
    try:
        pair.start()
        for name in ("files", "small"):
            os.rename(os.path.join(stage, name), os.path.join(pair.folder_a, name))
        pair.scan(None)
        if side_by_side.wait_synced(pair, 600) is None:
            sys.exit("setup did not sync")
        names = ["files", "files-renamed"]
        perf = None
        if os.environ.get("PROBE_PERF"):
            # Only the renames, not the setup: `perf report -i WORK/perf.data --no-children`.
            pids = ",".join(str(p) for p in pair.pids())
            perf = subprocess.Popen(["perf", "record", "-g", "-F", "999", "-p", pids, "-o",  # pylint: disable=consider-using-with
                                     os.path.join(args.work, "perf.data")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        for i in range(args.renames):
            scenario = _rename(names[i % 2], names[(i + 1) % 2])
            r = side_by_side.measure(pair, scenario, stage, source, args.timeout)
            load = os.getloadavg()
            print(f"rename {i + 1}: said done {r['status_seconds'] or 0:.3f} s (scan cmd {r['scan_seconds']:.3f}), "
                  f"CPU A/B {r['cpu_a']:.2f}/{r['cpu_b']:.2f}, A->B {r['wire_a_to_b']:,} B, B->A {r['wire_b_to_a']:,} B, "
                  f"trees {'equal' if r['trees_equal'] else 'DIFFER'}, started {r['start_utc']} UTC, "
                  f"load {load[0]:.2f}", flush=True)
        if perf is not None:
            perf.send_signal(signal.SIGINT)
            perf.wait()
    finally:
        pair.stop()
        side_by_side.keep_logs(base, os.path.join(args.work, "logs"), "d-probe")


if __name__ == "__main__":
    main()
