#!/usr/bin/env bash
# Installs Alphintra's Debian build dependencies and the dashboard's npm packages (web/).
# Idempotent: when everything is already installed it only checks and returns within a second.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libgtest-dev libgmock-dev
  libfmt-dev libcli11-dev libzstd-dev zstd
  nlohmann-json3-dev libquantlib0-dev libeigen3-dev
  python3-cvxopt
  libboost-dev libssl-dev openssl libsodium-dev libsqlite3-dev libtomlplusplus-dev
  libquickfix-dev
  libhowardhinnant-date-dev tzdata
  chromium
)

# The dashboard (web/) builds with the machine's Node.js and npm; Debian's when there are none.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The dashboard's npm packages, exactly as web/package-lock.json records them; again only when
# the lock file is newer than the last install.
web="$(dirname "$0")/../web"
if [ ! -f "$web/node_modules/.package-lock.json" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
  echo "setup: npm ci in web/"
  (cd "$web" && npm ci --no-audit --no-fund)
fi
