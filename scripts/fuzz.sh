#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (docs/fuzzing.md): builds the fuzz targets with Clang,
# AddressSanitizer and UndefinedBehaviorSanitizer into build/fuzz, then runs each target named
# (all by default) for SECONDS with its corpus grown in build/fuzz/corpus/<target>, seeded from
# fuzz/corpus/<target>. A crash leaves its input in build/fuzz/artifacts/ and stops the script.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 600 fix_session rest_api
#
# Not part of the test command: CI replays the seed corpora and a fixed set of inputs derived from
# them through every target (ctest -L unit), this runs open-ended searches on a developer's machine.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-120}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(engine_protocol engine_snapshot journal_recovery fix_session fix_store rest_api analytics market_files history_store)

bash scripts/setup.sh
# Clang and its libFuzzer runtime (Debian 12: clang-14 with libclang-rt-14-dev).
missing=()
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DALPHINTRA_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" >/dev/null
cmake --build build/fuzz --target "${targets[@]/%/_fuzz}"

mkdir -p build/fuzz/artifacts
for t in "${targets[@]}"; do
  corpus="build/fuzz/corpus/$t"
  mkdir -p "$corpus"
  cp -n fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
  dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=(-dict="fuzz/dict/$t.dict")
  echo "fuzz: $t for ${seconds}s"
  "build/fuzz/fuzz/${t}_fuzz" "$corpus" "${dict[@]}" -max_total_time="$seconds" -max_len=8192 -rss_limit_mb=4096 \
    -artifact_prefix="build/fuzz/artifacts/$t-" -print_final_stats=1
done
