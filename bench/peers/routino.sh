#!/usr/bin/env bash
# Routino peer benchmark.  Usage (as root): bash bench/peers/routino.sh OUT_DIR [extract ...]
# extracts default to: rhein-neckar milan andorra (see common.sh)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
OUT="$(mkdir -p "${1:?usage: routino.sh OUT_DIR [extract...]}" && cd "$1" && pwd)"; shift
EXTRACTS=("$@"); ((${#EXTRACTS[@]})) || mapfile -t EXTRACTS < <(all_extracts)

apt_install routino osmium-tool time python3
ROUTER_ARGS=(--profile=motorcar --quickest --output-none --quiet)
SUM="$OUT/routino_summary.txt"
echo "# $(machine_line)" >"$SUM"
echo "# $(dpkg-query -W -f='routino ${Version}, osmium-tool ' routino)$(dpkg-query -W -f='${Version}' osmium-tool)" >>"$SUM"

for name in "${EXTRACTS[@]}"; do
  pbf="$OSM_DIR/$(extract_field "$name" 2)"
  read -r hx0 hy0 hx1 hy1 <<<"$(extract_field "$name" 4)"
  ensure_pairs "$OUT" "$name"
  ensure_osm_xml "$OUT" "$name" | sed "s/^/$name /" >>"$SUM"
  db="$OUT/routino/$name"; dbx="$OUT/routino/$name-xml"; dbh="$OUT/routino/$name-hazard"
  rm -rf "$db" "$dbx" "$dbh"; mkdir -p "$db" "$dbx" "$dbh"

  # 1. preprocessing straight from PBF (default tagging.xml, default pruning, 256 MB sort RAM)
  run_timed planetsplitter_pbf "$OUT/logs/$name.planetsplitter" \
    planetsplitter --dir="$db" --prefix="$name" --logtime "$pbf" | sed "s/^/$name /" >>"$SUM"
  # 1b. same from the converted OSM XML (conversion time reported separately)
  run_timed planetsplitter_xml "$OUT/logs/$name.planetsplitter-xml" \
    planetsplitter --dir="$dbx" --prefix="$name" "$OUT/osm/$name.osm" | sed "s/^/$name /" >>"$SUM"
  echo "$name db_size_MiB $(du -sm "$db" | cut -f1)" >>"$SUM"

  # 2. 200 queries, one router process per query (process start + mmap of db included)
  python3 "$PEERS_DIR/pairs.py" time-routino "$OUT/pairs/$name.csv" "$db" "$name" \
    "$OUT/routino_$name.queries.csv" "${ROUTER_ARGS[@]}"
  echo "$name query $(python3 "$PEERS_DIR/pairs.py" stats "$OUT/routino_$name.queries.csv")" >>"$SUM"

  # 3. hazard: no per-query polygon avoidance in Routino -> delete highway segments that
  #    intersect the envelope from the input and re-run the whole preprocessing.
  run_timed hazard_split "$OUT/logs/$name.hazard-split" \
    python3 "$PEERS_DIR/pairs.py" hazard-split "$pbf" "$hx0" "$hy0" "$hx1" "$hy1" "$OUT/osm/$name-hazard.opl" \
    | sed "s/^/$name /" >>"$SUM"
  osmium cat --overwrite "$OUT/osm/$name-hazard.opl" -o "$OUT/osm/$name-hazard.osm.pbf"
  run_timed planetsplitter_hazard "$OUT/logs/$name.planetsplitter-hazard" \
    planetsplitter --dir="$dbh" --prefix="$name" "$OUT/osm/$name-hazard.osm.pbf" | sed "s/^/$name /" >>"$SUM"
  python3 "$PEERS_DIR/pairs.py" time-routino "$OUT/pairs/$name.csv" "$dbh" "$name" \
    "$OUT/routino_$name.hazard.csv" "${ROUTER_ARGS[@]}"
  echo "$name hazard_query $(python3 "$PEERS_DIR/pairs.py" stats "$OUT/routino_$name.hazard.csv")" >>"$SUM"
done
cat "$SUM"
