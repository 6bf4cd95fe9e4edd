#!/usr/bin/env python3
"""Times the issue's scenarios for Syncthing and Mesh on loopback and prints a markdown table.

Run through bench.sh, which installs Syncthing and builds Mesh first. Each run starts fresh instances of
both tools; runs alternate between tools so slow phases of a shared machine hit both alike.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import sys
import time

import proc_stats
import scenarios
import tree
from mesh_pair import MeshPair
from syncthing_pair import SyncthingPair

POLL_SECONDS = 0.05


def free_ports(count):
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def wait_synced(pair, timeout):
    """Until the tool says B has it all and A knows it, and B's files have A's sizes and mtimes.

    The second check is asked only once the tool says done. It guards against a status that is merely not
    updated yet (after a one-byte edit, counts and sizes are the same before and after), and costs both
    tools the same.

    Returns the monotonic time at which the tool said done (for the check that then passed), or None on
    timeout: the walk of both trees takes a noticeable part of a second at full size, and is reported apart.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if pair.synced():
                said_done = time.monotonic()
                if tree.stat_signature(pair.folder_a) == tree.stat_signature(pair.folder_b):
                    return said_done
        except OSError:
            pass  # a status endpoint busy or restarting, or a file renamed under the walk; ask again
        time.sleep(POLL_SECONDS)
    return None


def measure(pair, scenario, stage, source, timeout):
    pids = pair.pids()
    own_a, own_b = pair.listen_ports()
    scenario.prepare(pair.folder_a, stage, source)
    for pid in pids:
        proc_stats.reset_peak_rss(pid)
    cpu_before = [proc_stats.cpu_seconds(pid) for pid in pids]
    sent_before, received_before, keys_before = proc_stats.socket_bytes(pids[0], {own_b}, {own_a})
    tool_before = pair.tool_bytes()

    start = time.monotonic()
    start_utc = time.time()
    scenario.apply(pair.folder_a, stage)
    scan_start = time.monotonic()
    pair.scan(scenario.subs)
    scan_seconds = time.monotonic() - scan_start
    said_done = wait_synced(pair, timeout)
    seconds = time.monotonic() - start
    ok = said_done is not None

    sent_after, received_after, keys_after = proc_stats.socket_bytes(pids[0], {own_b}, {own_a})
    tool_after = pair.tool_bytes()
    result = {
        "seconds": seconds,
        "completed": ok,
        "scan_seconds": scan_seconds,
        "status_seconds": said_done - start if ok else None,
        "start_utc": time.strftime("%H:%M:%S", time.gmtime(start_utc)) + f".{int(start_utc * 1000) % 1000:03d}",
        "wire_a_to_b": sent_after - sent_before,
        "wire_b_to_a": received_after - received_before,
        "reconnected": keys_before != keys_after,
        "tool_a_out": tool_after[0] - tool_before[0],
        "tool_a_in": tool_after[1] - tool_before[1],
        "rss_a_mib": proc_stats.peak_rss_mib(pids[0]),
        "rss_b_mib": proc_stats.peak_rss_mib(pids[1]),
        "cpu_a": proc_stats.cpu_seconds(pids[0]) - cpu_before[0],
        "cpu_b": proc_stats.cpu_seconds(pids[1]) - cpu_before[1],
    }
    a, b = tree.digest(pair.folder_a), tree.digest(pair.folder_b)
    result["trees_equal"] = a == b
    if a != b:
        result["differences"] = tree.differences(a, b)
    return result


def run_tool(make_pair, base, source, timeout, only):
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    stage = os.path.join(base, "stage")
    os.makedirs(stage)
    scenarios.stage_initial(stage, source)
    pair = make_pair(base, free_ports(4))
    results = {"load_before": os.getloadavg()[0]}
    try:
        pair.start()
        pids = pair.pids()
        results["startup_rss_mib"] = [proc_stats.peak_rss_mib(pid) for pid in pids]
        for scenario in scenarios.ALL:
            if only and scenario.key not in only:
                # Later scenarios build on earlier ones, so a skipped one still has to happen, untimed.
                scenario.prepare(pair.folder_a, stage, source)
                scenario.apply(pair.folder_a, stage)
                pair.scan(scenario.subs)
                wait_synced(pair, timeout)
                continue
            r = measure(pair, scenario, stage, source, timeout)
            results[scenario.key] = r
            print(f"  {pair.name} {scenario.key}: {r['seconds']:.2f} s (scan command {r['scan_seconds']:.2f} s, "
                  f"status said done at {r['status_seconds'] or 0:.2f} s, "
                  f"started {r['start_utc']} UTC), "
                  f"CPU A/B {r['cpu_a']:.2f}/{r['cpu_b']:.2f}, A->B {r['wire_a_to_b']:,} B, "
                  f"B->A {r['wire_b_to_a']:,} B, trees {'equal' if r['trees_equal'] else 'DIFFER'}"
                  f"{'' if r['completed'] else ', TIMED OUT'}", file=sys.stderr, flush=True)
            if not r["completed"] or not r["trees_equal"]:
                print(f"  {r.get('differences', '')}", file=sys.stderr)
        results["load_after"] = os.getloadavg()[0]
        results["foreign_sockets"] = [line for pid in pids for line in proc_stats.foreign_sockets(pid)]
    finally:
        pair.stop()
    return results


def keep_logs(base, logs, prefix):
    os.makedirs(logs, exist_ok=True)
    for name in os.listdir(base):
        if name.endswith(".log"):
            shutil.copy(os.path.join(base, name), os.path.join(logs, f"{prefix}-{name}"))


