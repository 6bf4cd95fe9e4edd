#!/usr/bin/env bash
# Side-by-side data-channel benchmark on loopback, all through the `mesh webrtc-peer` line protocol:
# one reliable ordered channel, N MiB in 64 KiB messages, for Mesh<->Mesh, Mesh->libwebrtc,
# libwebrtc->Mesh and libwebrtc<->libwebrtc. The four pairs run in turn, ROUNDS times (so load from other
# work on the machine falls on all of them alike); prints each run, then per pair the median throughput
# (MB/s, 10^6 bytes), its ratio to the libwebrtc<->libwebrtc median, and the median CPU seconds per GiB
# (sender + receiver processes), with the load average before and after.
#
#   WRTC_MODULE=/path/to/node_modules/@roamhq/wrtc Benchmarks/WebRtc/bench.sh [MIB] [ROUNDS]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MIB=${1:-64}
ROUNDS=${2:-3}
: "${WRTC_MODULE:?set WRTC_MODULE to the installed @roamhq/wrtc package (scripts/harness/services/70-wrtc.sh installs it)}"
ART=${MESH_BENCH_ARTIFACTS:-/tmp/mesh-bench-artifacts}
dotnet build "$ROOT/Peer" -c Release --artifacts-path "$ART" -v q -nologo >&2
MESH="dotnet $ART/bin/Peer/release/mesh.dll webrtc-peer"
NODE="env WRTC_MODULE=$WRTC_MODULE node $ROOT/Tests/Integration/WebRtc/node/webrtc-peer.js"
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
run() { # name offer-cmd answer-cmd
  local out
  if out=$(python3 "$ROOT/Benchmarks/WebRtc/pair.py" --offer "$2 --role offer --mode send --mib $MIB --timeout 300" \
    --answer "$3 --role answer --mode recv --timeout 300" --timeout 320 2>/dev/null); then
    python3 -c 'import json,sys
r=json.loads(sys.argv[1]); o,a=r["offer"],r["answer"]
ok=o and a and "error" not in o and "error" not in a
print(json.dumps({"pair":sys.argv[2],"MBps":o["MBps"] if ok else None,"cpuPerGiB":(o["cpuSeconds"]+a["cpuSeconds"])/(o["bytes"]/2**30) if ok else None}))' "$out" "$1"
  else
    printf '{"pair":"%s","MBps":null,"cpuPerGiB":null}\n' "$1"
  fi
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for round in $(seq "$ROUNDS"); do
  for pair in "Mesh->Mesh|$MESH|$MESH" "Mesh->libwebrtc|$MESH|$NODE" "libwebrtc->Mesh|$NODE|$MESH" "libwebrtc->libwebrtc|$NODE|$NODE"; do
    IFS='|' read -r name offer answer <<<"$pair"
    line=$(run "$name" "$offer" "$answer")
    echo "$line" >>"$RESULTS"
    echo "round $round: $line" >&2
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 - "$RESULTS" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
pairs = ["Mesh->Mesh", "Mesh->libwebrtc", "libwebrtc->Mesh", "libwebrtc->libwebrtc"]
def med(name, key):
    values = [r[key] for r in rows if r["pair"] == name and r[key] is not None]
    return (statistics.median(values), len(values)) if values else (None, 0)
ref, _ = med("libwebrtc->libwebrtc", "MBps")
print("%-22s %10s %8s %12s %6s" % ("pair (sender->receiver)", "MB/s", "ratio", "CPU s/GiB", "runs"))
for p in pairs:
    mbps, n = med(p, "MBps")
    cpu, _ = med(p, "cpuPerGiB")
    total = sum(1 for r in rows if r["pair"] == p)
    print("%-22s %10s %8s %12s %6s" % (p, "%.1f" % mbps if mbps else "failed", "%.2f" % (mbps / ref) if mbps and ref else "-",
          "%.1f" % cpu if cpu else "-", "%d/%d" % (n, total)))
PY
