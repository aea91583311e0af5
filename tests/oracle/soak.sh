#!/usr/bin/env bash
# A soak run: the random suites with programs the committed traces do not
# hold. Draws PROGRAMS programs (default 2000) from SEED (default: today's
# date) for each suite named (default: all), has Node run them into a
# directory of their own, then runs baton's suites against those traces.
#
#   tests/oracle/soak.sh                   # every suite, 2000 programs each
#   SEED=7 PROGRAMS=5000 tests/oracle/soak.sh sagas fork_trees
#
# Known differences listed in a suite do not apply (their numbers are the
# committed file's): a program that differs is printed whole, to be added
# to the committed oracle with its reason or fixed.
set -euo pipefail
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund
export SEED="${SEED:-$(date +%Y%m%d)}"
export PROGRAMS="${PROGRAMS:-2000}"
out="${SOAK_DIR:-$(mktemp -d)}"
mkdir -p "$out"
suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
  for js in random/[!_]*.js; do suites+=("$(basename "$js" .js)"); done
fi
for suite in "${suites[@]}"; do
  node "random/$suite.js" > "$out/$suite.out"
  echo "$suite: $PROGRAMS programs from seed $SEED in $out/$suite.out"
done
cd ../..
tests=()
for suite in "${suites[@]}"; do tests+=(--test "random_$suite"); done
BATON_SOAK_DIR="$out" cargo test --release --no-fail-fast "${tests[@]}"