def mib(n):
    return f"{n / (1 << 20):,.1f}" if n >= 1 << 20 else f"{n / 1024:,.1f} Ki"


def table(all_results, tools):
    lines = [
        "| scenario | tool | seconds (median) | tool said done at s | A→B MiB | B→A MiB | peak RSS A / B MiB | CPU s A / B | time Mesh/Syncthing | said done Mesh/Syncthing |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scenario in scenarios.ALL:
        medians = {}
        said = {}
        for tool in tools:
            runs = [r[scenario.key] for r in all_results[tool] if scenario.key in r]
            if not runs:
                continue

            def med(key, runs=runs):
                return statistics.median(r[key] for r in runs)
            medians[tool] = med("seconds")
            said[tool] = said_done_median(runs)
            flags = "" if all(r["completed"] and r["trees_equal"] for r in runs) else " ⚠"
            ratio = said_ratio = ""
            if tool == "mesh" and "syncthing" in medians:
                ratio = f"{medians['mesh'] / medians['syncthing']:.2f}"
                if said.get("mesh") and said.get("syncthing"):
                    said_ratio = f"{said['mesh'] / said['syncthing']:.2f}"
            lines.append(
                f"| {scenario.key} | {'Mesh' if tool == 'mesh' else 'Syncthing'} | {med('seconds'):.2f}{flags} | "
                f"{said_done(runs)} | "
                f"{mib(med('wire_a_to_b'))} | {mib(med('wire_b_to_a'))} | "
                f"{med('rss_a_mib'):.0f} / {med('rss_b_mib'):.0f} | {med('cpu_a'):.2f} / {med('cpu_b'):.2f} | {ratio} | {said_ratio} |")
    return "\n".join(lines)


def said_done_median(runs):
    """Median of when the tool said done, before the harness's walk of both trees; None if older results lack it.

    This is the issue's clock ("completion as each tool reports it"); the stat walk that guards it costs
    both tools the same few tenths of a second at full size and is in "seconds" only.
    """
    values = [r["status_seconds"] for r in runs if r.get("status_seconds") is not None]
    return statistics.median(values) if values else None


def said_done(runs):
    value = said_done_median(runs)
    return f"{value:.2f}" if value is not None else "–"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", default="/tmp/mesh-side-by-side")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--tools", default="syncthing,mesh")
    parser.add_argument("--only", default="", help="comma-separated scenario keys to time (others run untimed)")
    parser.add_argument("--mesh", default="", help="command that runs mesh, e.g. 'dotnet /x/mesh.dll'")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json", default="", help="write all measurements here")
    parser.add_argument("--from-json", nargs="*", default=[],
                        help="print the table from results saved earlier (e.g. one file per tool) instead of running")
    args = parser.parse_args()
    if args.from_json:
        report_saved(args.from_json)
        return

    sizes = tree.Sizes(args.small)
    source = os.path.join(args.work, "source-small" if args.small else "source")
    print(f"generating data ({sizes.describe()}) in {source}", file=sys.stderr, flush=True)
    tree.generate(source, sizes)

    makers = {
        "syncthing": SyncthingPair,
        "mesh": lambda base, ports: MeshPair(base, ports, args.mesh.split()),
    }
    tools = [t for t in args.tools.split(",") if t]
    only = {k for k in args.only.split(",") if k}
    all_results = {tool: [] for tool in tools}
    for run in range(args.runs):
        for tool in tools:
            print(f"run {run + 1}/{args.runs}: {tool}", file=sys.stderr, flush=True)
            base = os.path.join(args.work, f"{tool}-run")
            all_results[tool].append(run_tool(makers[tool], base, source, args.timeout, only))
            keep_logs(base, os.path.join(args.work, "logs"), f"{tool}-run{run + 1}")
            shutil.rmtree(base, ignore_errors=True)
            if args.json:
                # After every run, so a long benchmark that is stopped early still leaves what it measured.
                with open(args.json, "w", encoding="utf-8") as f:
                    json.dump({"sizes": sizes.describe(), "runs": run + 1, "results": all_results}, f, indent=1)

    report(all_results, tools, sizes.describe(), args.runs)


def report_saved(paths):
    all_results, described, runs = {}, "", 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            saved = json.load(f)
        all_results.update(saved["results"])
        described, runs = saved["sizes"], max(runs, saved["runs"])
    tools = [t for t in ("syncthing", "mesh") if t in all_results]
    report(all_results, tools, described, runs)


def report(all_results, tools, described, runs):
    print(f"\n{described}; {runs} run(s); median per cell\n")
    print(table(all_results, tools))
    loads = [r[k] for tool in tools for r in all_results[tool] for k in ("load_before", "load_after") if k in r]
    if loads:
        print(f"\nmachine: {os.cpu_count()} CPUs, 1-minute load average {min(loads):.1f}-{max(loads):.1f} during the runs")
    for tool in tools:
        startup = max(max(r["startup_rss_mib"]) for r in all_results[tool])
        overall = max(max(r[s.key]["rss_a_mib"], r[s.key]["rss_b_mib"])
                      for r in all_results[tool] for s in scenarios.ALL if s.key in r)
        foreign = sorted({line for r in all_results[tool] for line in r["foreign_sockets"]})
        print(f"\n{tool}: highest peak RSS of any process {max(startup, overall):.0f} MiB; "
              f"sockets to non-loopback addresses: {len(foreign)}")
        for line in foreign:
            print("  " + line)


if __name__ == "__main__":
    main()
