#!/usr/bin/env bash
# Installs every build and test dependency of corridor from Debian's packages.
# Idempotent and non-interactive: it does nothing when everything is present.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config
  libosmium2-dev libprotozero-dev zlib1g-dev libexpat1-dev libbz2-dev
  nlohmann-json3-dev libcli11-dev libboost-dev liblemon-dev libmetis-dev libproj-dev proj-data
  libsodium-dev libsqlite3-dev libpq-dev postgresql-15 openssl
  libgtest-dev libgmock-dev libbenchmark-dev
  osmium-tool tzdata
  clang-14 libclang-rt-14-dev clang-format-14 clang-tidy-14
  chromium wrk curl iproute2
)
# The web page is built with npm; Debian's Node.js unless one is installed.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root (or install them with apt-get)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
