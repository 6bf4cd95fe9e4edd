#!/usr/bin/env bash
# Checks that `mesh` still builds and works as a Native AOT binary: publishes it (a few minutes, so this
# is not part of the unit tests), then runs every subcommand a user or the benchmarks run against it:
# init, id, folder add/list, peer add/list, run (two daemons on loopback that sync a file), scan,
# status and status --json, manifest (table and --json), demo. Exits non-zero at the first failure.
#
#   Benchmarks/native-aot/check.sh            # publish, then check
#   MESH=/path/to/mesh Benchmarks/native-aot/check.sh   # check a binary published elsewhere
#
# Also prints the start-up figures of `mesh status --json` and `mesh scan` (wall and CPU seconds).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ART=${MESH_AOT_ARTIFACTS:-/tmp/mesh-aot-check-artifacts}

mesh=${MESH:-}
if [[ -z $mesh ]]; then
  mkdir -p "$ART"
  if ! dotnet publish "$ROOT/Peer" -c Release -r linux-x64 --artifacts-path "$ART" -v q -nologo \
      --disable-build-servers > "$ART/publish.log" 2>&1; then
    cat "$ART/publish.log" >&2
    echo "FAIL: the Native AOT publish of mesh failed" >&2
    exit 1
  fi
  mesh="$ART/publish/Peer/release_linux-x64/mesh"
fi
# A JIT build would pass every check below too; make sure this is the native binary.
if [[ -e "$(dirname "$mesh")/mesh.dll" ]] || ! head -c 4 "$mesh" | grep -q ELF; then
  echo "FAIL: $mesh is not a Native AOT binary" >&2
  exit 1
fi

work=$(mktemp -d /tmp/mesh-aot-check.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; for n in a b; do [[ -f $work/$n.log ]] && tail -n 20 "$work/$n.log" >&2; done; exit 1; }
step() { echo "== $*"; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

step "init, id, folder add/list"
pa=$(port); pb=$(port)
for n in a b; do
  mkdir -p "$work/folder-$n"
  "$mesh" init --home "$work/home-$n" --name "$n" > /dev/null
  "$mesh" folder add --home "$work/home-$n" --id shared --path "$work/folder-$n" > /dev/null
  "$mesh" folder list --home "$work/home-$n" | grep -q shared || fail "folder list of $n has no 'shared'"
done
ida=$("$mesh" id --home "$work/home-a"); idb=$("$mesh" id --home "$work/home-b")
[[ $ida =~ ^[A-Z0-9]{7}(-[A-Z0-9]{7}){7}$ ]] || fail "mesh id printed '$ida'"

step "peer add/list"
"$mesh" peer add --home "$work/home-a" --device-id "$idb" --address "tcp://127.0.0.1:$pb" --folder shared > /dev/null
"$mesh" peer add --home "$work/home-b" --device-id "$ida" --address "tcp://127.0.0.1:$pa" --folder shared > /dev/null
"$mesh" peer list --home "$work/home-a" | grep -q "${idb:0:7}" || fail "peer list of a does not show b"

step "run (two daemons), scan, status"
head -c 3000000 /dev/urandom > "$work/folder-a/payload.bin"
"$mesh" run --home "$work/home-a" --listen "tcp://127.0.0.1:$pa" > "$work/a.log" 2>&1 & pids+=($!)
"$mesh" run --home "$work/home-b" --listen "tcp://127.0.0.1:$pb" > "$work/b.log" 2>&1 & pids+=($!)
for _ in $(seq 1 600); do [[ -S $work/home-a/control.sock && -S $work/home-b/control.sock ]] && break; sleep 0.1; done
"$mesh" scan --home "$work/home-a" > /dev/null || fail "mesh scan"
"$mesh" scan --home "$work/home-a" --path payload.bin > /dev/null || fail "mesh scan --path"
for _ in $(seq 1 600); do cmp -s "$work/folder-a/payload.bin" "$work/folder-b/payload.bin" 2>/dev/null && break; sleep 0.1; done
cmp -s "$work/folder-a/payload.bin" "$work/folder-b/payload.bin" || fail "b did not receive payload.bin within 60 s"
"$mesh" status --home "$work/home-b" | grep -q shared || fail "mesh status shows no folder"
"$mesh" status --home "$work/home-b" --json | python3 -c 'import json,sys; s=json.load(sys.stdin); assert any(f["id"]=="shared" for f in s["folders"]), s' \
  || fail "mesh status --json"

step "start-up (wall s, CPU s)"
TIMEFORMAT='%R %U %S'
for cmd in "status --json" "scan"; do
  t=$( { time "$mesh" $cmd --home "$work/home-a" > /dev/null; } 2>&1 | tail -n 1)
  echo "  mesh $cmd: $(awk '{ printf "%.3f s wall, %.3f CPU-s", $1, $2 + $3 }' <<< "$t")"
done

step "manifest"
"$mesh" manifest "$work/folder-a/payload.bin" | grep -qi chunk || fail "mesh manifest"
"$mesh" manifest --json "$work/folder-a/payload.bin" | python3 -c 'import json,sys; json.load(sys.stdin)' || fail "mesh manifest --json"

for pid in "${pids[@]}"; do kill -TERM "$pid"; done
for pid in "${pids[@]}"; do wait "$pid" || fail "a daemon did not stop cleanly on SIGTERM"; done
pids=()

step "demo"
timeout 300 "$mesh" demo > "$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; fail "mesh demo"; }
grep -q "Done" "$work/demo.log" || fail "mesh demo did not finish"

echo "Native AOT check passed: $mesh"
