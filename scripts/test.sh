#!/usr/bin/env bash
# Runs every ActorChat test: builds the solution with warnings as errors, installs what the tests need
# when it is missing (Chromium and an emoji font for the browser tests, PostgreSQL for the storage and cluster
# tests, nginx and iptables for the network fault tests, which also need root), then runs all test projects.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK (dotnet) is required: https://dot.net" >&2
  exit 1
fi

missing=()
if [ ! -x /usr/bin/chromium ]; then
  say "Chromium is missing: the browser tests drive Debian's chromium package"
  missing+=(chromium)
fi
if ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then
  say "The emoji font is missing: the browser tests' screenshots show emoji as users see them with Debian's fonts-noto-color-emoji"
  missing+=(fonts-noto-color-emoji)
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  say "PostgreSQL is missing: the storage and cluster tests start a throwaway server from Debian's postgresql package"
  missing+=(postgresql)
fi
if [ ! -x /usr/sbin/nginx ]; then
  say "nginx is missing: the network fault tests put Debian's nginx in front of their nodes"
  missing+=(nginx)
fi
if ! command -v iptables >/dev/null 2>&1; then
  say "iptables is missing: the network fault tests cut and degrade the links between their nodes with Debian's iptables"
  missing+=(iptables)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  say "Installing with apt-get: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  # The tests start their own PostgreSQL servers; the package's default one is not needed.
  $SUDO service postgresql stop >/dev/null 2>&1 || true
  $SUDO service nginx stop >/dev/null 2>&1 || true
  echo "installed: ${missing[*]}"
fi

say "Building ActorChat.sln (Release, warnings as errors)"
dotnet build ActorChat.sln -c Release -nologo -v quiet

log=$(mktemp)
browser_log=$(mktemp)
status=0
run_tests() { dotnet test "tests/$1" -c Release --no-build -nologo; }
# Two at a time on a small machine: the browser tests, the longest, beside the socket tests and then the actor
# tests. The cluster tests start several server processes at once and would starve the others of CPU, so they
# run on their own after the rest.
say "Running the socket and actor tests, with the browser tests beside them (their output follows when they end)"
run_tests ActorChat.Web.Tests >"$browser_log" 2>&1 &
browser=$!
run_tests ActorChat.Host.Tests 2>&1 | tee -a "$log" || status=$?
run_tests ActorChat.Actors.Tests 2>&1 | tee -a "$log" || status=$?
wait "$browser" || status=$?
tee -a "$log" <"$browser_log"
say "Running the cluster tests"
run_tests ActorChat.Cluster.Tests 2>&1 | tee -a "$log" || status=$?
rm -f "$browser_log"

# One closing line for the whole run, summed over the test projects.
awk '
  /(Passed|Failed)!/ {
    for (i = 1; i <= NF; i++) {
      gsub(",", "", $(i + 1))
      if ($i == "Failed:") failed += $(i + 1)
      if ($i == "Passed:") passed += $(i + 1)
      if ($i == "Skipped:") skipped += $(i + 1)
    }
  }
  END { printf "\nTests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$log"
rm -f "$log"
exit $status
