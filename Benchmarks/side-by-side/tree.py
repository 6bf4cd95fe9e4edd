"""Generated benchmark data and tree digests.

The data is random (seeded, so every run of every tool sees the same bytes) and written out in full:
no sparse regions, nothing a tool could skip by detecting zeros.
"""

import hashlib
import os
import random

MIB = 1 << 20


class Sizes:
    """How much data each scenario uses; SMALL=1 scales everything down for a quick check."""

    def __init__(self, small):
        self.big_bytes = (32 if small else 512) * MIB
        self.medium_count = 200 if small else 2000
        self.medium_bytes = 256 * 1024
        self.small_dirs = 20
        self.small_count = 2000 if small else 20000

    def describe(self):
        return (f"a: one {self.big_bytes // MIB} MiB file + {self.medium_count} files of "
                f"{self.medium_bytes // 1024} KiB; b: {self.small_count} files of 1-4 KiB in "
                f"{self.small_dirs} dirs")


def _write_random(path, size, rng):
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, 8 * MIB)
            f.write(rng.randbytes(n))
            left -= n


def generate(source, sizes, seed=8):
    """Writes source/a (big.bin, files/) and source/b (small/dNN/) once; later runs copy them."""
    done = os.path.join(source, ".complete")
    if os.path.exists(done):
        return
    rng = random.Random(seed)
    os.makedirs(os.path.join(source, "a", "files"), exist_ok=True)
    _write_random(os.path.join(source, "a", "big.bin"), sizes.big_bytes, rng)
    for i in range(sizes.medium_count):
        _write_random(os.path.join(source, "a", "files", f"f{i:04d}.bin"), sizes.medium_bytes, rng)
    per_dir = sizes.small_count // sizes.small_dirs
    for d in range(sizes.small_dirs):
        folder = os.path.join(source, "b", "small", f"d{d:02d}")
        os.makedirs(folder, exist_ok=True)
        for i in range(per_dir):
            with open(os.path.join(folder, f"s{i:05d}.dat"), "wb") as f:
                f.write(rng.randbytes(rng.randint(1024, 4096)))
    with open(done, "w", encoding="ascii") as f:
        f.write("ok\n")


def _is_engine_file(name):
    # Syncthing's marker, temporaries and versions; Mesh's temporaries and metadata folder.
    return (name in (".stfolder", ".stversions", ".stignore", ".meshignore", ".mesh")
            or name.startswith(".syncthing.") or name.startswith(".mesh."))


def digest(root):
    """Maps every relative path to ('d',) for directories or ('f', sha256) for files, engine files left out."""
    result = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not _is_engine_file(d)]
        rel_dir = os.path.relpath(directory, root)
        if rel_dir != ".":
            result[rel_dir] = ("d",)
        for name in files:
            if _is_engine_file(name):
                continue
            h = hashlib.sha256()
            try:
                with open(os.path.join(directory, name), "rb") as f:
                    while chunk := f.read(4 * MIB):
                        h.update(chunk)
            except FileNotFoundError:
                # A tool that timed out may still be moving files; the trees then differ, which is reported.
                h.update(b"vanished while hashed")
            result[os.path.normpath(os.path.join(rel_dir, name))] = ("f", h.hexdigest())
    return result


def stat_signature(root):
    """Paths with size and mtime (ns) of files, without reading them: cheap enough to ask while waiting."""
    result = {}
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not _is_engine_file(d)]
        rel_dir = os.path.relpath(directory, root)
        if rel_dir != ".":
            result[rel_dir] = None
        for name in files:
            if not _is_engine_file(name):
                st = os.stat(os.path.join(directory, name))
                result[os.path.join(rel_dir, name)] = (st.st_size, st.st_mtime_ns)
    return result


def differences(a, b, limit=5):
    """A short human-readable list of what differs between two digests."""
    out = []
    for path in sorted(set(a) | set(b)):
        if a.get(path) != b.get(path):
            out.append(f"{path}: A={a.get(path)} B={b.get(path)}")
            if len(out) >= limit:
                break
    return out
