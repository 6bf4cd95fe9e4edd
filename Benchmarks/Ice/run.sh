#!/usr/bin/env bash
# Issue 5's ICE benchmark in one command: connect time and checks sent for every NAT combination in
# the virtual network (50 ms round trips, virtual clock, so the figures do not depend on machine load),
# then connect time over real UDP on loopback (wall clock: run it on a quiet machine).
#
#   Benchmarks/Ice/run.sh            RUNS=100 loopback connections by default
#   RUNS=300 Benchmarks/Ice/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ART=${ART:-/tmp/mesh-bench-ice}
dotnet build "$ROOT/Simulator" -c Release --artifacts-path "$ART" -v quiet -nologo >/dev/null
SIM="$ART/bin/Simulator/release/mesh-sim.dll"
echo "## Virtual network, 50 ms RTT (mesh-sim ice-matrix)"
dotnet "$SIM" ice-matrix
echo
echo "## Real UDP on loopback, host candidates (mesh-sim ice-loopback --runs ${RUNS:-100}); load: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$SIM" ice-loopback --runs "${RUNS:-100}"
