#!/usr/bin/env bash
# Compares two builds of alphintra on one benchmark by running them at the same time, one on
# each of the first two cores (swapped every round), and prints the ratio B/A of their median
# passes round by round.
#
# Why at the same time: on a shared machine the speed of a memory-bound benchmark moves by tens
# of percent from one minute to the next (the last-level cache and memory bandwidth are shared
# with other tenants), so two builds run one after the other compare their neighbours as much as
# themselves. Run side by side, both see the same neighbours; each also slows the other a little
# (they share the last-level cache), which lowers both figures alike. On the 2-core development VM
# the same build against itself gives ratios within about ±5 % (median within ±3 %), where
# alternating sequential runs of it ranged from 0.73 to 1.45.
#
# Usage: scripts/ab_parallel.sh [-r ROUNDS] BIN_A BIN_B -- BENCH ARGS...
#   scripts/ab_parallel.sh -r 6 /tmp/alphintra-before build/release/src/app/alphintra -- \
#       bench backtest-tick --passes 5
# The figure read from each pass is the first "<number> M ... per CPU second" on its line (the
# bar and tick backtest benchmarks print one per pass).
set -euo pipefail

rounds=6
while getopts "r:" opt; do
  case "$opt" in
    r) rounds="$OPTARG" ;;
    *) echo "usage: $0 [-r ROUNDS] BIN_A BIN_B -- BENCH ARGS..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [[ $# -lt 3 || "$3" != "--" ]]; then
  echo "usage: $0 [-r ROUNDS] BIN_A BIN_B -- BENCH ARGS..." >&2
  exit 2
fi
a="$1"
b="$2"
shift 3
for bin in "$a" "$b"; do
  [[ -x "$bin" ]] || { echo "$0: $bin is not an executable" >&2; exit 2; }
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "$0: -r takes a positive number of rounds" >&2; exit 2; }
command -v taskset >/dev/null || { echo "$0: taskset (util-linux) is needed" >&2; exit 2; }
if [[ "$(nproc)" -lt 2 ]]; then
  echo "$0: needs at least two cores" >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The median of the per-pass figures in a benchmark's output.
median() {
  grep -o '[0-9.]* M [a-z ]*per CPU second' "$1" | awk '{print $1}' | sort -n |
    awk '{v[NR] = $1} END {if (NR == 0) exit 1; print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'
}

printf '%6s %10s %10s %8s\n' round A B 'B/A'
for ((r = 1; r <= rounds; ++r)); do
  if ((r % 2)); then ca=0 cb=1; else ca=1 cb=0; fi
  taskset -c "$ca" "$a" "$@" >"$work/a" 2>&1 &
  pa=$!
  taskset -c "$cb" "$b" "$@" >"$work/b" 2>&1 &
  pb=$!
  wait "$pa" || { echo "$0: A failed:" >&2; tail -5 "$work/a" >&2; exit 1; }
  wait "$pb" || { echo "$0: B failed:" >&2; tail -5 "$work/b" >&2; exit 1; }
  ma="$(median "$work/a")" || { echo "$0: no per-pass figures in A's output" >&2; exit 1; }
  mb="$(median "$work/b")" || { echo "$0: no per-pass figures in B's output" >&2; exit 1; }
  printf '%6d %10s %10s %8.3f\n' "$r" "$ma" "$mb" "$(awk -v a="$ma" -v b="$mb" 'BEGIN {print b / a}')"
  echo "$ma $mb" >>"$work/rounds"
done
awk '{print $2 / $1, $1, $2}' "$work/rounds" | sort -n |
  awk '{r[NR] = $1; sa += $2; sb += $3}
       END {m = (NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2);
            printf "B/A: median %.3f (min %.3f, max %.3f) over %d rounds; mean A %.2f, B %.2f\n", m, r[1], r[NR], NR, sa / NR, sb / NR}'
