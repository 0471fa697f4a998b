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
echo "== agreement and ledger: parties A and B sign the plan, the mediator logs it with two incident reports"
rm -rf "$out/record" && mkdir -p "$out/record"
rec="$out/record"
for party in A B; do
  "$corridor" keygen --party "$party" -o "$rec/$party.key" > /dev/null 2>&1
  "$corridor" agree register --registry "$rec/parties.json" --pub "$rec/$party.pub" --name "Party $party" > /dev/null
done
"$corridor" keygen --party M -o "$rec/M.key" > /dev/null 2>&1
"$corridor" agree register --registry "$rec/parties.json" --pub "$rec/M.pub" --name "Mediator" --role mediator > /dev/null
"$corridor" agree propose "$out/plan.json" --scenario "$data/scenarios/andorra-exercise.geojson" \
  --map "$out/andorra.graph" -o "$rec/agreement.json"
"$corridor" agree sign "$rec/agreement.json" --key "$rec/A.key"
"$corridor" agree sign "$rec/agreement.json" --key "$rec/B.key"
"$corridor" agree verify "$rec/agreement.json" --registry "$rec/parties.json" | tail -1
"$corridor" log init --db "$rec/ledger.db" --name corridor.demo/andorra --registry "$rec/parties.json" > /dev/null
"$corridor" incident report --key "$rec/B.key" --time 2022-03-05T10:20:00+01:00 --at 1.5070,42.4958 \
  --type "Explosions/Remote violence" --sub-type "Shelling/artillery/missile attack" \
  --description "shells land beside the convoy road at Santa Coloma" --id B-1 -o "$rec/incident-B-1.json"
"$corridor" incident report --key "$rec/A.key" --time 2022-03-05T10:45:00+01:00 --at 1.5790,42.5430 \
  --type "Violence against civilians" --description "shots reported north of Encamp" --id A-1 -o "$rec/incident-A-1.json"
"$corridor" log append --db "$rec/ledger.db" "$rec/agreement.json" "$rec/incident-B-1.json" "$rec/incident-A-1.json" > /dev/null
"$corridor" log verify --db "$rec/ledger.db" | tail -1
"$corridor" log head --db "$rec/ledger.db" > "$rec/head.note"
echo
"$corridor" violations --db "$rec/ledger.db" --map "$out/andorra.graph"

echo
echo "== the operation: a convoy reported late, a shelling reported on the CG-1 at 09:30, the rest re-planned,"
echo "   version 2 proposed as an amendment, signed by A and B, and the status at 10:05"
op="$out/operation"
rm -rf "$op" && mkdir -p "$op"
late=$(python3 -c "import json;p=json.load(open('$out/plan.json'));print(next(m['id'] for m in p['movements'] if m['times_s'][0]<1800<m['times_s'][-1]))")
"$corridor" report --key "$rec/A.key" --movement "$late" --status delayed --delay-min 10 \
  --time 2022-03-05T09:22:00+01:00 --note "slow at the Santa Coloma roundabout" \
  --db "$rec/ledger.db" --map "$out/andorra.graph" > /dev/null
node=$(python3 -c "import json;p=json.load(open('$out/plan.json'));m=next(m for m in p['movements'] if m['id']=='$late');print(m['path'][max(k for k,t in enumerate(m['times_s']) if t<=1200)])")
"$corridor" report --key "$rec/B.key" --movement "$late" --status position --node "$node" \
  --time 2022-03-05T09:26:00+01:00 --db "$rec/ledger.db" --map "$out/andorra.graph" > /dev/null
"$corridor" replan "$out/andorra.graph" "$data/scenarios/andorra-exercise.geojson" "$out/plan.json" \
  --at 2022-03-05T09:30:00+01:00 --events examples/operations/andorra-cg1-shelling.geojson --db "$rec/ledger.db" \
  --write-scenario "$op/merged.geojson" -o "$op/plan-2.json" --geojson "$op/plan-2.geojson" --csv "$op/timetable-2.csv" \
  --diff --quiet > "$op/replan.txt"
