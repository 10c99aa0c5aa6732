#!/usr/bin/env bash
# The test command: installs what the build needs, builds the release preset and runs every
# test with ctest, then builds the asan preset (AddressSanitizer + UndefinedBehaviorSanitizer)
# and runs the unit tests under it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
jobs=$(nproc)

echo "== dashboard build (web/: type check and Vite)"
(cd web && npm run build)

echo "== release build"
cmake --preset release
cmake --build --preset release -j "$jobs"
echo "== release tests"
ctest --preset release -j "$jobs"

echo "== asan build"
cmake --preset asan
cmake --build --preset asan -j "$jobs"
echo "== asan unit tests"
ctest --preset asan -j "$jobs"
