#!/usr/bin/env bash
# Dedup on two versions of a real tree: a tar of one system directory, then the same tar after a few
# small edits (lines inserted into three files, one file appended to, one deleted, one added). Prints
# the bytes a receiver holding version 1 must fetch to get version 2 with each chunker parameter set
# and with fixed 128 KiB blocks (the smallest block size of the most popular peer-to-peer sync tool).
# Distinct bytes: a block or chunk that appears twice is fetched once.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source_dir=${SOURCE_DIR:-$(ls -d /usr/lib/python3.[0-9]* | head -n 1)}
work=${WORK:-/tmp/mesh-dedup}
artifacts=${ARTIFACTS:-/tmp/art-chunk-rel}

# No build servers: they would outlive the script holding its output open.
if ! dotnet build -c Release "$root/Peer" --artifacts-path "$artifacts" -v quiet -nologo --disable-build-servers > "$artifacts.dedup-build.log" 2>&1; then
    cat "$artifacts.dedup-build.log" >&2
    exit 1
fi
mesh="$artifacts/bin/Peer/release/mesh"

rm -rf "$work" && mkdir -p "$work"
cp -a "$source_dir" "$work/tree"
tar --sort=name -cf "$work/v1.tar" -C "$work" tree

# A few small, realistic edits, chosen deterministically (by sorted name) from the tree's files.
mapfile -t files < <(cd "$work" && find tree -type f -name '*.py' -size +20k | sort | awk 'NR % 31 == 1' | head -n 5)
python3 - "$work" "${files[@]}" <<'PY'
import sys, os
work, files = sys.argv[1], sys.argv[2:]
for name in files[:3]:
    path = os.path.join(work, name)
    lines = open(path, 'rb').read().split(b'\n')
    lines.insert(len(lines) // 2, b'# edited by the Mesh dedup benchmark')
    open(path, 'wb').write(b'\n'.join(lines))
with open(os.path.join(work, files[3]), 'ab') as f:
    f.write(b'\n# appended line\n')
os.remove(os.path.join(work, files[4]))
with open(os.path.join(work, 'tree', 'mesh_new_file.txt'), 'wb') as f:
    f.write(b'new file\n' * 1000)
PY
tar --sort=name -cf "$work/v2.tar" -C "$work" tree

for id in 1 2 3 4; do
    "$mesh" manifest --json --chunker "$id" "$work/v1.tar" > "$work/v1-$id.json"
    "$mesh" manifest --json --chunker "$id" "$work/v2.tar" > "$work/v2-$id.json"
done

python3 - "$work" "$source_dir" <<'PY'
import sys, json, hashlib, os
work, source = sys.argv[1], sys.argv[2]
v1, v2 = os.path.join(work, 'v1.tar'), os.path.join(work, 'v2.tar')
size = os.path.getsize(v2)

def fetch(old, new):
    have = {h for h, _ in old}
    need = {}
    for h, n in new:
        if h not in have:
            need[h] = n
    return sum(need.values()), len(new)

def blocks(path, block=128 * 1024):
    out = []
    with open(path, 'rb') as f:
        while chunk := f.read(block):
            out.append((hashlib.sha256(chunk).hexdigest(), len(chunk)))
    return out

print(f'tree: {source}; v1.tar {os.path.getsize(v1)} bytes, v2.tar {size} bytes')
print(f'{"scheme":<34} {"pieces":>7} {"mean":>8} {"fetch bytes":>12} {"% of v2":>8}')
for i in (1, 2, 3, 4):
    m1 = json.load(open(os.path.join(work, f'v1-{i}.json')))
    m2 = json.load(open(os.path.join(work, f'v2-{i}.json')))
    old = [(c['hash'], c['length']) for c in m1['chunks']]
    new = [(c['hash'], c['length']) for c in m2['chunks']]
    fetched, pieces = fetch(old, new)
    print(f'{"FastCDC set " + str(i):<34} {pieces:>7} {size // max(pieces, 1):>8} {fetched:>12} {100 * fetched / size:>7.2f}%')
fetched, pieces = fetch(blocks(v1), blocks(v2))
print(f'{"fixed 128 KiB blocks":<34} {pieces:>7} {size // max(pieces, 1):>8} {fetched:>12} {100 * fetched / size:>7.2f}%')
PY
