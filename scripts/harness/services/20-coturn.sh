# coturn on 127.0.0.1 with TURN REST-API credentials (a shared secret), as XEP-0215 hands them out.
coturn_start() {
  harness_apt_install coturn || { harness_unavailable "coturn could not be installed"; return 0; }
  local dir="$MESH_HARNESS_DIR/coturn" port secret
  mkdir -p "$dir"
  port=$(harness_free_port)
  secret=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  /usr/bin/turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="$port" \
    --min-port=40000 --max-port=44999 --use-auth-secret --static-auth-secret="$secret" \
    --realm="$MESH_TEST_DOMAIN" --no-tls --no-dtls --no-cli --fingerprint --allow-loopback-peers \
    --no-multicast-peers --pidfile="$dir/turnserver.pid" --log-file="$dir/turnserver.log" --simple-log \
    >"$dir/stdout.log" 2>&1 &
  echo $! > "$dir/pid"
  if ! harness_wait_tcp "$port" 20; then
    tail -20 "$dir/turnserver.log" "$dir/stdout.log" >&2 2>/dev/null || true
    harness_unavailable "coturn did not start on 127.0.0.1:$port"
    return 0
  fi
  export MESH_TEST_TURN_HOST=127.0.0.1 MESH_TEST_TURN_PORT="$port" MESH_TEST_TURN_SECRET="$secret" \
    MESH_TEST_TURN_REALM="$MESH_TEST_DOMAIN"
  harness_log "coturn on 127.0.0.1:$port (pid $(cat "$dir/pid"))"
}

coturn_stop() { harness_kill_pidfile "$MESH_HARNESS_DIR/coturn/pid"; }

harness_register coturn
