#!/usr/bin/env bash
# Restarts every node of a loaded cluster, one after another, and checks that nothing was lost: starts the local
# cluster of cluster.sh (PostgreSQL, three nodes, nginx on 8080), runs bench/ActorChat.Load through nginx with
# reconnecting clients, and meanwhile stops each node with SIGTERM, waits for it to exit, starts it again on the same
# ports and waits until it is ready and Up in the others' view before the next. Prints the load's report and the
# restarts' timings; exits non-zero when a check fails: a message lost, doubled or out of order, a send not acked
# or answered `unavailable`, a client away longer than the failover budget, or a restart outside the measured window.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/cluster-lib.sh
source scripts/cluster-lib.sh

CONNECTIONS=${ACTORCHAT_ROLLING_CONNECTIONS:-300} # spread by nginx over the nodes, so every room has members on each
ROOMS=${ACTORCHAT_ROLLING_ROOMS:-60}
USERS=${ACTORCHAT_ROLLING_USERS:-60}              # 5 connections each, far below MaxConnectionsPerUser (32)
SENDERS=${ACTORCHAT_ROLLING_SENDERS:-all}
RATE=${ACTORCHAT_ROLLING_RATE:-0.25}              # messages a second per sender, far below FramesPerSecond (20)
WARMUP=${ACTORCHAT_ROLLING_WARMUP:-5}
DURATION=${ACTORCHAT_ROLLING_DURATION:-180}       # measured seconds: every restart must fall inside them
BUDGET=${ACTORCHAT_ROLLING_BUDGET:-15}            # the failover budget: longest a client may be away
SETTLE=10                                         # seconds of load after the last restart, still measured
LOAD_DLL=bench/ActorChat.Load/bin/Release/net10.0/ActorChat.Load.dll

load_pid=
status=1
rolling_cleanup() {
  [ -n "$load_pid" ] && kill -TERM "$load_pid" 2>/dev/null || true
  if [ "$status" -ne 0 ] && [ -d "$WORK" ]; then
    local keep
    keep=$(mktemp -d /tmp/actorchat-rolling-restart.XXXXXX)
    cp "$WORK"/*.log "$WORK"/load.* "$keep"/ 2>/dev/null || true
    say "Logs of the failed run kept in $keep"
  fi
  cluster_cleanup
}

cluster_install_missing
trap rolling_cleanup EXIT
trap 'exit 130' INT TERM

start_postgres
build_server
say "Building the load command (Release)"
dotnet build bench/ActorChat.Load -c Release -nologo -v quiet
cluster_environment
# Every account of the load registers and signs in from one address (nginx's X-Forwarded-For names the load
# command's): the default budgets (30 attempts a minute, 20 registrations an hour) would hold it up for hours.
export ActorChat__Auth__LoginAttemptsPerMinute=10000
export ActorChat__Auth__RegistrationsPerHour=10000
start_nodes || exit 1
for i in $(seq 1 "$NODES"); do wait_seen up "$i" || exit 1; done
start_nginx
say "Cluster of $NODES nodes up behind http://127.0.0.1:$HTTP_PORT"

say "Load: $CONNECTIONS connections in $ROOMS rooms, $USERS users, senders $SENDERS at $RATE msg/s, reconnecting (log: $WORK/load.log)"
dotnet "$LOAD_DLL" --url "http://127.0.0.1:$HTTP_PORT" --scenario rooms --connections "$CONNECTIONS" --rooms "$ROOMS" \
  --users "$USERS" --senders "$SENDERS" --rate "$RATE" --warmup "$WARMUP" --duration "$DURATION" --drain 30 \
  --reconnect --back-within "$BUDGET" --json "$WORK/load.json" >"$WORK/load.out" 2>"$WORK/load.log" &
load_pid=$!

# The measured window opens WARMUP seconds after the load starts sending; the restarts go inside it.
until grep -q '^sending:' "$WORK/load.log" 2>/dev/null; do
  kill -0 "$load_pid" 2>/dev/null || { cat "$WORK/load.log" "$WORK/load.out"; echo "the load command stopped before sending" >&2; exit 1; }
  sleep 0.5
done
window_end=$(($(date +%s) + WARMUP + DURATION))
sleep "$((WARMUP + 1))"

# Seconds with one decimal between two readings of `date +%s%N`.
seconds() { local ms=$((($2 - $1) / 1000000)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }

timings=()
for i in $(seq 1 "$NODES"); do
  started=$(date +%s%N)
  say "Restarting node $i: SIGTERM"
  stop_node "$i" || exit 1
  stopped=$(date +%s%N)
  wait_seen gone "$i" || exit 1
  start_node "$i"
  wait_ready "$i" || exit 1
  ready=$(date +%s%N)
  wait_seen up "$i" || exit 1
  up=$(date +%s%N)
  timings+=("node $i: exited (code $NODE_EXIT) $(seconds "$started" "$stopped") s after SIGTERM, ready $(seconds "$stopped" "$ready") s after its start, Up in the others' view $(seconds "$started" "$up") s after SIGTERM")
  say "${timings[-1]}"
done
restarts_done=$(date +%s)

say "Restarts done; waiting for the load to finish its window and drain"
load_status=0
wait "$load_pid" || load_status=$?
load_pid=
cat "$WORK/load.out"
echo
echo "Rolling restart of $NODES nodes under load:"
printf '  %s\n' "${timings[@]}"
status=$load_status
if [ $((restarts_done + SETTLE)) -gt "$window_end" ]; then
  echo "  [FAIL] the restarts ended $((restarts_done + SETTLE - window_end)) s too late for the measured window: raise ACTORCHAT_ROLLING_DURATION"
  status=1
else
  echo "  [pass] every restart inside the measured window, the last $((window_end - restarts_done)) s before its end"
fi
[ "$status" -eq 0 ] && echo "ROLLING RESTART PASS" || echo "ROLLING RESTART FAIL"
exit "$status"
