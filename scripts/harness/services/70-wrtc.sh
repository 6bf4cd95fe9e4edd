# Google's libwebrtc as published on npm (@roamhq/wrtc), the independent WebRTC stack that Mesh's data
# channels are tested against. Installed with npm into a cache folder outside the repository (kept
# between runs; nothing is committed), then exported for Tests/Integration/WebRtc.
WRTC_VERSION=0.10.0

wrtc_start() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    harness_apt_install nodejs npm || { harness_unavailable "node and npm could not be installed"; return 0; }
  fi
  local dir="${MESH_WRTC_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mesh/wrtc-$WRTC_VERSION}"
  local module="$dir/node_modules/@roamhq/wrtc"
  if [ ! -f "$module/package.json" ]; then
    mkdir -p "$dir"
    harness_log "installing @roamhq/wrtc@$WRTC_VERSION into $dir"
    if ! (cd "$dir" && npm install --no-audit --no-fund --no-save "@roamhq/wrtc@$WRTC_VERSION" >"$dir/npm.log" 2>&1); then
      tail -20 "$dir/npm.log" >&2 || true
      harness_unavailable "npm could not install @roamhq/wrtc@$WRTC_VERSION"
      return 0
    fi
  fi
  # Load it once: a package whose native part does not load is as good as absent.
  if ! WRTC_MODULE="$module" node -e 'new (require(process.env.WRTC_MODULE).RTCPeerConnection)().close()' >/dev/null 2>&1; then
    harness_unavailable "@roamhq/wrtc is installed in $dir but does not load"
    return 0
  fi
  export MESH_TEST_WRTC_MODULE="$module" MESH_TEST_NODE
  MESH_TEST_NODE=$(command -v node)
  harness_log "libwebrtc (@roamhq/wrtc $WRTC_VERSION) from $module"
}

# Nothing runs between tests: each test starts and stops its own node processes.
wrtc_stop() { :; }

harness_register wrtc
