# A small tmpfs (64 MiB) for the sync engine's disk-full test: mounted as root inside the harness's
# temporary folder, exported as MESH_TEST_SMALL_FS, unmounted on stop. Without root the test skips
# (and under CI=true the run fails here instead).
smallfs_start() {
  local dir="$MESH_HARNESS_DIR/smallfs"
  mkdir -p "$dir"
  if ! harness_is_root; then
    harness_unavailable "not root: cannot mount the small tmpfs for the disk-full test"
    return 0
  fi
  if ! mount -t tmpfs -o size=64m,mode=1777 mesh-smallfs "$dir"; then
    harness_unavailable "could not mount a 64 MiB tmpfs at $dir"
    return 0
  fi
  touch "$MESH_HARNESS_DIR/smallfs.mounted"
  export MESH_TEST_SMALL_FS="$dir"
  harness_log "small tmpfs (64 MiB) at $dir"
}

smallfs_stop() {
  local dir="$MESH_HARNESS_DIR/smallfs"
  [ -f "$MESH_HARNESS_DIR/smallfs.mounted" ] || return 0
  # A lazy unmount as the fallback, so a test process still holding a file cannot keep it mounted.
  umount "$dir" 2>/dev/null || umount -l "$dir" 2>/dev/null || true
  rm -f "$MESH_HARNESS_DIR/smallfs.mounted"
}

harness_register smallfs
