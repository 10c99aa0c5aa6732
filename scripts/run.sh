#!/usr/bin/env bash
# The run command: installs what the build needs, builds the release preset and starts the
# platform on embedded defaults: `alphintra serve` with its data in ./data, the default
# universe, the market simulator and the REST API on http://127.0.0.1:8080 (docs/api.md).
# It creates the demo users (docs/api.md) and prints the admin password on the first start.
# Extra arguments go to `alphintra serve` (e.g. --port 9090, --data-dir /tmp/data).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
(cd web && npm run --silent build >/dev/null)   # the dashboard served at / (docs/dashboard.md)
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target alphintra
exec ./build/release/src/app/alphintra serve --demo-users "$@"
