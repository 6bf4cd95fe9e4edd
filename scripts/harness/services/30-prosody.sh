# Prosody on 127.0.0.1 only: STARTTLS and direct-TLS client ports, the SOCKS5 proxy component
# (XEP-0065), external services (XEP-0215) pointing at the harness's coturn, stream management, and
# two test accounts. Its configuration lives in a temporary folder, never in /etc. Prosody refuses to
# run as root, so as root it runs as its own system user.
prosody_start() {
  harness_apt_install prosody lua-unbound || { harness_unavailable "prosody could not be installed"; return 0; }
  local dir="$MESH_HARNESS_DIR/prosody" port tls_port proxy_port
  mkdir -p "$dir/data"
  port=$(harness_free_port); tls_port=$(harness_free_port); proxy_port=$(harness_free_port)
  cp "$MESH_TEST_SERVER_CERT" "$dir/server.pem"; cp "$MESH_TEST_SERVER_KEY" "$dir/server.key"
  cat > "$dir/prosody.cfg.lua" <<CFG
pidfile = "$dir/prosody.pid"
data_path = "$dir/data"
log = { info = "$dir/prosody.log"; error = "$dir/prosody.err" }
interfaces = { "127.0.0.1" }
c2s_ports = { $port }
c2s_direct_tls_ports = { $tls_port }
c2s_direct_tls_ssl = { certificate = "$dir/server.pem"; key = "$dir/server.key" }
s2s_ports = { }
modules_disabled = { "s2s" }
modules_enabled = {
  "roster"; "saslauth"; "tls"; "disco"; "ping"; "time"; "version"; "private";
  "carbons"; "pep"; "blocklist"; "smacks"; "turn_external"; "posix";
}
authentication = "internal_plain"
c2s_require_encryption = true
allow_unencrypted_plain_auth = false
ssl = { certificate = "$dir/server.pem"; key = "$dir/server.key" }
smacks_hibernation_time = 60
turn_external_secret = "${MESH_TEST_TURN_SECRET:-unset}"
turn_external_host = "127.0.0.1"
turn_external_port = ${MESH_TEST_TURN_PORT:-3478}
turn_external_ttl = 86400
-- Port options are global in Prosody; inside the Component block they are ignored (it would listen on 5000).
proxy65_ports = { $proxy_port }
proxy65_interfaces = { "127.0.0.1" }

VirtualHost "$MESH_TEST_DOMAIN"
  ssl = { certificate = "$dir/server.pem"; key = "$dir/server.key" }

Component "proxy.$MESH_TEST_DOMAIN" "proxy65"
  proxy65_address = "127.0.0.1"
CFG
  local run=()
  if harness_is_root; then
    chown -R prosody:prosody "$dir"
    run=(setpriv --reuid=prosody --regid=prosody --init-groups --)
  fi
  local accounts=""
  for user in alice bob carol; do
    local pw
    pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
    "${run[@]}" prosodyctl --config "$dir/prosody.cfg.lua" register "$user" "$MESH_TEST_DOMAIN" "$pw" >/dev/null 2>&1 \
      || { harness_unavailable "prosodyctl could not register $user"; return 0; }
    accounts="$accounts $user:$pw"
  done
  # A restart script for resilience tests: stops Prosody by PID and starts it again on the same ports.
  cat > "$dir/restart.sh" <<SH
#!/usr/bin/env bash
set -e
pid=\$(cat "$dir/pid" 2>/dev/null || true)
if [ -n "\$pid" ]; then kill -TERM "\$pid" 2>/dev/null || true; while kill -0 "\$pid" 2>/dev/null; do sleep 0.1; done; fi
sleep "\${1:-0}"
${run[*]} prosody --config "$dir/prosody.cfg.lua" -F >>"$dir/stdout.log" 2>&1 &
echo \$! > "$dir/pid"
for _ in \$(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && exit 0; sleep 0.1; done
exit 1
SH
  chmod 755 "$dir/restart.sh"
  if ! "$dir/restart.sh"; then
    tail -20 "$dir/stdout.log" "$dir/prosody.err" >&2 2>/dev/null || true
    harness_unavailable "prosody did not start on 127.0.0.1:$port"
    return 0
  fi
  export MESH_TEST_XMPP_HOST=127.0.0.1 MESH_TEST_XMPP_PORT="$port" MESH_TEST_XMPP_TLS_PORT="$tls_port" \
    MESH_TEST_XMPP_DOMAIN="$MESH_TEST_DOMAIN" MESH_TEST_XMPP_CA_FILE="$MESH_TEST_CA_FILE" \
    MESH_TEST_XMPP_ACCOUNTS="${accounts# }" MESH_TEST_XMPP_PROXY65_JID="proxy.$MESH_TEST_DOMAIN" \
    MESH_TEST_XMPP_PROXY65_PORT="$proxy_port" MESH_TEST_XMPP_RESTART="$dir/restart.sh"
  harness_log "prosody on 127.0.0.1:$port (direct TLS $tls_port, proxy65 $proxy_port, pid $(cat "$dir/pid"))"
}

prosody_stop() { harness_kill_pidfile "$MESH_HARNESS_DIR/prosody/pid"; }

harness_register prosody
