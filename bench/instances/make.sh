#!/usr/bin/env bash
# Regenerates the shipped city-scale pedestrian instance (README.md here):
#   bash bench/instances/make.sh BUILD_DIR SHARED_DATA [OUT_DIR]
# imports the Heidelberg extract with corridor, then writes network.geojson
# and scenario.geojson with make_walk_instance (default OUT_DIR: the shipped
# bench/instances/heidelberg-walk).
set -euo pipefail
build=${1:?usage: make.sh BUILD_DIR SHARED_DATA [OUT_DIR]}
data=${2:?usage: make.sh BUILD_DIR SHARED_DATA [OUT_DIR]}
out=${3:-$(dirname "$0")/heidelberg-walk}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/corridor" import "$data/osm/heidelberg-ors-test.osm.pbf" -o "$work/heidelberg.graph" --quiet
"$build/bench/make_walk_instance" "$work/heidelberg.graph" "$out"
