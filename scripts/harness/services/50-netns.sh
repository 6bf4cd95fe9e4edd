# Real NAT for the tests: Linux network namespaces joined by veth pairs, with iptables NAT routers.
#
#   "public" namespace (the internet): coturn on 198.18.0.1:3478 and 198.18.0.2:3478 (two addresses, so a
#   client can compare the mappings two destinations see), relaying from 198.18.0.1; it routes between
#   the NAT routers' WAN sides 198.18.N.2/24.
#   Four private networks 10.99.N.0/24, each a host namespace (10.99.N.2) behind its own NAT namespace:
#     N=1 eim1, N=2 eim2: MASQUERADE, endpoint-independent mapping (port preserved)
#     N=3 sym1, N=4 sym2: MASQUERADE --random-fully, address-and-port-dependent mapping (symmetric)
#   Every router drops unsolicited inbound packets in mangle PREROUTING, before conntrack confirms an
#   entry for them, as home routers do: an early hole-punching packet must not leave a conntrack entry
#   that would push the router's own later outbound mapping to another port.
#
# Only addresses that exist inside these namespaces are used (198.18.0.0/15 and 10.99.0.0/16); the root
# namespace gets no interface, so no test traffic can leave. Exports MESH_TEST_NETNS_* (docs/stun-turn.md).
NETNS_NETWORKS=(eim1 eim2 sym1 sym2)

netns_start() {
  if ! harness_is_root; then
    harness_unavailable "network namespaces need root"
    return 0
  fi
  if ! harness_apt_install iproute2 iptables coturn; then
    harness_unavailable "iproute2/iptables/coturn could not be installed for the NAT namespaces"
    return 0
  fi
  local dir="$MESH_HARNESS_DIR/netns"
  mkdir -p "$dir"
  : > "$dir/namespaces"
  NETNS_PREFIX="mesh$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  if ! netns_build "$dir" 2>"$dir/build.log"; then
    tail -20 "$dir/build.log" >&2
    netns_stop
    harness_unavailable "the NAT namespaces could not be built"
    return 0
  fi
  harness_log "NAT namespaces ${NETNS_PREFIX}-* up; coturn in ${NETNS_PREFIX}-pub on 198.18.0.1:3478 (pid $(cat "$dir/coturn.pid"))"
}

# Runs a command inside namespace NAME.
netns_in() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

netns_add() {
  ip netns add "$1" || return 1
  echo "$1" >> "$MESH_HARNESS_DIR/netns/namespaces"
  netns_in "$1" ip link set lo up
}