head -6 "$op/replan.txt"
"$corridor" check "$out/andorra.graph" "$op/merged.geojson" "$op/plan-2.json" 2>&1
"$corridor" agree propose "$op/plan-2.json" --scenario "$op/merged.geojson" --map "$out/andorra.graph" \
  --amends "$rec/agreement.json" -o "$op/agreement-v2.json"
"$corridor" agree diff "$rec/agreement.json" "$op/agreement-v2.json" > "$op/diff.txt"
head -6 "$op/diff.txt"
"$corridor" agree sign "$op/agreement-v2.json" --key "$rec/A.key" --time 2022-03-05T09:50:00+01:00
"$corridor" agree sign "$op/agreement-v2.json" --key "$rec/B.key" --time 2022-03-05T10:00:00+01:00
"$corridor" log append --db "$rec/ledger.db" "$op/agreement-v2.json" > /dev/null
"$corridor" status --db "$rec/ledger.db" --map "$out/andorra.graph" --at 2022-03-05T10:05:00+01:00 \
  --geojson "$op/convoys.geojson" > "$op/status.txt"
head -8 "$op/status.txt"

echo
echo "== before signing: the plan under random incidents (hazards, slow checkpoints, breakdowns, late departures)"
sim="$out/simulate"
rm -rf "$sim" && mkdir -p "$sim"
"$corridor" simulate "$out/andorra.graph" "$data/scenarios/andorra-exercise.geojson" "$out/plan.json" \
  --incidents --runs 1000 --json "$sim/simulation.json" --geojson "$sim/blocking.geojson" --quiet > "$sim/summary.txt"
head -12 "$sim/summary.txt"

echo
echo "Written:"
echo "  graph          $out/andorra.graph"
echo "  plan           $out/plan.json  (movements with OSM node paths and times, summary, bounds)"
echo "  map (GeoJSON)  $out/plan.geojson, $out/route-before.geojson, $out/route-during.geojson  (open in QGIS or geojson.io)"
echo "  timetable      $out/timetable.csv  (departures and arrivals in UTC and local time)"
echo "  routes (JSON)  $out/route-before.json, $out/route-during.json"
echo "  record         $rec/agreement.json (signed by A and B), $rec/ledger.db, $rec/head.note, $rec/parties.json"
echo "  operation      $op/plan-2.json (re-planned at 09:30), $op/merged.geojson, $op/agreement-v2.json (version 2, signed),"
echo "                 $op/convoys.geojson (convoys at their reported positions)"
echo "  simulation     $sim/simulation.json (1000 runs under the default incident model), $sim/blocking.geojson"
echo "                 (the roads that held convoys up, by blocked share: open in QGIS or geojson.io)"

# The service on the same ledger: the mediator uploads the scenario and has
# it planned, A and B sign the agreement over HTTP, and the map shows it all.
port=${DEMO_PORT:-8080}
url="http://127.0.0.1:$port"
echo
echo "== corridor serve: the API and the web map on $url"
. "$(dirname "$0")/lib/serve.sh"
trap stop_serve EXIT
if ! start_serve "$out/serve.log" --map "$out/andorra.graph" --db "$rec/ledger.db" --listen "127.0.0.1:$port"; then
  cat "$out/serve.log" >&2
  echo "demo: the service did not start (is port $port taken? set DEMO_PORT)" >&2
  exit 1
