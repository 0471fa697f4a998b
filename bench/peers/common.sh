# Shared settings for the peer benchmarks (sourced by routino.sh / pgrouting.sh).
# Usage of the callers: bash bench/peers/<tool>.sh OUT_DIR [extract ...]
set -euo pipefail

PEERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OSM_DIR="${OSM_DIR:-/work/shared/data/osm}"
NPAIRS="${NPAIRS:-200}"
SEED="${SEED:-20240601}"
QUERY_TIMEOUT="${QUERY_TIMEOUT:-60}"      # seconds per single route query
IMPORT_TIMEOUT="${IMPORT_TIMEOUT:-1800}"  # seconds per import step

# name | pbf file | road bbox (minlon minlat maxlon maxlat) | hazard envelope (minlon minlat maxlon maxlat)
EXTRACTS_TABLE="
rhein-neckar|rhein-neckar-rnv-2016-12.osm.pbf|8.16 49.33 8.82 49.64|8.45 49.47 8.49 49.50
milan|milan-small.osm.pbf|9.05 45.34 9.456 45.56|9.17 45.45 9.21 45.48
andorra|andorra-2021-10.osm.pbf|1.40 42.415 1.816 42.676|1.51 42.50 1.54 42.52
"

extract_field() { # name fieldno
  echo "$EXTRACTS_TABLE" | awk -F'|' -v n="$1" -v f="$2" '$1==n{print $f}'
}
all_extracts() { echo "$EXTRACTS_TABLE" | awk -F'|' 'NF>=4{print $1}'; }

apt_install() { # idempotent: only installs what is missing
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

# run_timed LABEL LOGPREFIX cmd... : runs under GNU time -v, writes LOGPREFIX.time and
# prints "LABEL wall_s peak_MiB rc"
run_timed() {
  local label="$1" pre="$2"; shift 2
  local rc=0
  timeout "$IMPORT_TIMEOUT" /usr/bin/time -v -o "$pre.time" "$@" >"$pre.out" 2>"$pre.err" || rc=$?
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.2f", s}' "$pre.time" 2>/dev/null || echo NA)
  rss=$(awk -F': ' '/Maximum resident set size/{printf "%.1f", $2/1024}' "$pre.time" 2>/dev/null || echo NA)
  echo "$label ${wall:-NA} ${rss:-NA} $rc"
}

machine_line() {
  echo "nproc=$(nproc), CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), RAM: $(free -m | awk '/Mem:/{print $2}') MiB, $(. /etc/os-release; echo "$PRETTY_NAME")"
}

# pairs file shared by all tools: OUT/pairs/<name>.csv
ensure_pairs() { # out name
  local out="$1" name="$2" pbf bbox
  pbf="$OSM_DIR/$(extract_field "$name" 2)"; bbox="$(extract_field "$name" 3)"
  mkdir -p "$out/pairs"
  if [[ ! -s "$out/pairs/$name.csv" ]]; then
    # shellcheck disable=SC2086
    python3 "$PEERS_DIR/pairs.py" gen "$pbf" $bbox "$NPAIRS" "$SEED" >"$out/pairs/$name.csv"
  fi
}

# osmium decode baseline + PBF->XML conversion (shared)
ensure_osm_xml() { # out name -> prints timing lines
  local out="$1" name="$2" pbf
  pbf="$OSM_DIR/$(extract_field "$name" 2)"
  mkdir -p "$out/osm" "$out/logs"
  run_timed "osmium_decode_opl" "$out/logs/$name.osmium-opl" osmium cat --overwrite "$pbf" -f opl -o /dev/null
  run_timed "osmium_pbf_to_xml" "$out/logs/$name.osmium-xml" osmium cat --overwrite "$pbf" -o "$out/osm/$name.osm"
}
