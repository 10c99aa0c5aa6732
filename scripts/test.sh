#!/usr/bin/env bash
# The test command: installs what the build needs, builds the release preset and runs every
# test with ctest, then builds the unit tests with the asan preset (AddressSanitizer +
# UndefinedBehaviorSanitizer) and runs them under it.
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
# Only the unit-test programs: nothing else runs under the sanitizers (ctest's asan preset runs
# the tests labelled unit), and building the rest twice would double the CI time.
targets=$(ninja -C build/asan -t targets all | sed 's/:.*//' | sort -u)
mapfile -t unit_tests < <(ctest --preset asan -N | awk '/Test +#[0-9]+:/ {print $3}' | grep -Fxf <(echo "$targets"))
cmake --build --preset asan -j "$jobs" --target "${unit_tests[@]}"
echo "== asan unit tests"
ctest --preset asan -j "$jobs"
