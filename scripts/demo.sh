#!/usr/bin/env bash
# The demo: import the real Andorra extract, route from Andorra la Vella to
# Encamp before and during a shelling that closes the main road through
# Escaldes-Engordany, then plan the shipped Andorra exercise and check the
# plan. Writes its files to out/demo/.
set -euo pipefail
build=${1:-build}
data=${2:-../shared/data}
corridor="$build/corridor"
out=out/demo
mkdir -p "$out"

pbf="$data/osm/andorra-2021-10.osm.pbf"
scenario=examples/andorra-hazard.geojson
from=1.5218,42.5063   # Andorra la Vella
to=1.5833,42.5346     # Encamp

echo "== corridor import: the Andorra extract (© OpenStreetMap contributors, ODbL)"
"$corridor" import "$pbf" -o "$out/andorra.graph" 2>&1
"$corridor" info "$out/andorra.graph" | head -7


echo
echo "== 09:30, before the shelling: the fastest route"
"$corridor" route "$out/andorra.graph" --from "$from" --to "$to" --scenario "$scenario" \
  --at 2022-03-05T09:30:00+01:00 --geojson "$out/route-before.geojson" --summary 2>&1 > "$out/route-before.json"

echo "== 11:00, hazard 'shelling-escaldes' active: the route avoids it"
"$corridor" route "$out/andorra.graph" --from "$from" --to "$to" --scenario "$scenario" \
  --at 2022-03-05T11:00:00+01:00 --geojson "$out/route-during.geojson" --summary 2>&1 > "$out/route-during.json"
echo
echo "== corridor plan: the Andorra exercise (3 origins, 23,000 people, a hazard, a ceasefire, two parties' rules)"
"$corridor" plan "$out/andorra.graph" "$data/scenarios/andorra-exercise.geojson" -o "$out/plan.json" \
  --geojson "$out/plan.geojson" --csv "$out/timetable.csv" 2>&1

echo
echo "== corridor check: the plan against every constraint, independently of the planner"
"$corridor" check "$out/andorra.graph" "$data/scenarios/andorra-exercise.geojson" "$out/plan.json" 2>&1

echo
echo "Written:"
echo "  graph          $out/andorra.graph"
echo "  plan           $out/plan.json  (movements with OSM node paths and times, summary, bounds)"
echo "  map (GeoJSON)  $out/plan.geojson, $out/route-before.geojson, $out/route-during.geojson  (open in QGIS or geojson.io)"
echo "  timetable      $out/timetable.csv  (departures and arrivals in UTC and local time)"
echo "  routes (JSON)  $out/route-before.json, $out/route-during.json"
