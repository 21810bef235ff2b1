#!/usr/bin/env bash
# Starts a local ActorChat cluster on loopback: a throwaway PostgreSQL, three nodes, and nginx in front as the
# load balancer the page connects through (http://localhost:8080). Ctrl+C stops all of it and removes its data.
set -euo pipefail
cd "$(dirname "$0")/.."

HTTP_PORT=${ACTORCHAT_CLUSTER_PORT:-8080}     # nginx, the address to open
NODES=${ACTORCHAT_CLUSTER_NODES:-3}
# How the nodes find each other: Config (Cluster Bootstrap over the list of their bootstrap endpoints, no seed node
# named) or Seeds (node 1 is the seed the others join).
DISCOVERY=${ACTORCHAT_CLUSTER_DISCOVERY:-Config}
NODE_HTTP_BASE=${ACTORCHAT_NODE_HTTP_BASE:-5100} # node i serves HTTP on NODE_HTTP_BASE+i,
NODE_AKKA_BASE=${ACTORCHAT_NODE_AKKA_BASE:-2550} # talks to the other nodes on NODE_AKKA_BASE+i,
NODE_BOOT_BASE=${ACTORCHAT_NODE_BOOT_BASE:-8550} # answers their bootstrap probes on NODE_BOOT_BASE+i
NODE_MGMT_BASE=${ACTORCHAT_NODE_MGMT_BASE:-9460} # and serves /metrics, /cluster and the console on NODE_MGMT_BASE+i
PG_PORT=${ACTORCHAT_PG_PORT:-55432}
WORK=$(mktemp -d /tmp/actorchat-cluster.XXXXXX)
say() { printf '==> %s\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing with apt-get: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  $SUDO service postgresql stop >/dev/null 2>&1 || true
  $SUDO service nginx stop >/dev/null 2>&1 || true
fi

pids=()
cleanup() {
  say "Stopping the cluster"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && /usr/sbin/nginx -p "$WORK" -c "$WORK/nginx.conf" -s stop 2>/dev/null || true
  as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

say "Starting a throwaway PostgreSQL in $WORK/pg"
PG_BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$WORK"
as_postgres "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w \
  -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1" start >/dev/null
as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres actorchat

say "Building the server (Release)"
dotnet build src/ActorChat.Host -c Release -nologo -v quiet
HOST_DLL=src/ActorChat.Host/bin/Release/net10.0/ActorChat.Host.dll

export ActorChat__Storage__Provider=PostgreSql
export ActorChat__Storage__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=actorchat"
export ActorChat__Auth__SigningKey=$(head -c 32 /dev/urandom | base64)
export ActorChat__Auth__AllowedOrigins__0="http://localhost:$HTTP_PORT"
export ActorChat__Auth__AllowedOrigins__1="http://127.0.0.1:$HTTP_PORT"
# nginx connects from loopback and names the client and its scheme in X-Forwarded-For and X-Forwarded-Proto.
export ActorChat__Proxy__TrustedProxies__0=127.0.0.1
export ActorChat__Cluster__Discovery=$DISCOVERY
for i in $(seq 1 "$NODES"); do
  if [ "$DISCOVERY" = Seeds ]; then
    export ActorChat__Cluster__SeedNodes__0="akka.tcp://actorchat@127.0.0.1:$((NODE_AKKA_BASE + 1))"
  else
    export "ActorChat__Cluster__DiscoveryEndpoints__$((i - 1))=127.0.0.1:$((NODE_BOOT_BASE + i))"
  fi
done

# Node i's own ports; started again with the same ones, it takes its place back in the cluster.
start_node() {
  local i=$1
  ActorChat__Cluster__Port=$((NODE_AKKA_BASE + i)) ActorChat__Cluster__BootstrapPort=$((NODE_BOOT_BASE + i)) \
    ActorChat__Management__Urls="http://127.0.0.1:$((NODE_MGMT_BASE + i))" \
    dotnet "$HOST_DLL" --urls "http://127.0.0.1:$((NODE_HTTP_BASE + i))" >>"$WORK/node$i.log" 2>&1 &
  pids[$i]=$!
}

wait_ready() {
  local i=$1
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$((NODE_HTTP_BASE + i))/readyz" >/dev/null 2>&1 && return 0
    kill -0 "${pids[$i]}" 2>/dev/null || { tail -n 50 "$WORK/node$i.log"; return 1; }
    sleep 0.5
  done
  echo "node $i did not become ready in 120 s" >&2
  tail -n 50 "$WORK/node$i.log"
  return 1
}

upstreams=""
for i in $(seq 1 "$NODES"); do
  say "Starting node $i: http://127.0.0.1:$((NODE_HTTP_BASE + i)), cluster port $((NODE_AKKA_BASE + i)), management http://127.0.0.1:$((NODE_MGMT_BASE + i)) (log: $WORK/node$i.log)"
  start_node "$i"
  upstreams+="    server 127.0.0.1:$((NODE_HTTP_BASE + i)) max_fails=1 fail_timeout=5s;"$'\n'
  # With a seed list the first node must form the cluster before the others join it; bootstrap needs no order.
  if [ "$DISCOVERY" = Seeds ]; then wait_ready "$i" || exit 1; fi
done
say "Waiting for the nodes to form the cluster ($DISCOVERY)"
for i in $(seq 1 "$NODES"); do wait_ready "$i" || exit 1; done

cat >"$WORK/nginx.conf" <<CONF
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events {}
http {
  access_log off;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  upstream actorchat {
$upstreams  }
  server {
    listen 127.0.0.1:$HTTP_PORT;
    location / {
      proxy_pass http://actorchat;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host:$HTTP_PORT;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_read_timeout 1h;
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
CONF
/usr/sbin/nginx -p "$WORK" -c "$WORK/nginx.conf"
say "ActorChat cluster of $NODES nodes is up: open http://localhost:$HTTP_PORT (Ctrl+C stops it)"
wait "${pids[@]}"
