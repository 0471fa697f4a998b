#!/usr/bin/env bash
# Request paths for route.lua from a list of pairs, keeping those that route.
#
#   bench/load/paths.sh URL PAIRS.csv OUT [SCENARIO [EVERY]]
#
# PAIRS.csv has pairs.py's header (idx,lon1,lat1,lon2,lat2,...). Each pair is
# asked once of the running service at URL (http://127.0.0.1:PORT) and kept
# if it answers 200; with SCENARIO, every EVERY-th pair (default 2) is also
# asked with ?scenario=SCENARIO and kept if that answers 200 too. Prints on
# stderr how many of each were kept (the rest are NoRoute or NoSegment:
# 400, a pair off the main component, or closed by the scenario).
set -euo pipefail
url=$1 pairs=$2 out=$3 scenario=${4:-} every=${5:-2}
: > "$out"
n=0 kept=0 sn=0 skept=0
while IFS=, read -r idx lon1 lat1 lon2 lat2 _; do
  case $idx in idx|\#*|"") continue ;; esac
  path="/route/v1/driving/$lon1,$lat1;$lon2,$lat2"
  n=$((n + 1))
  code=$(curl -s -o /dev/null -w '%{http_code}' "$url$path" || true)
  if [ "$code" = 200 ]; then echo "$path" >> "$out"; kept=$((kept + 1)); fi
  if [ -n "$scenario" ] && [ $((n % every)) = 0 ]; then
    sn=$((sn + 1))
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url$path?scenario=$scenario" || true)
    if [ "$code" = 200 ]; then echo "$path?scenario=$scenario" >> "$out"; skept=$((skept + 1)); fi
  fi
done < "$pairs"
echo "paths.sh: kept $kept of $n pairs${scenario:+, $skept of $sn with scenario=$scenario}" >&2
[ -s "$out" ] || { echo "paths.sh: no pair routes" >&2; exit 1; }
