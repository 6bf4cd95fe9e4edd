#!/usr/bin/env bash
# Side-by-side data-channel benchmark on loopback, all through the `mesh webrtc-peer` line protocol:
# one reliable ordered channel, N MiB in 64 KiB messages, for Mesh<->Mesh, Mesh->libwebrtc,
# libwebrtc->Mesh and libwebrtc<->libwebrtc. Prints a table of throughput (MB/s, 10^6 bytes) and CPU
# seconds per GiB (sender + receiver processes).
#
#   WRTC_MODULE=/path/to/node_modules/@roamhq/wrtc Benchmarks/WebRtc/bench.sh [MIB]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MIB=${1:-64}
: "${WRTC_MODULE:?set WRTC_MODULE to the installed @roamhq/wrtc package (scripts/harness/services/70-wrtc.sh installs it)}"
ART=${MESH_BENCH_ARTIFACTS:-/tmp/mesh-bench-artifacts}
dotnet build "$ROOT/Peer" -c Release --artifacts-path "$ART" -v q -nologo >&2
MESH="dotnet $ART/bin/Peer/release/mesh.dll webrtc-peer"
NODE="env WRTC_MODULE=$WRTC_MODULE node $ROOT/Tests/Integration/WebRtc/node/webrtc-peer.js"
run() { # name offer-cmd answer-cmd
  local out
  out=$(python3 "$ROOT/Benchmarks/WebRtc/pair.py" --offer "$2 --role offer --mode send --mib $MIB --timeout 300" \
    --answer "$3 --role answer --mode recv --timeout 300" --timeout 320 2>/dev/null) || { printf '%-24s failed\n' "$1"; return; }
  python3 -c 'import json,sys
r=json.loads(sys.argv[1]); o,a=r["offer"],r["answer"]; gib=o["bytes"]/2**30
print("%-24s %8.1f MB/s %8.2f s CPU/GiB" % (sys.argv[2], o["MBps"], (o["cpuSeconds"]+a["cpuSeconds"])/gib))' "$out" "$1"
}
printf '%-24s %13s %17s\n' "pair (sender->receiver)" "throughput" "CPU per GiB"
run "Mesh->Mesh" "$MESH" "$MESH"
run "Mesh->libwebrtc" "$MESH" "$NODE"
run "libwebrtc->Mesh" "$NODE" "$MESH"
run "libwebrtc->libwebrtc" "$NODE" "$NODE"
