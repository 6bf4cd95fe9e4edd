#!/usr/bin/env bash
# The Mesh test command: installs what the tests need, starts the real servers they talk to on
# loopback (Prosody, coturn, and whatever scripts/harness/services/ adds), runs `dotnet test Mesh.sln`,
# stops every server by PID and exits with the tests' status.
#
#   ./test.sh                 all tests
#   ./test.sh --filter EXPR   passed on to dotnet test (e.g. --filter FullyQualifiedName~Chunking)
#
# With CI=true a server that cannot be started fails the run instead of letting its tests skip.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export MESH_HARNESS_DIR
MESH_HARNESS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mesh-harness.XXXXXX")
chmod 755 "$MESH_HARNESS_DIR"

# shellcheck source=scripts/harness/lib.sh
source "$ROOT/scripts/harness/lib.sh"
HARNESS_SERVICES=()
for service in "$ROOT"/scripts/harness/services/*.sh; do
  # shellcheck disable=SC1090
  source "$service"
done

cleanup() {
  local status=$?
  harness_stop_all
  rm -rf "$MESH_HARNESS_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

harness_start_all

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log="$MESH_HARNESS_DIR/dotnet-test.log"
set +e
dotnet test "$ROOT/Mesh.sln" -c "${MESH_TEST_CONFIGURATION:-Debug}" --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Failures again at the end, where a reader of only the tail still sees them, with their first
# lines of error; then one plain closing line over all test projects.
awk '/^ +Failed [^ ]/{print; n=6; next} n>0{print; n--}' "$log" | sed 's/^/FAILED> /' || true
awk '/^ +Passed: [0-9]+$/{p+=$2} /^ +Failed: [0-9]+$/{f+=$2} /^ +Skipped: [0-9]+$/{s+=$2}
  END {printf "%d passed, %d failed, %d skipped\n", p, f, s}' "$log"
exit "$status"
