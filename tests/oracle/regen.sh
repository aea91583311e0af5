#!/usr/bin/env bash
# Regenerates every oracle's expected output by running it under Node.
# The random suites (random/*.js) run each of their programs in a process
# of its own and wait for its timers: about eight minutes in all.
set -euo pipefail
cd "$(dirname "$0")"
# co, the reference of runner/co_turns.js and random/co.js; redux-saga and
# redux, of random/fork_trees.js, random/watchers.js, random/channels.js,
# random/multicast.js and the saga/ oracles (package.json pins them).
[ -d node_modules ] || npm ci --no-audit --no-fund
for js in */[!_]*.js; do
  node "$js" > "${js%.js}.out"
done
echo "regenerated $(ls */[!_]*.js | wc -l) oracle outputs with node $(node --version)"
