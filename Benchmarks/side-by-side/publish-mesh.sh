#!/usr/bin/env bash
# Publishes `mesh` for the benchmarks and prints the path of the binary on stdout (all else on stderr).
#
#   Benchmarks/side-by-side/publish-mesh.sh ARTIFACTS [aot|r2r]
#
# aot (default): Native AOT for linux-x64. The ILCompiler links with clang where it is installed and
# with gcc otherwise (Peer/Peer.csproj), so nothing beyond the build-essential tools is needed. If the
# AOT publish fails, the script says so and falls back to r2r.
# r2r: the ReadyToRun publish on the shared runtime (JIT for what is not precompiled).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ART=${1:?artifacts path}
KIND=${2:-aot}
mkdir -p "$ART"
LOG="$ART/publish-mesh.log"

# No build servers: they would outlive the script holding its output open.
if [[ $KIND == aot ]]; then
  if dotnet publish "$ROOT/Peer" -c Release -r linux-x64 --artifacts-path "$ART" -v q -nologo \
      --disable-build-servers > "$LOG" 2>&1; then
    echo "mesh: Native AOT build" >&2
    echo "$ART/publish/Peer/release_linux-x64/mesh"
    exit 0
  fi
  tail -n 30 "$LOG" >&2
  echo "mesh: the Native AOT publish failed (log above, whole log in $LOG);" \
       "measuring the ReadyToRun build instead" >&2
fi

if ! dotnet publish "$ROOT/Peer" -c Release -r linux-x64 --self-contained false -p:PublishAot=false \
    -p:PublishReadyToRun=true --artifacts-path "$ART" -v q -nologo --disable-build-servers > "$LOG" 2>&1; then
  cat "$LOG" >&2
  exit 1
fi
echo "mesh: ReadyToRun build (not Native AOT)" >&2
echo "$ART/publish/Peer/release_linux-x64/mesh"
