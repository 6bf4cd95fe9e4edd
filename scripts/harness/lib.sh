# Shared functions of the test harness. A service file in services/ defines NAME_start and NAME_stop
# and registers itself with `harness_register NAME`; test.sh starts them in file order and stops
# them in reverse order on exit, whatever happened.

harness_log() { printf '[harness] %s\n' "$*" >&2; }

# Fails the run under CI, where a missing server must not turn into skipped tests; elsewhere warns.
harness_unavailable() {
  if [ "${CI:-}" = "true" ]; then
    harness_log "FATAL: $*"
    exit 1
  fi
  harness_log "WARNING: $* (its tests will be skipped)"
}

harness_register() { HARNESS_SERVICES+=("$1"); }

harness_is_root() { [ "$(id -u)" = 0 ]; }

# Installs Debian packages that are missing, when we are root; returns non-zero when they stay missing.
harness_apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! harness_is_root; then
    harness_log "missing packages ${missing[*]} and not root to install them"
    return 1
  fi
  if [ ! -f "$MESH_HARNESS_DIR/.apt-updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
    touch "$MESH_HARNESS_DIR/.apt-updated"
  fi
  harness_log "installing ${missing[*]}"
  # Services must not start from their packages' scripts: the harness starts its own instances.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  local rc=$?
  rm -f /usr/sbin/policy-rc.d
  return $rc
}

# Prints a TCP and UDP port on 127.0.0.1 that nothing listens on now.
harness_free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( (RANDOM * 32768 + RANDOM) % 30000 + 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! harness_udp_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

harness_udp_in_use() {
  command -v ss >/dev/null 2>&1 || return 1
  ss -Hlun "sport = :$1" 2>/dev/null | grep -q .
}

# Waits until something accepts TCP connections on 127.0.0.1:PORT, up to SECONDS.
harness_wait_tcp() {
  local port=$1 seconds=${2:-20}
  for _ in $(seq 1 $((seconds * 10))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# Stops a process by the PID in FILE: TERM, then KILL after a grace period.
harness_kill_pidfile() {
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

harness_start_all() {
  for service in "${HARNESS_SERVICES[@]}"; do
    harness_log "starting $service"
    "${service}_start"
  done
}

harness_stop_all() {
  local i
  for ((i = ${#HARNESS_SERVICES[@]} - 1; i >= 0; i--)); do
    "${HARNESS_SERVICES[$i]}_stop" || true
  done
}
