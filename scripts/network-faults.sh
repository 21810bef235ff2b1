#!/usr/bin/env bash
# A three-node ActorChat cluster whose network can be broken on purpose, on one machine (needs root):
# each node runs in a network namespace of its own (ip netns, a veth pair to a bridge), PostgreSQL and nginx
# run in the root namespace, and faults are iptables rules inside a node's namespace. The cluster tests in
# tests/ActorChat.Cluster.Tests/PartitionTests.cs do the same with load and an audit; this is the hands-on version.
#
#   scripts/network-faults.sh up          start it all; open http://127.0.0.1:8090
#   scripts/network-faults.sh status      the members every node sees
#   scripts/network-faults.sh cut N       cut node N off from the other nodes (clients, nginx, PostgreSQL still reach it)
#   scripts/network-faults.sh lossy P     every node drops P (0..1) of the packets it sends to another node
#   scripts/network-faults.sh heal        remove every fault
#   scripts/network-faults.sh start N     start node N again (after keep-majority downed it)
#   scripts/network-faults.sh down        stop everything and remove the namespaces, the bridge and the data
#
# It touches only what it makes: the namespaces acnet1-3, the bridge acnetbr and the addresses 10.213.78.0/24.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=/tmp/actorchat-network-faults
SUBNET=10.213.78
NODES=3
PG_PORT=55433
LB_PORT=8090
say() { printf '==> %s\n' "$*"; }
node_ip() { echo "$SUBNET.$((10 + $1))"; }
in_node() { local n=$1; shift; ip netns exec "acnet$n" "$@"; }
[ "$(id -u)" -eq 0 ] || { echo "network namespaces and iptables need root" >&2; exit 1; }

start_node() {
  local n=$1 ip
  ip=$(node_ip "$n")
  say "Starting node $n at $ip (HTTP :5000, cluster :2551, bootstrap :8558, management :9464; log $STATE/node$n.log)"
  # shellcheck disable=SC2046
  env $(cat "$STATE/env") ActorChat__Cluster__Hostname="$ip" ActorChat__Management__Urls="http://$ip:9464" \
    ip netns exec "acnet$n" dotnet src/ActorChat.Host/bin/Release/net10.0/ActorChat.Host.dll --urls "http://$ip:5000" \
    >>"$STATE/node$n.log" 2>&1 &
  echo $! >"$STATE/node$n.pid"
}

