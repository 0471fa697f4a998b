#!/usr/bin/env bash
# Bounded load test of `corridor serve` (CTest load_route, label load):
# import Andorra, serve it with the andorra-exercise scenario on
# 127.0.0.1:0, ask 60 random pairs in the valley from Andorra la Vella to
# Encamp (fixed seed) once and keep those that route (every second one also
# with ?scenario=andorra-exercise), then wrk -t2 -c16 -d5s with
# bench/load/route.lua over loopback (--timeout 10s: a busy machine is not a
# timeout, an answer 10 s late is). Fails unless
# requests were answered, none with a status other than 2xx, with no socket
# error (connect, read, write, timeout), with every connection answered
# (ss, when present) and the service still healthy afterwards. Asserts no
# throughput or latency figure.
#
#   tests/load/load_test.sh CORRIDOR_BINARY SHARED_DATA
#
# Exit 77 (skipped) without wrk or curl.
set -euo pipefail
corridor=$1
data=$2
here=$(cd "$(dirname "$0")" && pwd)
lua=${CORRIDOR_LOAD_LUA:-$here/../../bench/load/route.lua}
paths_sh=$here/../../bench/load/paths.sh
connections=16
for tool in "${WRK:-wrk}" curl; do
  command -v "$tool" >/dev/null || { echo "load_test: $tool not found, skipped"; exit 77; }
done
wrk=${WRK:-wrk}

tmp=$(mktemp -d)
. "$here/../../scripts/lib/serve.sh"
trap 'stop_serve; rm -rf "$tmp"' EXIT
fail() { echo "load_test: FAIL: $*" >&2; [ -f "$tmp/serve.err" ] && sed 's/^/  serve: /' "$tmp/serve.err" >&2; exit 1; }

"$corridor" import "$data/osm/andorra-2021-10.osm.pbf" -o "$tmp/map.graph" --quiet
# Fewer threads than connections on purpose: every keep-alive connection
# must be answered although none holds a thread while it waits.
start_serve "$tmp/serve.err" --map "$tmp/map.graph" --scenario "$data/scenarios/andorra-exercise.geojson" \
  --listen 127.0.0.1:0 --threads 2 || fail "the service did not start"
url="http://127.0.0.1:$port"

# 60 random pairs (fixed seed) in the box of the valley from Andorra la Vella
# to Encamp, where the exercise's origins are (1.49,42.49 - 1.60,42.55): most
# of the country's extent is mountain more than --max-snap-m from a road.
# paths.sh keeps the pairs that answer 200 (about 7 in 10; the others are
# NoSegment, a point far from any road, or NoRoute, off the main component).
awk 'BEGIN {
  srand(42); x0 = 1.49; y0 = 42.49; x1 = 1.60; y1 = 42.55
  print "idx,lon1,lat1,lon2,lat2"
  for (i = 0; i < 60; i++)
    printf "%d,%.6f,%.6f,%.6f,%.6f\n", i, x0 + rand() * (x1 - x0), y0 + rand() * (y1 - y0),
                                          x0 + rand() * (x1 - x0), y0 + rand() * (y1 - y0) }' > "$tmp/pairs.csv"
bash "$paths_sh" "$url" "$tmp/pairs.csv" "$tmp/paths" andorra-exercise 2 || fail "no routable pair"
[ "$(wc -l < "$tmp/paths")" -ge 10 ] || fail "only $(wc -l < "$tmp/paths") routable requests"

"$wrk" -t2 -c"$connections" -d5s --timeout 10s -s "$lua" "$url" -- "$tmp/paths" > "$tmp/wrk.out" 2>&1 &
wrk_pid=$!
never=""
if command -v ss >/dev/null; then
  sleep 2.5
  # Connections the service has not answered once (no bytes sent).
  never=$(ss -Htin state established "( sport = :$port )" | paste - - | grep -vc 'bytes_sent:' || true)
fi
wait "$wrk_pid" || { cat "$tmp/wrk.out" >&2; fail "wrk failed"; }
cat "$tmp/wrk.out"
line=$(grep '^LOAD ' "$tmp/wrk.out") || fail "no LOAD line from route.lua"
v() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
[ "$(v requests)" -gt 0 ] || fail "no request answered"
[ "$(v ok)" -gt 0 ] || fail "no 2xx answer"
[ "$(v non2xx)" = 0 ] || fail "$(v non2xx) answers were not 2xx ($(v s400) with 400, $(v other) other)"
for e in connect read write timeout; do
  [ "$(v "$e")" = 0 ] || fail "$(v "$e") socket $e errors"
done
if [ -n "$never" ]; then
  [ "$never" = 0 ] || fail "$never of $connections connections never answered during the run"
fi
kill -0 "$server" 2>/dev/null || fail "the service died under load"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/health")" = 200 ] || fail "/health does not answer 200 after the run"
echo "load_test: ok: $(v requests) requests, all 2xx, no socket error${never:+, every connection answered}"
