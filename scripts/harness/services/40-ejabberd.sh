# ejabberd on 127.0.0.1 only, beside Prosody, so the XMPP client is tested against a second server:
# a STARTTLS port, a direct-TLS port (XEP-0368), stream management, the SOCKS5 proxy (XEP-0065) and
# external services (XEP-0215, mod_stun_disco) pointing at the harness's coturn with its secret.
# Configuration, database and logs live in the temporary folder; the Erlang distribution listens on
# loopback on a free port of its own, without epmd. As root it runs as the package's ejabberd user.
ejabberd_start() {
  [ -n "${MESH_TEST_SERVER_CERT:-}" ] || { harness_unavailable "ejabberd needs the harness's test certificate"; return 0; }
  harness_apt_install ejabberd || { harness_unavailable "ejabberd could not be installed"; return 0; }
  local dir="$MESH_HARNESS_DIR/ejabberd" port tls_port proxy_port dist_port
  mkdir -p "$dir/spool" "$dir/logs" "$dir/home"
  port=$(harness_free_port); tls_port=$(harness_free_port); proxy_port=$(harness_free_port); dist_port=$(harness_free_port)
  cat "$MESH_TEST_SERVER_CERT" "$MESH_TEST_SERVER_KEY" > "$dir/server.pem"
  cat > "$dir/ejabberd.yml" <<YML
hosts:
  - "$MESH_TEST_DOMAIN"
loglevel: info
certfiles:
  - "$dir/server.pem"
auth_method: internal
auth_password_format: plain
s2s_access: none
listen:
  - port: $port
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls_required: true
    max_stanza_size: 262144
  - port: $tls_port
    ip: "127.0.0.1"
    module: ejabberd_c2s
    tls: true
    max_stanza_size: 262144
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
modules:
  mod_caps: {}
  mod_disco: {}
  mod_ping: {}
  mod_roster: {}
  mod_stream_mgmt:
    resume_timeout: 60
  mod_proxy65:
    hosts: ["proxy.$MESH_TEST_DOMAIN"]
    ip: "127.0.0.1"
    port: $proxy_port
    hostname: "127.0.0.1"
    access: local
  mod_stun_disco:
    secret: "${MESH_TEST_TURN_SECRET:-unset}"
    credentials_lifetime: 1d
    offer_local_services: false
    services:
      - host: 127.0.0.1
        port: ${MESH_TEST_TURN_PORT:-3478}
        type: stun
        transport: udp
        restricted: false
      - host: 127.0.0.1
        port: ${MESH_TEST_TURN_PORT:-3478}
        type: turn
        transport: udp
        restricted: true
YML
  cat > "$dir/ejabberdctl.cfg" <<CFG
ERLANG_NODE=mesh$dist_port@localhost
ERL_DIST_PORT=$dist_port
INET_DIST_INTERFACE=127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
EJABBERD_PID_PATH=$dir/pid
POLL=true
ERL_PROCESSES=250000
ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"
CFG
  local run=(env HOME="$dir/home")
  if harness_is_root; then
    chown -R ejabberd:ejabberd "$dir"
    run=(setpriv --reuid=ejabberd --regid=ejabberd --init-groups -- env HOME="$dir/home")
  fi
  local ctl=(/usr/sbin/ejabberdctl --config-dir "$dir" --config "$dir/ejabberd.yml" --ctl-config "$dir/ejabberdctl.cfg" --logs "$dir/logs" --spool "$dir/spool")
  (cd "$dir" && "${run[@]}" "${ctl[@]}" foreground >"$dir/stdout.log" 2>&1 &)
  if ! harness_wait_tcp "$port" 60; then
    tail -20 "$dir/stdout.log" "$dir/logs/ejabberd.log" >&2 2>/dev/null || true
    harness_unavailable "ejabberd did not start on 127.0.0.1:$port"
    return 0
  fi
  local accounts=""
  for user in alice bob carol; do
    local pw
    pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
    (cd "$dir" && "${run[@]}" "${ctl[@]}" register "$user" "$MESH_TEST_DOMAIN" "$pw" >/dev/null 2>&1) \
      || { harness_unavailable "ejabberdctl could not register $user"; return 0; }
    accounts="$accounts $user:$pw"
  done
  export MESH_TEST_EJABBERD_HOST=127.0.0.1 MESH_TEST_EJABBERD_PORT="$port" MESH_TEST_EJABBERD_TLS_PORT="$tls_port" \
    MESH_TEST_EJABBERD_DOMAIN="$MESH_TEST_DOMAIN" MESH_TEST_EJABBERD_CA_FILE="$MESH_TEST_CA_FILE" \
    MESH_TEST_EJABBERD_ACCOUNTS="${accounts# }" MESH_TEST_EJABBERD_PROXY65_JID="proxy.$MESH_TEST_DOMAIN" \
    MESH_TEST_EJABBERD_PROXY65_PORT="$proxy_port"
  harness_log "ejabberd on 127.0.0.1:$port (direct TLS $tls_port, proxy65 $proxy_port, pid $(cat "$dir/pid" 2>/dev/null))"
}

ejabberd_stop() { harness_kill_pidfile "$MESH_HARNESS_DIR/ejabberd/pid"; }

harness_register ejabberd
