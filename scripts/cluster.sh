#!/usr/bin/env bash
# Starts a local ActorChat cluster on loopback: a throwaway PostgreSQL, three nodes, and nginx in front as the
# load balancer the page connects through (http://localhost:8080). Ctrl+C stops all of it and removes its data.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/cluster-lib.sh
source scripts/cluster-lib.sh

cluster_install_missing
trap cluster_cleanup EXIT
trap 'exit 130' INT TERM

start_postgres
build_server
cluster_environment
start_nodes || exit 1
start_nginx
say "ActorChat cluster of $NODES nodes is up: open http://localhost:$HTTP_PORT (Ctrl+C stops it)"
wait "${pids[@]}"
