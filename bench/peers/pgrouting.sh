#!/usr/bin/env bash
# pgRouting peer benchmark.  Usage (as root): bash bench/peers/pgrouting.sh OUT_DIR [extract ...]
# Starts a private PostgreSQL 15 cluster in OUT_DIR/pg (localhost + unix socket only,
# port $PGPORT, trust auth) and stops it on exit.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
OUT="$(mkdir -p "${1:?usage: pgrouting.sh OUT_DIR [extract...]}" && cd "$1" && pwd)"; shift
EXTRACTS=("$@"); ((${#EXTRACTS[@]})) || mapfile -t EXTRACTS < <(all_extracts)

apt_install postgresql-15 postgresql-15-postgis-3 postgresql-15-postgis-3-scripts \
  postgresql-15-pgrouting osm2pgrouting osmium-tool time python3
PGBIN=/usr/lib/postgresql/15/bin
export PGPORT="${PGPORT:-5499}" PGHOST=localhost PGUSER=postgres
MAPCONF=/usr/share/osm2pgrouting/mapconfig_for_cars.xml
PG="$OUT/pg"; SUM="$OUT/pgrouting_summary.txt"

# ---- private server -------------------------------------------------------
mkdir -p "$PG/sock"; chown -R postgres:postgres "$PG"; chmod 700 "$PG"
chmod o+x "$OUT"
if [[ ! -s "$PG/data/PG_VERSION" ]]; then
  runuser -u postgres -- "$PGBIN/initdb" -D "$PG/data" -U postgres --auth=trust -E UTF8 >"$PG/initdb.log"
fi
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w -t 60 \
  -o "-c listen_addresses=localhost -c port=$PGPORT -c unix_socket_directories=$PG/sock -c shared_buffers=512MB -c work_mem=64MB -c max_wal_size=2GB -c fsync=off -c synchronous_commit=off" start
trap 'runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG/data" -m fast -w stop >/dev/null || true' EXIT
psqlq() { timeout "$IMPORT_TIMEOUT" psql -X -v ON_ERROR_STOP=1 -q "$@"; }

{
  echo "# $(machine_line)"
  echo "# $(psql -X -At -d postgres -c 'select version()')"
  echo "# osm2pgrouting $(dpkg-query -W -f='${Version}' osm2pgrouting), pgrouting $(dpkg-query -W -f='${Version}' postgresql-15-pgrouting), postgis $(dpkg-query -W -f='${Version}' postgresql-15-postgis-3)"
  echo "# server: shared_buffers=512MB work_mem=64MB fsync=off synchronous_commit=off"
} >"$SUM"

EDGES="SELECT gid AS id, source, target, cost_s AS cost, reverse_cost_s AS reverse_cost FROM ways"

for name in "${EXTRACTS[@]}"; do
  read -r hx0 hy0 hx1 hy1 <<<"$(extract_field "$name" 4)"
  db="bench_${name//-/_}"
  ensure_pairs "$OUT" "$name"
  ensure_osm_xml "$OUT" "$name" | sed "s/^/$name /" >>"$SUM"
  dropdb --if-exists "$db"; createdb "$db"
  psqlq -d "$db" -c "CREATE EXTENSION postgis; CREATE EXTENSION pgrouting;"

  # 1. import (osm2pgrouting builds topology + its default indexes); client-side peak RSS only
  run_timed osm2pgrouting "$OUT/logs/$name.osm2pgrouting" \
    osm2pgrouting -f "$OUT/osm/$name.osm" -c "$MAPCONF" -d "$db" -U postgres -h localhost -p "$PGPORT" --clean \
    | sed "s/^/$name /" >>"$SUM"
  run_timed vacuum_analyze "$OUT/logs/$name.analyze" psql -X -v ON_ERROR_STOP=1 -q -d "$db" -c "VACUUM ANALYZE ways" -c "VACUUM ANALYZE ways_vertices_pgr" \
    | sed "s/^/$name /" >>"$SUM"
  echo "$name graph $(psql -X -At -d "$db" -c "select 'edges='||(select count(*) from ways)||' vertices='||(select count(*) from ways_vertices_pgr)||' tables_MiB='||round((pg_total_relation_size('ways')+pg_total_relation_size('ways_vertices_pgr'))/1048576.0,1)")" >>"$SUM"

  # 2. map the shared pairs (OSM junction node ids) to vertex ids; KNN fallback if absent
  psqlq -d "$db" <<SQL
DROP TABLE IF EXISTS bench_pairs;
CREATE TABLE bench_pairs(idx int, lon1 float8, lat1 float8, lon2 float8, lat2 float8, node1 bigint, node2 bigint);
\copy bench_pairs FROM '$OUT/pairs/$name.csv' CSV HEADER
SQL
  psql -X -At -F' ' -d "$db" -c "
    SELECT p.idx,
      COALESCE((SELECT id FROM ways_vertices_pgr WHERE osm_id = p.node1 LIMIT 1),
               (SELECT id FROM ways_vertices_pgr ORDER BY the_geom <-> ST_SetSRID(ST_Point(p.lon1,p.lat1),4326) LIMIT 1)),
      COALESCE((SELECT id FROM ways_vertices_pgr WHERE osm_id = p.node2 LIMIT 1),
               (SELECT id FROM ways_vertices_pgr ORDER BY the_geom <-> ST_SetSRID(ST_Point(p.lon2,p.lat2),4326) LIMIT 1)),
      (SELECT count(*) FROM ways_vertices_pgr WHERE osm_id IN (p.node1, p.node2))
    FROM bench_pairs p ORDER BY p.idx" >"$OUT/pgr_$name.vids"
  echo "$name pairs_exact_osm_node_match $(awk '$4==2' "$OUT/pgr_$name.vids" | wc -l)/$(wc -l <"$OUT/pgr_$name.vids")" >>"$SUM"

  # 3. per-query timing inside ONE psql session (\timing), first query = warm-up (dropped)
  #    plain  : all edges
  #    hazard : edges intersecting the envelope removed (NOT ST_Intersects, as usually written)
  #    hazard_idx : same edge set, written as an anti-join so the GiST index on the_geom is used
  env="ST_MakeEnvelope($hx0,$hy0,$hx1,$hy1,4326)"
  for kind in plain hazard hazard_idx; do
    case $kind in
      plain) esql="$EDGES" ;;
      hazard) esql="$EDGES WHERE NOT ST_Intersects(the_geom, $env)" ;;
      hazard_idx) esql="$EDGES WHERE gid NOT IN (SELECT gid FROM ways WHERE ST_Intersects(the_geom, $env))" ;;
    esac
    sqlf="$OUT/pgr_$name.$kind.sql"
    {
      echo "SET statement_timeout = '${QUERY_TIMEOUT}s';"
      echo '\timing on'
      head -n1 "$OUT/pgr_$name.vids" | while read -r idx s t _; do
        echo "SELECT -1, count(*), coalesce(max(agg_cost),-1) FROM pgr_dijkstra(\$q\$$esql\$q\$, $s::bigint, $t::bigint, directed => true);"
      done
      while read -r idx s t _; do
        echo "SELECT $idx, count(*), coalesce(max(agg_cost),-1) FROM pgr_dijkstra(\$q\$$esql\$q\$, $s::bigint, $t::bigint, directed => true);"
      done <"$OUT/pgr_$name.vids"
    } >"$sqlf"
    timeout $((QUERY_TIMEOUT * (NPAIRS + 2))) psql -X -At -F, -d "$db" -f "$sqlf" >"$OUT/pgr_$name.$kind.raw" 2>"$OUT/pgr_$name.$kind.err" || true
    awk -F, 'BEGIN{print "idx,ms,ok,rc,agg_cost_s"}
      /^-?[0-9]+,[0-9]+,/{idx=$1; cnt=$2; cost=$3; next}
      /^Time: /{ if (idx!="" && idx>=0) { ms=$0; sub(/^Time: /,"",ms); sub(/ ms.*/,"",ms);
                 printf "%s,%s,%d,0,%s\n", idx, ms, (cnt>0), cost } idx="" }' \
      "$OUT/pgr_$name.$kind.raw" >"$OUT/pgr_$name.$kind.csv"
    echo "$name ${kind}_query $(python3 "$PEERS_DIR/pairs.py" stats "$OUT/pgr_$name.$kind.csv")" >>"$SUM"
  done
  # one EXPLAIN ANALYZE of the first pair for the record
  read -r idx s t _ < <(head -n1 "$OUT/pgr_$name.vids")
  psql -X -d "$db" -c "EXPLAIN ANALYZE SELECT * FROM pgr_dijkstra(\$q\$$EDGES\$q\$, $s::bigint, $t::bigint, directed => true);" >"$OUT/pgr_$name.explain.txt" 2>&1 || true
done
cat "$SUM"