netns_build() {
  # Called as a condition, where errexit does not apply: every step checks its own status.
  local dir=$1 pub="${NETNS_PREFIX}-pub" i name nat host secret
  netns_add "$pub" || return 1
  netns_in "$pub" sysctl -qw net.ipv4.ip_forward=1 || return 1
  netns_in "$pub" ip addr add 198.18.0.1/32 dev lo || return 1
  netns_in "$pub" ip addr add 198.18.0.2/32 dev lo || return 1
  # The internet has a route for every address and silently loses packets to private ones. Without a
  # default route here, coturn's relayed send to a peer's private host candidate (10.99.N.2) fails with
  # ENETUNREACH, and coturn closes the whole allocation on a failed relay send ("udp send: Network is
  # unreachable", session closed with reason "general"): every relayed pair died with it. A dummy
  # default route into a veth pair whose both ends stay in this namespace swallows such packets, as a real
  # server's upstream would: the gateway's link-layer address is a fixed one that no interface owns, so
  # the frame is dropped on arrival, with no ARP failure that would turn into an ICMP error for coturn.
  netns_in "$pub" ip link add void0 type veth peer name void1 || return 1
  netns_in "$pub" ip link set void0 up || return 1
  netns_in "$pub" ip link set void1 up || return 1
  netns_in "$pub" ip neigh add 198.18.255.1 lladdr 02:00:5e:00:00:01 dev void0 nud permanent || return 1
  netns_in "$pub" ip route add default via 198.18.255.1 dev void0 onlink || return 1

  for i in 1 2 3 4; do
    name=${NETNS_NETWORKS[$((i - 1))]}
    nat="${NETNS_PREFIX}-nat-$name"
    host="${NETNS_PREFIX}-$name"
    netns_add "$nat" || return 1
    netns_add "$host" || return 1
    # WAN: public <-> router. Interface names are short and local to each namespace.
    ip link add "mw$i-$NETNS_PREFIX" netns "$pub" type veth peer name wan netns "$nat" || return 1
    netns_in "$pub" ip link set "mw$i-$NETNS_PREFIX" name "wan$i" || return 1
    netns_in "$pub" ip addr add "198.18.$i.1/24" dev "wan$i" || return 1
    netns_in "$pub" ip link set "wan$i" up || return 1
    netns_in "$nat" ip addr add "198.18.$i.2/24" dev wan || return 1
    netns_in "$nat" ip link set wan up || return 1
    netns_in "$nat" ip route add default via "198.18.$i.1" || return 1
    # LAN: router <-> host.
    ip link add "ml$i-$NETNS_PREFIX" netns "$nat" type veth peer name eth0 netns "$host" || return 1
    netns_in "$nat" ip link set "ml$i-$NETNS_PREFIX" name lan || return 1
    netns_in "$nat" ip addr add "10.99.$i.1/24" dev lan || return 1
    netns_in "$nat" ip link set lan up || return 1
    netns_in "$host" ip addr add "10.99.$i.2/24" dev eth0 || return 1
    netns_in "$host" ip link set eth0 up || return 1
    netns_in "$host" ip route add default via "10.99.$i.1" || return 1
    netns_in "$nat" sysctl -qw net.ipv4.ip_forward=1 || return 1

    if [[ $name == sym* ]]; then
      netns_in "$nat" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE --random-fully || return 1
    else
      netns_in "$nat" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE || return 1
    fi
    # Unsolicited inbound: dropped before conntrack confirms an entry for it (see the header).
    netns_in "$nat" iptables -t mangle -A PREROUTING -i wan -m conntrack --ctstate NEW,INVALID -j DROP || return 1
    netns_in "$nat" iptables -A FORWARD -i lan -o wan -j ACCEPT || return 1
    netns_in "$nat" iptables -A FORWARD -i wan -o lan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT || return 1
    netns_in "$nat" iptables -P FORWARD DROP || return 1

    local upper=${name^^}
    export "MESH_TEST_NETNS_${upper}=$host" "MESH_TEST_NETNS_${upper}_ADDRESS=10.99.$i.2" \
      "MESH_TEST_NETNS_${upper}_NAT=$nat" "MESH_TEST_NETNS_${upper}_PUBLIC=198.18.$i.2"
  done

  secret=$(head -c 18 /dev/urandom | base64 | tr -d '/+=') || return 1
  netns_in "$pub" /usr/bin/turnserver -n --listening-ip=198.18.0.1 --listening-ip=198.18.0.2 --relay-ip=198.18.0.1 \
    --listening-port=3478 --min-port=40000 --max-port=44999 --use-auth-secret --static-auth-secret="$secret" \
    --realm="${MESH_TEST_DOMAIN:-mesh.test}" --no-tls --no-dtls --no-cli --fingerprint --no-multicast-peers \
    --pidfile="$dir/turnserver.pid" --log-file="$dir/turnserver.log" --simple-log -v >"$dir/coturn.out" 2>&1 &
  echo $! > "$dir/coturn.pid"
  local ok=
  for _ in $(seq 1 100); do
    if netns_in "$pub" bash -c 'exec 3<>/dev/tcp/198.18.0.1/3478' 2>/dev/null; then ok=1; break; fi
    sleep 0.1
  done
  [ -n "$ok" ] || { echo "coturn did not start in $pub"; return 1; }
  # The whole path works: a host behind a NAT reaches coturn's TCP port.
  netns_in "${NETNS_PREFIX}-eim1" bash -c 'exec 3<>/dev/tcp/198.18.0.1/3478' || { echo "no route from eim1 to coturn"; return 1; }

  export MESH_TEST_NETNS_PUBLIC="$pub" MESH_TEST_NETNS_STUN1=198.18.0.1:3478 MESH_TEST_NETNS_STUN2=198.18.0.2:3478 \
    MESH_TEST_NETNS_TURN_HOST=198.18.0.1 MESH_TEST_NETNS_TURN_PORT=3478 MESH_TEST_NETNS_TURN_SECRET="$secret" \
    MESH_TEST_NETNS_TURN_REALM="${MESH_TEST_DOMAIN:-mesh.test}" MESH_TEST_NETNS_NETWORKS="${NETNS_NETWORKS[*]}"
}

# Removes everything, also after a failed or partial start: processes inside the namespaces, the
# namespaces (which takes their veth pairs with them) and coturn.
netns_stop() {
  local dir="$MESH_HARNESS_DIR/netns" ns pids
  [ -d "$dir" ] || return 0
  harness_kill_pidfile "$dir/coturn.pid"
  if [ -f "$dir/namespaces" ]; then
    while read -r ns; do
      [ -n "$ns" ] || continue
      pids=$(ip netns pids "$ns" 2>/dev/null || true)
      [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
      ip netns del "$ns" 2>/dev/null || true
    done < "$dir/namespaces"
    : > "$dir/namespaces"
  fi
}

harness_register netns
