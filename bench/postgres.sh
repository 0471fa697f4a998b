#!/usr/bin/env bash
# Runs the ledger benchmarks that compare SQLite with PostgreSQL, in one run:
# starts a throw-away PostgreSQL 15 server (Debian's postgresql-15, durable
# settings: fsync and synchronous_commit on, as a deployment would have) on
# a free loopback port, runs ledger_bench against it, and stops it.
#   bench/postgres.sh [LEDGER_BENCH] [benchmark options...]
set -euo pipefail
bench=${1:-build-bench/bench/ledger_bench}
shift || true
bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
dir=$(mktemp -d /tmp/corridor-bench-pg-XXXXXX)
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as[@]}" "$bindir/initdb" -D "$dir/data" -U corridor --auth=trust -E UTF8 --no-instructions > "$dir/initdb.log"
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start > /dev/null
trap '"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null; rm -rf "$dir"' EXIT
uri="postgresql://corridor@127.0.0.1:$port/postgres"
CORRIDOR_BENCH_POSTGRES="$uri" \
  "$bench" --benchmark_filter='append_instances|_document_sqlite|generate_postgres' "$@"

# The peer: PostgreSQL itself, one durable single-row transaction after
# another (a 1,500-byte row, the size of a ledger entry), from 1 and 2
# clients, with pgbench on the same server.
"$bindir/psql" -q "$uri" -c "CREATE TABLE peer(id BIGSERIAL PRIMARY KEY, body BYTEA NOT NULL)"
echo "INSERT INTO peer(body) VALUES (convert_to(repeat('x', 1500), 'UTF8'));" > "$dir/insert.sql"
for clients in 1 2; do
  echo "pgbench, $clients client(s), one INSERT per transaction:"
  "$bindir/pgbench" -n -c "$clients" -j "$clients" -t 600 -f "$dir/insert.sql" "$uri" 2>&1 | grep -E "latency average|tps ="
done
