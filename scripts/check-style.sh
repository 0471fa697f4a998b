#!/usr/bin/env bash
# The style checks of `make test`: clang-format on every C++ file (the
# checked-in .clang-format), and clang-tidy-14 (the checked-in .clang-tidy)
# on the sources changed by the last 30 commits, or on all of them with
# TIDY=all. BUILD is a configured build folder (its compile_commands.json).
#   scripts/check-style.sh [BUILD]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}

mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
echo "check-style: clang-format on ${#files[@]} files"
if ! clang-format-14 --dry-run -Werror "${files[@]}"; then
  echo "check-style: formatting differs; run make format" >&2
  exit 1
fi

if [ "${TIDY:-changed}" = all ] || ! base=$(git rev-parse -q --verify HEAD~30 2>/dev/null); then
  mapfile -t sources < <(git ls-files 'src/*.cpp' 'tools/*.cpp')
else
  mapfile -t sources < <(git diff --name-only --diff-filter=AM "$base" -- 'src/*.cpp' 'tools/*.cpp')
fi
echo "check-style: clang-tidy on ${#sources[@]} sources"
[ ${#sources[@]} -eq 0 ] && exit 0
if ! printf '%s\n' "${sources[@]}" | xargs -P "${JOBS:-2}" -n 4 clang-tidy-14 -p "$build" --quiet; then
  echo "check-style: clang-tidy found problems (above)" >&2
  exit 1
fi
