#!/usr/bin/env bash
# Runs one fuzz target for a bounded time on its seed corpus.
#   run.sh FUZZER NAME SECONDS CORRIDOR SHARED_DATA   (FUZZ_SECONDS overrides SECONDS)
# Seeds: tests/fuzz/corpus/NAME/, the repository's fixtures, the shipped
# scenarios, and documents made here with the corridor binary (a graph file,
# a signed agreement, a proof). The working corpus is $FUZZ_CORPUS/NAME when
# FUZZ_CORPUS is set (make fuzz keeps it between runs), else a temporary
# folder. A crash leaves its input in $FUZZ_ARTIFACTS (default:
# fuzz-artifacts/ in the folder it runs in) and fails the run; the closing line gives the executions.
set -euo pipefail
fuzzer=$1 name=$2 seconds=${FUZZ_SECONDS:-$3} corridor=$4 shared=$5
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../fixtures
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
if [ -n "${FUZZ_CORPUS:-}" ]; then corpus=$FUZZ_CORPUS/$name; else corpus=$scratch/corpus; fi
seeds=$scratch/seeds
mkdir -p "$corpus" "$seeds"
[ -d "$here/corpus/$name" ] && cp "$here/corpus/$name"/* "$seeds"/

make_docs() {  # a graph, an agreement signed by A, a ledger proof: real documents to mutate
  "$corridor" import -q "$fixtures/networks/small.geojson" -o "$scratch/small.graph" >/dev/null 2>&1
  "$corridor" keygen --party A -o "$scratch/a.key" >/dev/null 2>&1
  "$corridor" agree register --registry "$scratch/parties.json" --pub "$scratch/a.pub" --name "Party A" >/dev/null 2>&1
  "$corridor" agree propose "$fixtures/agree/plan.json" --scenario "$fixtures/agree/scenario.geojson" \
    --signatories A -o "$scratch/agreement.json" >/dev/null 2>&1
  "$corridor" agree sign "$scratch/agreement.json" --key "$scratch/a.key" >/dev/null 2>&1
  "$corridor" log init --db "$scratch/l.db" --name corridor.fuzz/ledger --registry "$scratch/parties.json" >/dev/null 2>&1
  "$corridor" log append --db "$scratch/l.db" "$scratch/agreement.json" >/dev/null 2>&1
  "$corridor" log prove-inclusion --db "$scratch/l.db" --index 0 -o "$scratch/proof.json" >/dev/null 2>&1
  "$corridor" log head --db "$scratch/l.db" > "$scratch/head.note" 2>/dev/null
}

case $name in
  scenario) cp "$fixtures"/scenarios/* "$fixtures"/agree/scenario.geojson "$shared"/scenarios/*.geojson "$seeds"/ ;;
  geojson_network) cp "$fixtures"/networks/*.geojson "$seeds"/ ;;
  graph_file)
    make_docs
    { printf 'R'; cat "$scratch/small.graph"; } > "$seeds/resealed"
    { printf 'x'; cat "$scratch/small.graph"; } > "$seeds/as-is" ;;
  agreement)
    make_docs
    cp "$scratch/agreement.json" "$scratch/parties.json" "$fixtures"/agree/plan.json "$seeds"/ ;;
  proof)
    make_docs
    cp "$scratch/proof.json" "$seeds"/
    { cat "$scratch/proof.json"; printf '\0'; cat "$scratch/head.note"; } > "$seeds/with-head" ;;
  signed_request)
    { printf 'SPOST\n/scenarios?name=s\n\n'; cat "$fixtures/agree/scenario.geojson"; } > "$seeds/upload"
    { printf 'SPOST\n/plans\n\n{"scenario": "s", "method": "ccrp"}'; } > "$seeds/plan"
    { printf 'SPOST\n/incidents\n\n{"payload": "e30", "signatures": []}'; } > "$seeds/incident" ;;
esac

artifacts=${FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}/
mkdir -p "$artifacts"
set +e
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$artifacts$name-" "$corpus" "$seeds" > "$scratch/log" 2>&1
status=$?
set -e
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$scratch/log" | grep -o '[0-9]*$' || echo 0)
if [ $status -ne 0 ]; then
  tail -n 60 "$scratch/log"
  ls "$artifacts" | grep "^$name-" || true
  echo "fuzz $name: FAILED after $runs executions in ${seconds}s (see the input above)"
  exit 1
fi
echo "fuzz $name: $runs executions in ${seconds}s, corpus $(ls "$corpus" | wc -l) new inputs, no crash"
