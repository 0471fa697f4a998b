#!/usr/bin/env bash
# End-to-end benchmark runner: for every road extract, wall time and peak
# memory of `corridor import` against `osmium cat` (decode only, from
# Debian's osmium-tool), graph bytes per node; then the Google Benchmark
# binaries. Figures go to bench/results/ and are copied by hand into
# bench/README.md with the machine they were measured on.
set -euo pipefail
build=${1:-build}
data=${2:-../shared/data}
results=bench/results
mkdir -p "$results"
{ command -v /usr/bin/time && command -v bc; } >/dev/null || { echo "installing GNU time and bc" >&2; apt-get install -y -qq time bc >/dev/null; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

measure() {  # prints "seconds peak_kib" of the best of 3 runs
  local best_s="" best_k=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null 2>&1
    read -r s k < "$tmp/t"
    if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; best_k=$k; fi
  done
  echo "$best_s $best_k"
}

out="$results/import.md"
{
  echo "| extract | PBF MB | osmium cat s | corridor import s | ratio | import peak MiB | with CCH order s | nodes | arcs | file bytes/node | memory bytes/node |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for pbf in "$data"/osm/*.osm.pbf; do
    name=$(basename "$pbf" .osm.pbf)
    read -r cat_s _ < <(measure osmium cat -f opl -o /dev/null -O "$pbf")
    # The import proper (decode, profile, graph) against the decode; then
    # the default import, which also orders the nodes for CCH (METIS).
    read -r imp_s imp_k < <(measure "$build/corridor" import "$pbf" -o "$tmp/$name.graph" --quiet --no-cch-order)
    read -r cch_s _ < <(measure "$build/corridor" import "$pbf" -o "$tmp/$name.graph" --quiet)
    info=$("$build/corridor" info "$tmp/$name.graph" --json)
    field() { echo "$info" | grep -o "\"$1\": *[0-9.]*" | head -1 | sed 's/.*: *//'; }
    printf "| %s | %.1f | %s | %s | %.2f | %.0f | %s | %s | %s | %.0f | %.0f |\n" "$name" \
      "$(echo "$(stat -c %s "$pbf") / 1000000" | bc -l)" "$cat_s" "$imp_s" \
      "$(echo "$imp_s / $cat_s" | bc -l)" "$(echo "$imp_k / 1024" | bc -l)" "$cch_s" \
      "$(field nodes)" "$(field arcs)" "$(field bytes_per_node_file)" "$(field bytes_per_node_memory)"
  done
} | tee "$out"

"$build/bench/route_bench" --benchmark_out="$results/route_bench.json" --benchmark_out_format=json

# Many routes in one process: 10,000 random pairs on Milan (bench/make_pairs.py,
# fixed seed) with each algorithm, the same answers; stderr's lines give
# the preparation and the mean query time.
pairs_out="$results/pairs.md"
python3 bench/make_pairs.py 9.10,45.42,9.26,45.52 10000 > "$tmp/milan-pairs.csv"
{
  echo "| algorithm | preprocessing ms | customisation ms | bytes per node | queries | mean us per query | answers as cch |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  for a in cch alt dijkstra; do
    "$build/corridor" route "$tmp/milan-small.graph" --pairs "$tmp/milan-pairs.csv" -o "$tmp/answers-$a.csv" \
      --algorithm "$a" 2> "$tmp/pairs-$a.err"
    same=yes; cmp -s "$tmp/answers-$a.csv" "$tmp/answers-cch.csv" || same=no
    python3 - "$tmp/pairs-$a.err" "$a" "$same" <<'PY'
import re, sys
text, a, same = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
prep = re.search(r"preprocessing ([0-9.]+) ms, customisation ([0-9.]+) ms, ([0-9]+) bytes per node", text)
q = re.search(r"([0-9]+) queries, mean ([0-9.]+) us per query", text)
print(f"| {a} | {prep[1]} | {prep[2]} | {prep[3]} | {q[1]} | {q[2]} | {same} |")
PY
  done
} | tee "$pairs_out"
"$build/bench/import_bench" --benchmark_out="$results/import_bench.json" --benchmark_out_format=json

# The planner on the shipped scenarios: wall time and peak memory of the
# whole command (load, snap, plan, bounds, window report), and the plan's
# own figures from its summary.
plan_out="$results/plan.md"
{
  echo "| scenario | wall s | peak MiB | people out / total | upper bound | egress | lower bound | bound method | gap | plan compute ms |"
  echo "|---|---:|---:|---|---:|---:|---:|---|---:|---:|"
  walk=bench/instances/heidelberg-walk
  for triple in "andorra-exercise $data/osm/andorra-2021-10.osm.pbf $data/scenarios/andorra-exercise.geojson" \
                "mannheim-exercise $data/osm/rhein-neckar-rnv-2016-12.osm.pbf $data/scenarios/mannheim-exercise.geojson" \
                "heidelberg-walk $walk/network.geojson $walk/scenario.geojson"; do
    set -- $triple
    "$build/corridor" import "$2" -o "$tmp/$1.graph" --quiet
    read -r s k < <(measure "$build/corridor" plan "$tmp/$1.graph" "$3" -o "$tmp/$1.plan.json" --quiet)
    summary=$(tr -d '\n' < "$tmp/$1.plan.json" | grep -o '"summary": *{[^}]*}' | tr -d ' ')
    val() { echo "$summary" | grep -o "\"$1\":[^,}]*" | head -1 | cut -d: -f2 | tr -d '"'; }
    method=$(tr -d '\n' < "$tmp/$1.plan.json" | grep -o '"lower_bound_method": *"[^"]*"' | head -1 | sed 's/.*: *"//; s/"$//')
    printf "| %s | %s | %.0f | %s / %s | %s | %s s | %s s | %s | %s | %s |\n" "$1" "$s" "$(echo "$k / 1024" | bc -l)" \
      "$(val people_evacuated)" "$(val people)" "$(val upper_bound_people)" "$(val egress_s)" "$(val lower_bound_s)" \
      "$method" "$(val egress_gap)" "$(val compute_ms)"
  done
} | tee "$plan_out"

# Shuttle fleets (examples/fleet): the fleet plan alone (best of 3) and
# with the fleet-size report (one run), the plan's figures and its
# round-trip bound, the fleet the window needs, and (Mannheim's people
# walk to their gathering points on the foot network) the egress were the
# fleet to collect them at their origins instead.
fleet_out="$results/fleet.md"
"$build/corridor" import "$data/osm/rhein-neckar-rnv-2016-12.osm.pbf" --walking -o "$tmp/mannheim-foot.graph" --quiet
{
  echo "| scenario | fleet | plan wall s | with fleet report wall s | people out / total | upper bound | egress | lower bound | egress / bound | trips | vehicles the window needs | egress collected at origins |"
  echo "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
  for name in andorra mannheim; do
    scenario=examples/fleet/$name-fleet.geojson
    walk=()
    [ "$name" = mannheim ] && walk=(--walk-map "$tmp/mannheim-foot.graph")
    read -r s _ < <(measure "$build/corridor" plan "$tmp/$name-exercise.graph" "$scenario" "${walk[@]}" \
      -o "$tmp/$name-fleet.json" --no-fleet-sizes --quiet)
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$build/corridor" plan "$tmp/$name-exercise.graph" "$scenario" "${walk[@]}" \
      -o "$tmp/$name-fleet.json" --quiet
    read -r r _ < "$tmp/t"
    python3 - "$tmp/$name-fleet.json" "$name" "$s" "$r" <<'PY'
import json, sys
plan, name, s, r = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
m, f, rep = plan["summary"], plan["summary"]["fleet"], plan["fleet_report"]
needed = ", ".join(str(w["vehicles_needed"]) for w in rep["windows"]) or "-"
home = f"{rep['collected_at_origins']['egress_s']} s" if "collected_at_origins" in rep else "-"
print(f"| {name}-fleet | {f['vehicles']} | {s} | {r} | {m['people_evacuated']} / {m['people']} | "
      f"{m['upper_bound_people']} | {m['egress_s']} s | {m['lower_bound_s']} s | {m['egress_gap']} | {f['trips']} | {needed} | {home} |")
PY
  done
} | tee "$fleet_out"

# The exact optimum beside the heuristic and the bound, on the instances
# where everyone can leave (one run each: the walk instance takes about
# half a minute). On OSM maps it is the optimum among plans entering roads
# on whole steps, which the heuristic may beat (it then keeps its plan).
optimal_out="$results/optimal.md"
{
  echo "| scenario | heuristic egress | exact optimum | lower bound | heuristic / optimum | bound / optimum | optimal wall s | optimal peak MiB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for name in andorra-exercise heidelberg-walk; do
    scenario=$data/scenarios/$name.geojson
    [ "$name" = heidelberg-walk ] && scenario=$walk/scenario.geojson
    /usr/bin/time -f "%e %M" -o "$tmp/t" "$build/corridor" plan "$tmp/$name.graph" "$scenario" \
      -o "$tmp/$name.optimal.json" --method optimal --quiet
    read -r s k < "$tmp/t"
    field() { tr -d '\n ' < "$1" | grep -o "\"$2\":[^,}]*" | head -1 | cut -d: -f2; }
    h=$(field "$tmp/$name.plan.json" egress_s); o=$(field "$tmp/$name.optimal.json" egress_s)
    b=$(field "$tmp/$name.optimal.json" lower_bound_s)
    printf "| %s | %s s | %s s | %s s | %.4f | %.4f | %s | %.0f |\n" "$name" "$h" "$o" "$b" \
      "$(echo "$h / $o" | bc -l)" "$(echo "$b / $o" | bc -l)" "$s" "$(echo "$k / 1024" | bc -l)"
  done
} | tee "$optimal_out"

# Re-planning beside planning from scratch, in the same run: the Mannheim
# exercise with the Kurpfalzbrücke shelled from 10:30, re-planned at 10:30
# (history kept) and planned again from scratch with the same event, five
# times each, interleaved; medians of the compute times in each plan's
# summary (the planner's work and its bounds, not loading the map).
replan_out="$results/replan.md"
{
  echo "| scenario | fresh plan compute ms (median of 5) | re-plan compute ms (median of 5) | re-plan / fresh | people out (fresh / re-plan) | upper bound people (fresh / re-plan) | movements kept / diverted / rerouted |"
  echo "|---|---:|---:|---:|---|---|---|"
  mann=$data/scenarios/mannheim-exercise.geojson
  for run in 1 2 3 4 5; do
    "$build/corridor" replan "$tmp/mannheim-exercise.graph" "$mann" "$tmp/mannheim-exercise.plan.json" \
      --at 2022-03-05T10:30:00+01:00 --events examples/operations/mannheim-kurpfalzbruecke.geojson \
      --write-scenario "$tmp/mannheim-merged.geojson" -o "$tmp/mannheim-replan-$run.json" --quiet
    "$build/corridor" plan "$tmp/mannheim-exercise.graph" "$tmp/mannheim-merged.geojson" -o "$tmp/mannheim-fresh-$run.json" --quiet
  done
  "$build/corridor" check "$tmp/mannheim-exercise.graph" "$tmp/mannheim-merged.geojson" "$tmp/mannheim-replan-1.json" > /dev/null 2>&1 \
    || { echo "bench: the re-plan does not check against the merged scenario" >&2; exit 1; }
  python3 - "$tmp" <<'PY'
import json, sys, statistics, collections
tmp = sys.argv[1]
fresh = [json.load(open(f"{tmp}/mannheim-fresh-{r}.json")) for r in range(1, 6)]
re = [json.load(open(f"{tmp}/mannheim-replan-{r}.json")) for r in range(1, 6)]
f = statistics.median(p["summary"]["compute_ms"] for p in fresh)
r = statistics.median(p["summary"]["compute_ms"] for p in re)
c = collections.Counter(x["change"] for x in re[0]["replan"]["changes"])
fs, rs = fresh[0]["summary"], re[0]["summary"]
print(f"| mannheim-exercise, Kurpfalzbrücke shelled 10:30 | {f:.0f} | {r:.0f} | {r / f:.2f} | "
      f"{fs['people_evacuated']} / {rs['people_evacuated']} | {fs['upper_bound_people']} / {rs['upper_bound_people']} | "
      f"{c['kept']} / {c['diverted']} / {c['rerouted']} |")
PY
} | tee "$replan_out"
# Simulation (corridor simulate): the Mannheim and Andorra exercises' plans
# under the default incident model, 1000 runs on 2 threads and on 1, and
# without incidents (every run is the plan: the engine's bare cost), wall
# time beside the plan's own compute time, in one run.
simulate_out="$results/simulate.md"
{
  echo "| scenario | incidents | runs | threads | wall s | ms a run (CPU) | plan compute ms | people out: plan / mean / P10 | egress: plan / mean / P90 | window suffices |"
  echo "|---|---|---:|---:|---:|---:|---:|---|---|---:|"
  for name in mannheim-exercise andorra-exercise; do
    scenario=$data/scenarios/$name.geojson
    for case in "none 1000 2" "default 1000 2" "default 1000 1"; do
      read -r model runs threads <<< "$case"
      extra=(); [ "$model" = default ] && extra=(--incidents)
      /usr/bin/time -f "%e" -o "$tmp/t" "$build/corridor" simulate "$tmp/$name.graph" "$scenario" "$tmp/$name.plan.json" \
        "${extra[@]}" --runs "$runs" --threads "$threads" --json "$tmp/$name-sim.json" --quiet > /dev/null
      python3 - "$tmp/$name-sim.json" "$tmp/$name.plan.json" "$(cat "$tmp/t")" "$name" "$model" "$threads" <<'PY'
import json, sys
sim, plan = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
wall, name, model, threads = float(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
s, po, eg = plan["summary"], sim["people_out"], sim["egress_s"]
print(f"| {name} | {model} | {sim['runs']} | {threads} | {wall:.1f} | {wall * 1000 * threads / sim['runs']:.1f} | "
      f"{s['compute_ms']:.0f} | {s['people_evacuated']} / {po['mean']:.0f} / {po['p10']:.0f} | "
      f"{s['egress_s']:.0f} / {eg['mean']:.0f} / {eg['p90']:.0f} s | {sim['windows'][0]['p_suffices']:.3f} |")
PY
    done
  done
  # The same incidents driven twice: convoys waiting, and the operation
  # re-planning when a hazard meets a convoy's way (--replan), 100 runs.
  echo
  echo "| scenario | runs | threads | wall s | ms a run (CPU) | re-plans a run: mean / max | people out: waiting / re-planning (mean) | egress: waiting / re-planning (mean) | everyone out: waiting / re-planning |"
  echo "|---|---:|---:|---:|---:|---|---|---|---|"
  for name in mannheim-exercise andorra-exercise; do
    /usr/bin/time -f "%e" -o "$tmp/t" "$build/corridor" simulate "$tmp/$name.graph" "$data/scenarios/$name.geojson" \
      "$tmp/$name.plan.json" --incidents --replan --runs 100 --threads 2 --json "$tmp/$name-replan.json" --quiet > /dev/null
    python3 - "$tmp/$name-replan.json" "$(cat "$tmp/t")" "$name" <<'PY'
import json, sys
sim, wall, name = json.load(open(sys.argv[1])), float(sys.argv[2]), sys.argv[3]
r = sim["replan"]
print(f"| {name} | {sim['runs']} | 2 | {wall:.1f} | {wall * 2000 / sim['runs']:.0f} | "
      f"{r['replans']['mean']:.1f} / {r['replans']['max']:.0f} | "
      f"{sim['people_out']['mean']:.0f} / {r['people_out']['mean']:.0f} | "
      f"{sim['egress_s']['mean']:.0f} / {r['egress_s']['mean']:.0f} s | {sim['p_complete']:.2f} / {r['p_complete']:.2f} |")
PY
  done
} | tee "$simulate_out"
echo "results in $results/"
