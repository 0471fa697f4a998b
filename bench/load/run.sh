#!/usr/bin/env bash
# The service under load: `corridor serve` answering OSRM route requests,
# driven by wrk (Debian's wrk 4.1) over loopback on the same machine.
#
#   bash bench/load/run.sh BUILD SHARED_DATA        (defaults: build ../shared/data)
#
# For Andorra (with the andorra-exercise scenario) and Rhein-Neckar (with
# mannheim-exercise): import, 200 random pairs of junction nodes over the
# graph's extent (bench/peers/pairs.py, seed 42), each checked once against
# the running service and kept if it answers 200, every second one also with
# ?scenario=NAME. Then wrk with 2 threads (1 for 1 connection) for
# DURATION (seconds, default 10s) at 1, 4, 16 and 64 connections against a service
# with the default 8 threads, and once more at 64 connections with
# --threads 2. "never answered" counts, half-way through the run, the
# service's connections that have not sent a byte yet (ss -ti: no
# bytes_sent): wrk counts the requests of a connection that is never
# answered nowhere, neither in the latencies nor as errors or timeouts, so
# this column is what shows a connection left waiting.
# The table goes to bench/results/load.md.
set -euo pipefail
build=${1:-build}
data=${2:-../shared/data}
duration=${DURATION:-10s}
here=$(cd "$(dirname "$0")" && pwd)
results=${RESULTS:-bench/results}
mkdir -p "$results"
for tool in wrk curl ss python3 osmium; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is needed" >&2; exit 1; }
done
tmp=$(mktemp -d)
corridor=$build/corridor
. "$here/../../scripts/lib/serve.sh"
trap 'stop_serve; rm -rf "$tmp"' EXIT

start_server() {  # graph scenario threads -> sets $server and $port
  start_serve "$tmp/serve.err" --map "$1" --scenario "$2" --listen 127.0.0.1:0 --threads "$3" && return 0
  cat "$tmp/serve.err" >&2
  echo "run.sh: the service did not start" >&2
  exit 1
}

unanswered() {  # after half the run: connections to $port the service never answered
  sleep "$(( ${duration%s} / 2 ))"
  ss -Htin state established "( sport = :$port )" | paste - - | grep -vc 'bytes_sent:' || true
}

row() {  # name threads connections
  local t=2
  [ "$3" -lt 2 ] && t=1
  wrk -t"$t" -c"$3" -d"$duration" -s "$here/route.lua" "http://127.0.0.1:$port" -- "$tmp/paths" > "$tmp/wrk.out" &
  local w=$!
  local never
  never=$(unanswered)
  wait "$w"
  local line
  line=$(grep '^LOAD ' "$tmp/wrk.out") || { cat "$tmp/wrk.out" >&2; echo "run.sh: wrk failed" >&2; exit 1; }
  v() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  printf "| %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s/%s/%s/%s | %s |\n" "$1" "$2" "$3" \
    "$(v rps)" "$(v p50_ms)" "$(v p99_ms)" "$(v max_ms)" "$(v requests)" "$(v non2xx)" \
    "$(v connect)" "$(v read)" "$(v write)" "$(v timeout)" "$never" | tee -a "$out"
}

out="$results/load.md"
{
  echo "| map | --threads | connections | requests/s | p50 ms | p99 ms | max ms | requests | non-2xx | socket errors c/r/w/t | never answered |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} | tee "$out"
# Not in a pipeline: a subshell would leave a service running on failure.
for spec in "andorra-2021-10 andorra-exercise" "rhein-neckar-rnv-2016-12 mannheim-exercise"; do
  set -- $spec
  name=$1 scen=$2
  pbf="$data/osm/$name.osm.pbf"
  "$build/corridor" import "$pbf" -o "$tmp/$name.graph" --quiet
  bbox=$("$build/corridor" info "$tmp/$name.graph" --json |
    python3 -c 'import json,sys; print(*json.load(sys.stdin)["bbox"])')
  python3 "$here/../peers/pairs.py" gen "$pbf" $bbox 200 42 > "$tmp/pairs.csv" 2>/dev/null
  start_server "$tmp/$name.graph" "$data/scenarios/$scen.geojson" 8
  bash "$here/paths.sh" "http://127.0.0.1:$port" "$tmp/pairs.csv" "$tmp/paths" "$scen" 2
  for c in 1 4 16 64; do row "$name" 8 "$c"; done
  stop_serve
  start_server "$tmp/$name.graph" "$data/scenarios/$scen.geojson" 2
  row "$name" 2 64
  stop_serve
done
echo "results in $out" >&2
