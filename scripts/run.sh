#!/usr/bin/env bash
# The run command: installs what the build needs, builds the release preset and runs the
# platform's main job. Until `alphintra serve` lands this is the matching-engine benchmark on a
# generated stream of one million operations (no external data needed).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target alphintra
exec ./build/release/src/app/alphintra bench book --generate 1000000 "$@"
