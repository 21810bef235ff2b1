# Sourced by cluster.sh and rolling-restart.sh from the repository root: the pieces of a local ActorChat cluster on
# loopback (a throwaway PostgreSQL, the nodes, nginx in front) and the ways to start, stop and wait for a node.
# The ACTORCHAT_* variables below choose ports and shape; every setting a node reads is exported by cluster_environment.

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
HOST_DLL=src/ActorChat.Host/bin/Release/net10.0/ActorChat.Host.dll
pids=()

say() { printf '==> %s\n' "$*"; }

as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Debian's nginx and postgresql, installed when missing.
cluster_install_missing() {
  local sudo=
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  local missing=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing with apt-get: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    $sudo service postgresql stop >/dev/null 2>&1 || true
    $sudo service nginx stop >/dev/null 2>&1 || true
  fi
}

# Stops every node, nginx and PostgreSQL, and deletes their data.
cluster_cleanup() {
  say "Stopping the cluster"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && /usr/sbin/nginx -p "$WORK" -c "$WORK/nginx.conf" -s stop 2>/dev/null || true
  [ -n "${PG_BIN:-}" ] && as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}

start_postgres() {
  say "Starting a throwaway PostgreSQL in $WORK/pg"
  PG_BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$WORK"
  as_postgres "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
  # Each node's connection pool grows to 100 under load (Npgsql's default): the server's default of 100 in all would
  # refuse a busy cluster's nodes, and a node starting again could not open its journal.
  as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w \
    -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c max_connections=$((100 * NODES + 50))" start >/dev/null
  as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres actorchat
}

build_server() {
  say "Building the server (Release)"
  dotnet build src/ActorChat.Host -c Release -nologo -v quiet
}

# What every node shares: storage, signing key, origins, the proxy it trusts and how the nodes find each other.
cluster_environment() {
  export ActorChat__Storage__Provider=PostgreSql
  export ActorChat__Storage__ConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=actorchat"
  ActorChat__Auth__SigningKey=$(head -c 32 /dev/urandom | base64)
  export ActorChat__Auth__SigningKey
  export ActorChat__Auth__AllowedOrigins__0="http://localhost:$HTTP_PORT"
  export ActorChat__Auth__AllowedOrigins__1="http://127.0.0.1:$HTTP_PORT"
  # nginx connects from loopback and names the client and its scheme in X-Forwarded-For and X-Forwarded-Proto.
  export ActorChat__Proxy__TrustedProxies__0=127.0.0.1
  export ActorChat__Cluster__Discovery=$DISCOVERY
  # A new cluster forms once every listed node answers; a cluster of one needs only itself.
  [ "$DISCOVERY" = Seeds ] || export ActorChat__Cluster__RequiredContactPoints=$(( NODES < 2 ? 1 : 2 ))
  local i
  for i in $(seq 1 "$NODES"); do
    if [ "$DISCOVERY" = Seeds ]; then
      export ActorChat__Cluster__SeedNodes__0="akka.tcp://actorchat@127.0.0.1:$((NODE_AKKA_BASE + 1))"
    else
      export "ActorChat__Cluster__DiscoveryEndpoints__$((i - 1))=127.0.0.1:$((NODE_BOOT_BASE + i))"
    fi
  done
}

# Node i's own ports; started again with the same ones, it takes its place back in the cluster.
start_node() {
  local i=$1
  ActorChat__Cluster__Port=$((NODE_AKKA_BASE + i)) ActorChat__Cluster__BootstrapPort=$((NODE_BOOT_BASE + i)) \
    ActorChat__Management__Urls="http://127.0.0.1:$((NODE_MGMT_BASE + i))" \
    dotnet "$HOST_DLL" --urls "http://127.0.0.1:$((NODE_HTTP_BASE + i))" >>"$WORK/node$i.log" 2>&1 &
  pids[$i]=$!
}

# Asks node i to stop (SIGTERM: it hands its rooms over and closes its sockets with 1001) and waits for its process
# to exit, at most 120 s; NODE_EXIT is its exit code.
stop_node() {
  local i=$1 pid=${pids[$1]}
  kill -TERM "$pid"
  for _ in $(seq 1 240); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "node $i did not exit within 120 s of SIGTERM" >&2
    tail -n 50 "$WORK/node$i.log"
    return 1
  fi
  NODE_EXIT=0
  wait "$pid" || NODE_EXIT=$?
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

# Whether node j's GET /cluster lists node i as an Up member it reaches.
node_sees_up() {
  local j=$1 i=$2
  curl -fs "http://127.0.0.1:$((NODE_MGMT_BASE + j))/cluster" 2>/dev/null \
    | grep -q "\"address\":\"akka.tcp://actorchat@127.0.0.1:$((NODE_AKKA_BASE + i))\",\"status\":\"up\",\"reachable\":true"
}

# Waits, at most 120 s, until every other node sees node i Up ($1 = up) or no longer sees it Up ($1 = gone).
wait_seen() {
  local want=$1 i=$2 j done
  for _ in $(seq 1 240); do
    done=1
    for j in $(seq 1 "$NODES"); do
      [ "$j" -eq "$i" ] && continue
      if node_sees_up "$j" "$i"; then [ "$want" = up ] || done=0; else [ "$want" = gone ] || done=0; fi
    done
    [ "$done" -eq 1 ] && return 0
    sleep 0.5
  done
  echo "the other nodes did not see node $i $want within 120 s" >&2
  return 1
}

# Starts every node and waits until each is ready.
start_nodes() {
  local i
  for i in $(seq 1 "$NODES"); do
    say "Starting node $i: http://127.0.0.1:$((NODE_HTTP_BASE + i)), cluster port $((NODE_AKKA_BASE + i)), management http://127.0.0.1:$((NODE_MGMT_BASE + i)) (log: $WORK/node$i.log)"
    start_node "$i"
    # With a seed list the first node must form the cluster before the others join it; bootstrap needs no order.
    if [ "$DISCOVERY" = Seeds ]; then wait_ready "$i" || return 1; fi
  done
  say "Waiting for the nodes to form the cluster ($DISCOVERY)"
  for i in $(seq 1 "$NODES"); do wait_ready "$i" || return 1; done
}

# nginx on HTTP_PORT in front of every node, passing WebSocket upgrades through.
start_nginx() {
  local i upstreams=""
  # max_fails=0: a refused connection still moves on to the next node (proxy_next_upstream), but no node is marked
  # down. nginx counts a proxied WebSocket as a success only when it closes, so a node once marked down (while it
  # restarted) would take one new socket per fail_timeout for as long as that socket lives.
  for i in $(seq 1 "$NODES"); do
    upstreams+="    server 127.0.0.1:$((NODE_HTTP_BASE + i)) max_fails=0;"$'\n'
  done
  cat >"$WORK/nginx.conf" <<CONF
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
# Each WebSocket holds two of nginx's connections (client and node): the default 512 would refuse the 257th socket.
events { worker_connections 8192; }
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
}
