"""The issue's scenarios. Each one prepares what it needs before the clock starts (copies, a shifted file), so
the change itself is a rename or a one-byte write: the clock measures the tool, not the benchmark."""

import os
import shutil

MIB = 1 << 20


class Scenario:
    def __init__(self, key, what, prepare, apply, subs):
        self.key = key
        self.what = what
        self.prepare = prepare
        self.apply = apply
        self.subs = subs


def _move_in(stage_name, *names):
    def apply(folder, stage):
        for name in names:
            os.rename(os.path.join(stage, stage_name, name), os.path.join(folder, name))
    return apply


def _nothing(_folder, _stage, _source):
    pass


def _stage_small(_folder, stage, source):
    target = os.path.join(stage, "b")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(os.path.join(source, "b"), target)


def _flip_middle_byte(folder, _stage):
    path = os.path.join(folder, "big.bin")
    middle = os.path.getsize(path) // 2
    with open(path, "r+b") as f:
        f.seek(middle)
        old = f.read(1)
        f.seek(middle)
        f.write(bytes([old[0] ^ 0xFF]))


def _stage_inserted(folder, stage, _source):
    with open(os.path.join(folder, "big.bin"), "rb") as src, open(os.path.join(stage, "big.bin"), "wb") as dst:
        dst.write(src.read(1000))
        dst.write(b"\x5a")
        while chunk := src.read(8 * MIB):
            dst.write(chunk)
        # On disk before the clock: ext4 (auto_da_alloc) starts writing a file's delayed data inside a
        # rename that replaces another file, which would put the staging's writeback in the tool's time.
        dst.flush()
        os.fsync(dst.fileno())
    _hold_replaced(folder, stage, "big.bin")


def _hold_replaced(folder, stage, name):
    """Keeps the file a rename will replace alive through a second link in the stage directory.

    Without it the rename drops the old file's last link, and the kernel frees its blocks and its
    page cache inside the rename: 0.4-0.8 s for the 512 MiB file on this VM, spent before the tool can
    even be asked to scan, and counted as the tool's time (Syncthing's as well as Mesh's). The link is dropped when
    scenario d is prepared, outside the clock.
    """
    held = os.path.join(stage, f"{name}.replaced")
    if os.path.exists(held):
        os.unlink(held)
    os.link(os.path.join(folder, name), held)


def _release_held(_folder, stage, _source):
    for name in os.listdir(stage):
        if name.endswith(".replaced"):
            os.unlink(os.path.join(stage, name))


def _replace_big(folder, stage):
    os.rename(os.path.join(stage, "big.bin"), os.path.join(folder, "big.bin"))


def _rename_dir(folder, _stage):
    os.rename(os.path.join(folder, "files"), os.path.join(folder, "files-renamed"))


def stage_initial(stage, source):
    """Copies the initial data next to the folder (same file system) before the tool starts."""
    target = os.path.join(stage, "a")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(os.path.join(source, "a"), target)


ALL = [
    Scenario("a", "initial sync: big file + medium files", _nothing, _move_in("a", "big.bin", "files"), None),
    Scenario("b", "then many small files in 20 dirs", _stage_small, _move_in("b", "small"), ["small"]),
    Scenario("c1", "overwrite one byte in the middle of the big file", _nothing, _flip_middle_byte, ["big.bin"]),
    Scenario("c2", "insert one byte at offset 1,000 of the big file", _stage_inserted, _replace_big, ["big.bin"]),
    Scenario("d", "rename the directory of medium files", _release_held, _rename_dir, ["files", "files-renamed"]),
]
