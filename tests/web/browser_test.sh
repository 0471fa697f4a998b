#!/usr/bin/env bash
# End-to-end test of the web map (CTest web_browser, label web): import the
# real Andorra extract, make party keys (A, B and the mediator M) and a
# ledger with two incident reports, serve it all with the built page, upload
# the Andorra exercise, plan it over HTTP, open a session and run
# web/test/browser.test.mjs in Debian's Chromium against the page.
#
#   tests/web/browser_test.sh CORRIDOR_BINARY SHARED_DATA WEB_DIST ARTIFACT_DIR
#
# Exit 77 (skipped) without /usr/bin/chromium (or $CHROMIUM), node or
# web/node_modules (run `npm ci` in web/). Builds web/dist when it is missing.
# The screenshot and, on failure, the service's log go to ARTIFACT_DIR.
set -euo pipefail
corridor=$1
data=$2
dist=$3
artifacts=$4
web=$(cd "$(dirname "$dist")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
scenario_name=andorra-exercise
scenario=$data/scenarios/$scenario_name.geojson

skip() { echo "browser_test: $*, skipped"; exit 77; }
[ -x "$chromium" ] || skip "$chromium not found"
command -v node >/dev/null || skip "node not found"
[ -d "$web/node_modules/playwright-core" ] || skip "$web/node_modules missing (cd web && npm ci)"
command -v python3 >/dev/null || skip "python3 not found"

tmp=$(mktemp -d)
. "$(dirname "$0")/../../scripts/lib/serve.sh"
trap 'stop_serve; rm -rf "$tmp"' EXIT
fail() {
  echo "browser_test: FAIL: $*" >&2
  if [ -f "$tmp/serve.err" ]; then
    mkdir -p "$artifacts" && cp "$tmp/serve.err" "$artifacts/serve.log"
    tail -n 30 "$tmp/serve.err" | sed 's/^/  serve: /' >&2
  fi
  exit 1
}
# field NAME < JSON: prints a top-level field of a JSON object ("" when missing).
field() { python3 -c 'import json, sys; v = json.load(sys.stdin).get(sys.argv[1]); print("" if v is None else v)' "$1"; }

if [ ! -f "$dist/index.html" ]; then
  (cd "$web" && npm run build --silent) || fail "npm run build in $web"
fi

pbf=$(ls "$data"/osm/andorra-*.osm.pbf | head -n 1)
[ -f "$pbf" ] || fail "no Andorra extract in $data/osm"
"$corridor" import "$pbf" -o "$tmp/andorra.graph" --quiet || fail "import $pbf"

# Parties: A and B sign agreements; M, the mediator, uploads, plans and proposes.
for party in A B M; do
  "$corridor" keygen --party "$party" -o "$tmp/$party.key" > /dev/null 2>&1 || fail "keygen $party"
done
"$corridor" agree register --registry "$tmp/parties.json" --pub "$tmp/A.pub" --name "Party A" > /dev/null
"$corridor" agree register --registry "$tmp/parties.json" --pub "$tmp/B.pub" --name "Party B" > /dev/null
"$corridor" agree register --registry "$tmp/parties.json" --pub "$tmp/M.pub" --name "Mediator" --role mediator > /dev/null
"$corridor" log init --db "$tmp/ledger.db" --name corridor.test/web --registry "$tmp/parties.json" > /dev/null \
  || fail "log init"
"$corridor" incident report --key "$tmp/B.key" --time 2022-03-05T10:20:00+01:00 --at 1.5070,42.4958 \
  --type "Explosions/Remote violence" --sub-type "Shelling/artillery/missile attack" \
  --description "shells land beside the convoy road at Santa Coloma" --id B-1 -o "$tmp/incident-B-1.json" 2> /dev/null \
  || fail "incident report B-1"
"$corridor" incident report --key "$tmp/A.key" --time 2022-03-05T10:45:00+01:00 --at 1.5790,42.5430 \
  --type "Violence against civilians" --description "shots reported north of Encamp" --id A-1 \
  -o "$tmp/incident-A-1.json" 2> /dev/null || fail "incident report A-1"
"$corridor" log append --db "$tmp/ledger.db" "$tmp/incident-B-1.json" "$tmp/incident-A-1.json" > /dev/null \
  || fail "log append"

start_serve "$tmp/serve.err" --map "$tmp/andorra.graph" --db "$tmp/ledger.db" --registry "$tmp/parties.json" \
  --web "$dist" --listen 127.0.0.1:0 --threads 4 || fail "the service did not start"
url="http://127.0.0.1:$port"

request() { "$corridor" request --key "$tmp/M.key" "$@"; }
request POST "$url/scenarios?name=$scenario_name" --data "$scenario" > "$tmp/upload.json" \
  || fail "upload of $scenario_name: $(cat "$tmp/upload.json")"
echo "{\"scenario\": \"$scenario_name\"}" | request POST "$url/plans" --data - > "$tmp/job.json" \
  || fail "POST /plans: $(cat "$tmp/job.json")"
job=$(field id < "$tmp/job.json")
[ -n "$job" ] || fail "no job id in $(cat "$tmp/job.json")"
status=""
for _ in $(seq 360); do
  request GET "$url/plans/$job" > "$tmp/status.json" || fail "GET /plans/$job: $(cat "$tmp/status.json")"
  status=$(field status < "$tmp/status.json")
  case $status in
    done) break ;;
    failed) fail "plan $job failed: $(field error < "$tmp/status.json")" ;;
  esac
  sleep 0.5