fi
ask() { "$corridor" request "$@"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
ask --key "$rec/M.key" POST "$url/scenarios?name=andorra-exercise" --data "$data/scenarios/andorra-exercise.geojson" > /dev/null
job=$(echo '{"scenario": "andorra-exercise"}' | ask --key "$rec/M.key" POST "$url/plans" --data - | field id)
until [ "$(ask --key "$rec/M.key" GET "$url/plans/$job" | field status)" != queued ] &&
      [ "$(ask --key "$rec/M.key" GET "$url/plans/$job" | field status)" != running ]; do sleep 0.2; done
echo "planned $job: $(ask --key "$rec/M.key" GET "$url/plans/$job" | python3 -c "import json,sys; s=json.load(sys.stdin)['summary']; print(s['people_evacuated'], 'people out, egress', round(s['egress_s']/60), 'min')")"
hash=$(echo "{\"plan\": \"$job\"}" | ask --key "$rec/M.key" POST "$url/agreements" --data - | field hash)
for party in A B; do
  ask --key "$rec/$party.key" GET "$url/agreements/$hash/document" > "$rec/agreement-$party.json"
  "$corridor" agree sign "$rec/agreement-$party.json" --key "$rec/$party.key" > /dev/null
  ask --key "$rec/$party.key" POST "$url/agreements/$hash/signatures" --data "$rec/agreement-$party.json" > /dev/null
done
ask --key "$rec/M.key" GET "$url/agreements/$hash/verify" | python3 -c "import json,sys; print(json.load(sys.stdin)['lines'][-1])"
# The operation over HTTP: the shelling is reported at 09:30, the mediator
# re-plans, version 2 is proposed and both parties sign it (in force from
# 10:00); the map then shows the re-planned plan and the convoys as reported.
python3 -c "import json; print(json.dumps({'at': '2022-03-05T09:30:00+01:00', 'events': json.load(open('examples/operations/andorra-cg1-shelling.geojson'))}))" > "$op/replan-request.json"
replanned=$(ask --key "$rec/M.key" POST "$url/plans/$job/replan" --data "$op/replan-request.json" | field id)
hash2=$(echo "{\"plan\": \"$replanned\"}" | ask --key "$rec/M.key" POST "$url/agreements" --data - | field hash)
signed_at=(2022-03-05T09:50:00+01:00 2022-03-05T10:00:00+01:00)
for k in 0 1; do
  party=$([ $k = 0 ] && echo A || echo B)
  ask --key "$rec/$party.key" GET "$url/agreements/$hash2/document" > "$op/agreement-v2-$party.json"
  "$corridor" agree sign "$op/agreement-v2-$party.json" --key "$rec/$party.key" --time "${signed_at[$k]}" > /dev/null
  ask --key "$rec/$party.key" POST "$url/agreements/$hash2/signatures" --data "$op/agreement-v2-$party.json" > /dev/null
done
echo "re-planned over HTTP as $replanned; $(ask --key "$rec/M.key" GET "$url/agreements/$hash2/verify" | python3 -c "import json,sys; print(json.load(sys.stdin)['lines'][-1])")"
# Party A simulates the plan now in force (a job, 200 runs): the map shows
# the results and the roads that held convoys up.
simulation=$(echo '{"runs": 200}' | ask --key "$rec/A.key" POST "$url/plans/$replanned/simulate" --data - | field id)
until [ "$(ask --key "$rec/A.key" GET "$url/simulations/$simulation" | field status)" != queued ] &&
      [ "$(ask --key "$rec/A.key" GET "$url/simulations/$simulation" | field status)" != running ]; do sleep 0.5; done
echo "simulated over HTTP as $simulation: $(ask --key "$rec/A.key" GET "$url/simulations/$simulation" | python3 -c "import json,sys; j=json.load(sys.stdin); print(j['status'], '-', j['summary'][3].strip() if j['summary'] else j['error'])")"
token=$(ask --key "$rec/M.key" POST "$url/sessions" | field token)
if [ -n "${DEMO_NO_WAIT:-}" ]; then
  echo "demo: the service answered every step; stopping it (DEMO_NO_WAIT)"
  exit 0
fi
echo
echo "Open the map (signed in as the mediator for 12 hours; map data © OpenStreetMap contributors):"
echo
echo "    $url/#session=$token"
echo
echo "Other tools: OSRM clients route against $url/route/v1/driving/1.5218,42.5063;1.5833,42.5346"
echo "The service runs until Ctrl-C (log: $out/serve.log)."
wait $server
