#!/usr/bin/env bash
# Side-by-side benchmark: Mesh against Syncthing on loopback, same data, same scenarios, one run.
# See docs/benchmarks-side-by-side.md for what is measured and the latest figures.
#
#   Benchmarks/side-by-side/bench.sh                 # 3 runs, full-size data (about 1.1 GiB, ~3.5 GiB of disk)
#   RUNS=1 SMALL=1 Benchmarks/side-by-side/bench.sh  # quick check with scaled-down data
#   TOOLS=syncthing ONLY=c1,c2 Benchmarks/side-by-side/bench.sh
#
# Variables: RUNS (3), SMALL (0), TOOLS (syncthing,mesh), ONLY (all scenarios), WORK (/tmp/mesh-side-by-side),
# MESH_BENCH_ARTIFACTS (build output, /tmp/mesh-side-by-side-artifacts), MESH_BUILD (aot or r2r, aot),
# RESULTS (JSON file to write).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUNS=${RUNS:-3}
SMALL=${SMALL:-0}
TOOLS=${TOOLS:-syncthing,mesh}
WORK=${WORK:-/tmp/mesh-side-by-side}
ART=${MESH_BENCH_ARTIFACTS:-/tmp/mesh-side-by-side-artifacts}

if [[ $TOOLS == *syncthing* ]] && ! command -v syncthing >/dev/null; then
  echo "installing syncthing from the distribution's packages" >&2
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y syncthing >&2
fi
[[ $TOOLS == *syncthing* ]] && syncthing --version >&2

MESH=""
if [[ $TOOLS == *mesh* ]]; then
  # mesh as it ships: a Native AOT publish (one native binary; docs/daemon.md, "Memory and Native AOT").
  # If that cannot be built here, a ReadyToRun publish on the shared runtime, and the results say so.
  # MESH_BUILD=r2r asks for the ReadyToRun one directly (to compare).
  MESH=$("$HERE/publish-mesh.sh" "$ART" "${MESH_BUILD:-aot}")
fi

args=(--work "$WORK" --runs "$RUNS" --tools "$TOOLS" --mesh "$MESH")
[[ $SMALL == 1 ]] && args+=(--small)
[[ -n ${ONLY:-} ]] && args+=(--only "$ONLY")
[[ -n ${RESULTS:-} ]] && args+=(--json "$RESULTS")
mkdir -p "$WORK"
exec python3 "$HERE/side_by_side.py" "${args[@]}"