done
[ "$status" = done ] || fail "plan $job not done after 180 s (status $status)"
# A party simulates the plan under the default incident model (a job); the
# map shows its results panel and the roads that held convoys up.
echo '{"runs": 50, "seed": 3}' | "$corridor" request --key "$tmp/A.key" POST "$url/plans/$job/simulate" --data - \
  > "$tmp/simulation.json" || fail "POST /plans/$job/simulate: $(cat "$tmp/simulation.json")"
simulation=$(field id < "$tmp/simulation.json")
for _ in $(seq 240); do
  request GET "$url/simulations/$simulation" > "$tmp/simulation.json" || fail "GET /simulations/$simulation"
  status=$(field status < "$tmp/simulation.json")
  case $status in
    done) break ;;
    failed|cancelled) fail "simulation $simulation $status: $(field error < "$tmp/simulation.json")" ;;
  esac
  sleep 0.5
done
[ "$status" = done ] || fail "simulation $simulation not done after 120 s (status $status)"
# The mediator proposes an agreement from the plan; A and B sign it party by
# party (`corridor agree sign` on the stored document, then POST the new
# signature), which puts it in force and in the ledger.
echo "{\"plan\": \"$job\"}" | request POST "$url/agreements" --data - > "$tmp/agreement.json" \
  || fail "POST /agreements: $(cat "$tmp/agreement.json")"
hash=$(field hash < "$tmp/agreement.json")
request GET "$url/agreements/$hash" > "$tmp/agreement-record.json" || fail "GET /agreements/$hash"
python3 -c 'import json, sys; json.dump(json.load(sys.stdin)["signed"], sys.stdout)' \
  < "$tmp/agreement-record.json" > "$tmp/agreement-signed.json"
for party in A B; do
  "$corridor" agree sign "$tmp/agreement-signed.json" --key "$tmp/$party.key" -o "$tmp/agreement-$party.json" \
    > /dev/null 2>&1 || fail "agree sign by $party"
  python3 -c 'import json, sys; json.dump(json.load(sys.stdin)["signatures"][-1], sys.stdout)' \
    < "$tmp/agreement-$party.json" > "$tmp/signature-$party.json"
  "$corridor" request --key "$tmp/$party.key" POST "$url/agreements/$hash/signatures" \
    --data "$tmp/signature-$party.json" > "$tmp/signed-$party.json" \
    || fail "POST /agreements/$hash/signatures by $party: $(cat "$tmp/signed-$party.json")"
done
[ "$(field in_force < "$tmp/signed-B.json")" = True ] || fail "the agreement is not in force: $(cat "$tmp/signed-B.json")"
# The agreement as it is now in force, and the registry as a JWK Set, for
# the test with the npm jose package (web/test/jose.test.mjs).
request GET "$url/agreements/$hash" > "$tmp/agreement-record.json" || fail "GET /agreements/$hash"
python3 -c 'import json, sys; json.dump(json.load(sys.stdin)["signed"], sys.stdout)' \
  < "$tmp/agreement-record.json" > "$tmp/agreement-in-force.json"
"$corridor" agree register --registry "$tmp/parties.json" --jwks "$tmp/parties.jwks" > /dev/null \
  || fail "agree register --jwks"
request POST "$url/sessions" > "$tmp/session.json" || fail "POST /sessions: $(cat "$tmp/session.json")"
token=$(field token < "$tmp/session.json")
[ -n "$token" ] || fail "no token in $(cat "$tmp/session.json")"

mkdir -p "$artifacts"
code=0
CORRIDOR_URL="$url/#session=$token" CORRIDOR_KEY="$tmp/A.key" CHROMIUM="$chromium" CORRIDOR_IN_FORCE=1 CORRIDOR_SIMULATED=1 \
  CORRIDOR_AGREEMENT="$tmp/agreement-in-force.json" CORRIDOR_JWKS="$tmp/parties.jwks" \
  CORRIDOR_SCREENSHOT="$artifacts/map.png" node --test "$web/test/" || code=$?
if [ "$code" -ne 0 ]; then
  cp "$tmp/serve.err" "$artifacts/serve.log"
  echo "browser_test: FAIL: the browser test failed (exit $code); the service's log is in $artifacts/serve.log" >&2
fi
exit "$code"