up() {
  [ -d "$STATE" ] && { echo "already up ($STATE); run: $0 down" >&2; exit 1; }
  command -v iptables >/dev/null && [ -x /usr/sbin/nginx ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || {
    say "Installing with apt-get: iptables nginx postgresql"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables nginx postgresql >/dev/null
    service postgresql stop >/dev/null 2>&1 || true; service nginx stop >/dev/null 2>&1 || true
  }
  mkdir -p "$STATE" && chown postgres:postgres "$STATE"
  say "Bridge acnetbr at $SUBNET.1 and one namespace per node"
  ip link add acnetbr type bridge && ip addr add "$SUBNET.1/24" dev acnetbr && ip link set acnetbr up
  for n in $(seq 1 $NODES); do
    ip netns add "acnet$n"
    ip link add "acnetv$n" type veth peer name "acnetp$n"
    ip link set "acnetp$n" netns "acnet$n"
    ip link set "acnetv$n" master acnetbr up
    in_node "$n" ip link set lo up
    in_node "$n" ip addr add "$(node_ip "$n")/24" dev "acnetp$n"
    in_node "$n" ip link set "acnetp$n" up
  done

  say "PostgreSQL on $SUBNET.1:$PG_PORT"
  local bin
  bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
  runuser -u postgres -- "$bin/initdb" -D "$STATE/pg" -A trust -U postgres >/dev/null
  echo "host all all $SUBNET.0/24 trust" >>"$STATE/pg/pg_hba.conf"
  runuser -u postgres -- "$bin/pg_ctl" -D "$STATE/pg" -l "$STATE/pg.log" -w -o "-p $PG_PORT -k $STATE -c listen_addresses=$SUBNET.1" start >/dev/null
  runuser -u postgres -- "$bin/createdb" -h "$SUBNET.1" -p $PG_PORT -U postgres actorchat

  say "Building the server (Release)"
  dotnet build src/ActorChat.Host -c Release -nologo -v quiet
  {
    echo "ActorChat__Storage__Provider=PostgreSql"
    echo "ActorChat__Storage__ConnectionString=Host=$SUBNET.1;Port=$PG_PORT;Username=postgres;Database=actorchat"
    echo "ActorChat__Auth__SigningKey=$(head -c 32 /dev/urandom | base64)"
    echo "ActorChat__Proxy__TrustedProxies__0=$SUBNET.1"
    echo "ActorChat__Cluster__Port=2551"
    echo "ActorChat__Cluster__Discovery=Config"
    echo "ActorChat__Cluster__BootstrapPort=8558"
    for n in $(seq 1 $NODES); do echo "ActorChat__Cluster__DiscoveryEndpoints__$((n - 1))=$(node_ip "$n"):8558"; done
  } >"$STATE/env"
  for n in $(seq 1 $NODES); do start_node "$n"; done

  local upstreams=""
  for n in $(seq 1 $NODES); do upstreams+="server $(node_ip "$n"):5000 max_fails=1 fail_timeout=2s; "; done
  cat >"$STATE/nginx.conf" <<CONF
pid $STATE/nginx.pid;
error_log $STATE/nginx-error.log;
events {}
http {
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  upstream actorchat { $upstreams }
  server {
    listen 127.0.0.1:$LB_PORT;
    location / {
      proxy_pass http://actorchat; proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade; proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_connect_timeout 2s; proxy_read_timeout 1h; proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
CONF
  /usr/sbin/nginx -p "$STATE" -c "$STATE/nginx.conf"
  say "Waiting for the nodes to form the cluster"
  for n in $(seq 1 $NODES); do
    for _ in $(seq 1 240); do curl -fs "http://$(node_ip "$n"):5000/readyz" >/dev/null && continue 2; sleep 0.5; done
    echo "node $n did not become ready in 120 s: see $STATE/node$n.log" >&2; exit 1
  done
  status
  say "Up: open http://127.0.0.1:$LB_PORT; break it with: $0 cut 3"
}

status() {
  for n in $(seq 1 $NODES); do
    printf 'node %s sees: ' "$n"
    curl -fs --max-time 3 "http://$(node_ip "$n"):9464/cluster" \
      | grep -o '"address":"[^"]*","status":"[^"]*","reachable":[a-z]*' | sed 's/"address":"akka.tcp:\/\/actorchat@//; s/","status":"/ /; s/","reachable":/ reachable=/' \
      | tr '\n' ';' || printf 'no answer (stopped or downed)'
    echo
  done
}

cut_node() {
  say "Cutting node $1 off from the other nodes, both ways"
  for m in $(seq 1 $NODES); do
    [ "$m" = "$1" ] && continue
    in_node "$1" iptables -A INPUT -s "$(node_ip "$m")" -j DROP
    in_node "$1" iptables -A OUTPUT -d "$(node_ip "$m")" -j DROP
  done
}

lossy() {
  say "Every node drops $1 of the node-to-node packets it sends"
  for n in $(seq 1 $NODES); do
    in_node "$n" iptables -A OUTPUT -p tcp -m multiport --ports 2551 -m statistic --mode random --probability "$1" -j DROP
  done
}

heal() { say "Removing every fault"; for n in $(seq 1 $NODES); do in_node "$n" iptables -F; done; }

down() {
  say "Stopping the nodes, nginx and PostgreSQL; removing the namespaces and the bridge"
  local pids=()
  for n in $(seq 1 $NODES); do [ -f "$STATE/node$n.pid" ] && pids+=("$(cat "$STATE/node$n.pid")"); done
  kill -TERM "${pids[@]}" 2>/dev/null || true
  # A node hands its rooms over before it exits; one that has not exited in 30 s is killed.
  for _ in $(seq 1 60); do kill -0 "${pids[@]}" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  [ -f "$STATE/nginx.pid" ] && /usr/sbin/nginx -p "$STATE" -c "$STATE/nginx.conf" -s stop 2>/dev/null || true
  local bin
  bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
  [ -d "$STATE/pg" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$STATE/pg" -m fast -w stop >/dev/null 2>&1 || true
  for n in $(seq 1 $NODES); do ip link delete "acnetv$n" 2>/dev/null || true; ip netns delete "acnet$n" 2>/dev/null || true; done
  ip link delete acnetbr 2>/dev/null || true
  rm -rf "$STATE"
}

case "${1:-}" in
  up) up ;;
  status) status ;;
  cut) cut_node "${2:?node number}" ;;
  lossy) lossy "${2:?probability, e.g. 0.05}" ;;
  heal) heal ;;
  start) start_node "${2:?node number}" ;;
  down) down ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
