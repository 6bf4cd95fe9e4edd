# A throwaway certificate authority and a server certificate for the test domain, so clients can be
# tested with real certificate validation (an extra CA file) instead of "accept anything".
MESH_TEST_DOMAIN=${MESH_TEST_DOMAIN:-mesh.test}

pki_start() {
  if ! command -v openssl >/dev/null 2>&1; then
    harness_apt_install openssl || { harness_unavailable "openssl is missing"; return 0; }
  fi
  local dir="$MESH_HARNESS_DIR/pki"
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=Mesh Test CA" -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=$MESH_TEST_DOMAIN" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s,DNS:*.%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
    "$MESH_TEST_DOMAIN" "$MESH_TEST_DOMAIN" > "$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 2 -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
  chmod 644 "$dir"/*.pem "$dir/server.key"
  export MESH_TEST_CA_FILE="$dir/ca.pem" MESH_TEST_SERVER_CERT="$dir/server.pem" MESH_TEST_SERVER_KEY="$dir/server.key"
}

pki_stop() { :; }

harness_register pki
