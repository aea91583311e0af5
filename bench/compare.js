// Prints baton against Node side by side: criterion's medians (read from
// target/criterion) next to the Node equivalents measured now, as ratios.
// Run through `bench/run`, which runs `cargo bench` first.
"use strict";
const fs = require("fs");
const path = require("path");
const { measure } = require("./node/measure");

const root = path.join(__dirname, "..");

// Each row: what is measured, baton's criterion ids, Node's equivalents.
const suites = {
  generators: {
    node: require("./node/generators"),
    unit: "ns per resume",
    rows: [
      { label: "counting, values summed", baton: "counting/baton", pinned: "counting/baton_pinned", boxed: "counting/baton_boxed", rust: "counting/hand_written", node: "counting/node", nodeHand: "counting/node_hand_written" },
      { label: "ping-pong (next(v)), values summed", baton: "ping_pong/baton", pinned: "ping_pong/baton_pinned", boxed: "ping_pong/baton_boxed", rust: "ping_pong/hand_written", node: "ping_pong/node", nodeHand: "ping_pong/node_hand_written" },
      { label: "counting, each step escapes", baton: "counting_opaque/baton", pinned: "counting_opaque/baton_pinned", boxed: "counting_opaque/baton_boxed", rust: "counting_opaque/hand_written", node: "counting/node", nodeHand: "counting/node_hand_written" },
      { label: "ping-pong, each step escapes", baton: "ping_pong_opaque/baton", pinned: "ping_pong_opaque/baton_pinned", boxed: "ping_pong_opaque/baton_boxed", rust: "ping_pong_opaque/hand_written", node: "ping_pong/node", nodeHand: "ping_pong/node_hand_written" },
      { label: "resume through yield* (counting, delegated to)", baton: "yield_star/baton", node: "yield_star/node" },
      { label: "create + 2 resumes + drop", baton: "create_run_drop/baton", pinned: "create_run_drop/baton_pinned", node: "create_run_drop/node" },
    ],
  },
};

// Where cargo put criterion's results (bench/run moves it for mimalloc).
const targetDir = path.resolve(root, process.env.CARGO_TARGET_DIR || "target");

function criterionMedian(id) {
  if (!id) return undefined;
  // A lone bench_function's "a/b" is stored as "a_b"; a group's as "a/b".
  const file = [id.replace(/\//g, "_"), id]
    .map((dir) => path.join(targetDir, "criterion", dir, "new", "estimates.json"))
    .find((f) => fs.existsSync(f));
  if (!file) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")).median.point_estimate;
}

// Promise suites: criterion times a batch; `per` turns it into one operation.
const promiseSuite = {
  node: require("./node/promises"),
  unit: "ns per operation",
  rows: [
    { label: "then-link (chain of 1,000)", baton: "then_link_x1000/baton", per: 1000, node: "then_link/node" },
    { label: "await of a resolved promise", baton: "await_x1000/baton", per: 1000, rust: "await_x1000/rust_async_fn", node: "await/node" },
    { label: "await of a promise a microtask fulfils, then of a resolved one (per pair)", baton: "await_woken_x1000/baton", per: 1000, node: "await_woken/node" },
    { label: "yield of a resolved promise through run()", baton: "run_yield_x1000/baton", per: 1000, rust: "await_x1000/rust_async_fn", node: "run_yield/node" },
    { label: "Node: native await, for the runner row", node: "await/node" },
    { label: "baton: a Rust async fn on baton's loop awaiting the same resolved promise (the await row), for the runner row", baton: "await_x1000/baton", per: 1000 },
    { label: "spawn an async fn that awaits once", baton: "spawn_await_x1000/baton", per: 1000, node: "spawn_await/node" },
    { label: "a cancellable run of one yield, 1,000 on one token (with all())", baton: "run_cancellable_x1000/baton", per: 1000, node: "run_cancellable/node" },
    { label: "race() of a settled and a pending promise, awaited", baton: "race_x1000/baton", per: 1000, node: "race/node" },
    { label: "all() over 100,000 promises, per element", baton: "all_100k/baton", per: 100000, node: "all_100k/node" },
    { label: "1,000,000 timers set and fired, per timer", baton: "timers_1m/baton", per: 1000000, node: "timers_1m/node", nodePer: 1000000 },
    { label: "the same, each round on a fresh loop (baton only; Node's loop keeps running)", baton: "timers_1m/baton_fresh_loop", per: 1000000, node: "timers_1m/node", nodePer: 1000000 },
    { label: "await of a foreign future (its waker cloned and woken; baton only)", baton: "foreign_await_x1000/baton", per: 1000 },
    { label: "10,000 tasks waiting on foreign futures, woken together, per task (baton only)", baton: "foreign_wait_10k/baton", per: 10000 },
  ],
};

const fmt = (x) => (x === undefined ? "—" : x < 10 ? x.toFixed(2) : x.toFixed(1));
const ratio = (a, b) => (a === undefined || b === undefined ? "—" : `${(a / b).toFixed(1)}x`);

async function promisesTable() {
  const suite = promiseSuite;
  console.log(`\n## promises (${suite.unit}, medians)\n`);
  console.log("| benchmark | baton | Rust async fn on baton's loop | Node | Node / baton |");
  console.log("|---|---|---|---|---|");
  for (const row of suite.rows) {
    const per = row.per || 1;
    const baton = criterionMedian(row.baton);
    const rust = criterionMedian(row.rust);
    // Rows baton alone has (foreign futures) have no Node function.
    const node = row.node ? (await suite.node[row.node]()) / (row.nodePer || 1) : undefined;
    const b = baton === undefined ? undefined : baton / per;
    const r = rust === undefined ? undefined : rust / per;
    console.log(`| ${row.label} | ${fmt(b)} | ${fmt(r)} | ${fmt(node)} | ${ratio(node, b)} |`);
  }
}

// A table of baton against one Node module: each row names a criterion
// id (a batch of `per` operations) and, if Node has one, its function
// (minus `nodeWait` ns spent waiting, per `nodePer`).
async function batonNodeTable(title, nodeHeader, node, rows) {
  console.log(`\n## ${title}\n`);
  console.log(`| benchmark | baton | ${nodeHeader} | Node / baton |`);
  console.log("|---|---|---|---|");
  for (const row of rows) {
    const b = criterionMedian(row.baton);
    const per = b === undefined ? undefined : b / row.per;
    const n = row.node ? ((await node[row.node]()) - (row.nodeWait || 0)) / (row.nodePer || 1) : undefined;
    console.log(`| ${row.label} | ${fmt(per)} | ${fmt(n)} | ${ratio(n, per)} |`);
  }
}

async function asyncGenTable() {
  await batonNodeTable("async generators (ns per item, medians)", "Node", require("./node/async_gen"), [
    { label: "item of an async generator consumed by for await", baton: "for_await_x1000/baton", per: 1000, node: "for_await/node" },
    { label: "the same, the generator pinned in place (PinnedAsyncGen)", baton: "for_await_pinned_x1000/baton", per: 1000, node: "for_await/node" },
    { label: "item handed on by yield* from an inner generator, for await (inner: AsyncGen)", baton: "yield_star_x1000/baton", per: 1000, node: "yield_star/node" },
    { label: "the same, the inner generator pinned in the outer body (PinnedAsyncGen)", baton: "yield_star_pinned_x1000/baton", per: 1000, node: "yield_star/node" },
    { label: "item taken by awaiting next()'s promise (no for await)", baton: "next_promise_x1000/baton", per: 1000, node: "next_promise/node" },
    { label: "item through map_concurrent(4, a settled promise) and for await", baton: "map_concurrent_x1000/baton", per: 1000, node: "map_concurrent/node" },
    { label: "4-stage pipeline (map, filter, batch(50), for await) over 200,000 items", baton: "pipeline_200k/baton", per: 200000, node: "pipeline_200k/node" },
    { label: "item sent by another thread's loop, read as an async generator (Node: a worker's postMessage, read through events.on)", baton: "between_loops_100k/baton", per: 100000, node: "between_loops_100k/node" },
  ]);
}

async function sagasTable() {
  await batonNodeTable("sagas (medians)", "Node (seed 003's runEnhanced)", require("./node/sagas"), [
    { label: "call effect, ns per effect", baton: "saga_call_x1000/baton", per: 1000, node: "saga_call/node" },
    { label: "all() of 1,000 calls, ns per call", baton: "saga_all_1000/baton", per: 1000, node: "saga_all_1000/node" },
    { label: "race of a call and a delay (seed 003's withTimeout), ns per race", baton: "saga_race_x1000/baton", per: 1000, node: "saga_race/node" },
    { label: "put + take round trip through a store (seed 003's SagaRuntime in Node), ns", baton: "store_ping_pong_x1000/baton", per: 1000, node: "store_ping_pong/node" },
    { label: "message through a channel, put to take, ns (Node: redux-saga's channel)", baton: "channel_x1000/baton", per: 1000, node: "channel_x1000/node" },
    { label: "a parent of 10,000 forked children waiting on a channel cancelled, ns per child (Node: redux-saga's fork and cancel)", baton: "fork_cancel_10k/baton", per: 10000, node: "fork_cancel_10k/node" },
    // Node waits a real second (no virtual clock): it is subtracted.
    { label: "1,000,000 sagas suspended on a delay, then resumed, ms in all", baton: "sagas_1m_delays/baton", per: 1e6, node: "sagas_1m_delays/node", nodeWait: 1e9, nodePer: 1e6 },
    { label: "the same million over 2 loops, a thread each (Node: 2 worker threads), ms in all", baton: "sagas_1m_delays/baton_2_loops", per: 1e6, node: "sagas_1m_delays/node_2_workers", nodeWait: 1e9, nodePer: 1e6 },
  ]);
}

function memoryTable() {
  const file = path.join(root, "target", "baton-bench", "memory.json");
  const baton = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  const { execFileSync } = require("child_process");
  const node = JSON.parse(execFileSync(process.execPath, ["--expose-gc", path.join(__dirname, "node", "memory.js")]).toString());
  console.log("\n## memory (bytes, counted)\n");
  console.log("| what | baton | V8 | baton / V8 |");
  console.log("|---|---|---|---|");
  for (const [key, label] of [["pending_promise_bytes", "pending promise"], ["suspended_task_bytes", "suspended async function (with its promise)"], ["suspended_saga_bytes", "saga suspended on a delay (task, generator, timer, promise)"], ["sagas_1m_peak_bytes", "peak growth while 1,000,000 such sagas run (V8: resident set)"]]) {
    const b = baton[key];
    console.log(`| ${label} | ${fmt(b)} | ${fmt(node[key])} | ${b === undefined ? "—" : (b / node[key]).toFixed(2)} |`);
  }
  console.log(`\nPeak live bytes of the 4-stage pipeline: ${baton.pipeline_peak_20k_bytes} over 20,000 items, ${baton.pipeline_peak_200k_bytes} over 200,000 (flat in the number of items).`);
}

function generatorTables() {
for (const [name, suite] of Object.entries(suites)) {
    if (wanted.length && !wanted.includes(name)) continue;
    console.log(`\n## ${name} (${suite.unit}, medians)\n`);
    console.log("| benchmark | baton (Gen) | baton, pinned (PinnedGen) | baton, boxed body | hand-written Rust | Node | Node, hand-written | Node / Gen | Node / PinnedGen | Gen / hand-written | PinnedGen / hand-written |");
    console.log("|---|---|---|---|---|---|---|---|---|---|---|");
    for (const row of suite.rows) {
      const baton = criterionMedian(row.baton);
      const pinned = criterionMedian(row.pinned);
      const boxed = criterionMedian(row.boxed);
      const rust = criterionMedian(row.rust);
      const node = row.node && measure(suite.node[row.node]());
      const nodeHand = row.nodeHand && measure(suite.node[row.nodeHand]());
      console.log(`| ${row.label} | ${fmt(baton)} | ${fmt(pinned)} | ${fmt(boxed)} | ${fmt(rust)} | ${fmt(node)} | ${fmt(nodeHand)} | ${ratio(node, baton)} | ${ratio(node, pinned)} | ${ratio(baton, rust)} | ${ratio(pinned, rust)} |`);
    }
  }
}

// Each target row: Node's figure, the target (ten times faster), the
// floor (the same work by the smallest Rust that can do it, benches/
// floors.rs: `hops` microtask turns plus `then` then-links) and baton's.
async function floorsTable() {
  const floor = (id, per) => {
    const m = criterionMedian(id);
    return m === undefined ? undefined : m / per;
  };
  const hop = floor("floor_hop_x1000", 1000);
  const link = floor("floor_then_link_x1000", 1000);
  const arenaLink = floor("floor_then_link_arena_x1000", 1000);
  const sum = (...xs) => (xs.some((x) => x === undefined) ? undefined : xs.reduce((a, b) => a + b, 0));
  const promises = require("./node/promises");
  const generators = require("./node/generators");
  // The pipeline's turns a source item (5.02: two at each of the first two
  // stages, one at the filter, whose every other item goes on, a little at
  // the batch), as V8's promise hooks count them.
  const pipelineTurns = await require("./node/turns").pipelineTurns();
  const rows = [
    { label: "generator resume (its state in memory between resumes)", node: async () => measure(generators["counting/node"]()), floor: floor("floor_resume_in_memory", 1), baton: "counting/baton", per: 1 },
    { label: "generator resume, pinned in place (its state in registers, as the hand-written machine's)", node: async () => measure(generators["counting/node"]()), floor: floor("counting/hand_written", 1), baton: "counting/baton_pinned", per: 1 },
    // baton recycles its promises' cells (src/recycle.rs): the floor of a
    // row that makes one is the arena's, which needs no allocator.
    { label: "then-link (one promise made, one job)", node: () => promises["then_link/node"](), floor: arenaLink, baton: "then_link_x1000/baton" },
    { label: "await of a resolved promise (one turn)", node: () => promises["await/node"](), floor: hop, baton: "await_x1000/baton" },
    { label: "yield of a resolved promise through run() (a resume, one turn)", node: () => promises["run_yield/node"](), floor: sum(hop, floor("ping_pong/hand_written", 1)), baton: "run_yield_x1000/baton" },
    { label: "all() over 100,000, per element (its promise, one job)", node: async () => (await promises["all_100k/node"]()), floor: floor("floor_all_100k/floor", 100000), baton: "all_100k/baton", per: 100000 },
    { label: "saga call effect (the callee's promise, one turn)", node: () => require("./node/sagas")["saga_call/node"](), floor: arenaLink, baton: "saga_call_x1000/baton" },
    { label: "for-await item (two turns, as the specification orders them)", node: () => require("./node/async_gen")["for_await/node"](), floor: sum(hop, hop), baton: "for_await_x1000/baton" },
    { label: `4-stage pipeline, per source item (${pipelineTurns.toFixed(2)} turns, counted in Node)`, node: () => require("./node/async_gen")["pipeline_200k/node"](), floor: hop === undefined ? undefined : hop * pipelineTurns, baton: "pipeline_200k/baton", per: 200000 },
  ];
  console.log("\n## targets against floors (ns per operation, medians)\n");
  console.log(`One allocation and free of an 80-byte cell: ${fmt(floor("floor_alloc_free", 1))} ns; a then-link with it: ${fmt(link)} ns. A then-link with its promise in an arena (no allocator, as a garbage-collected heap's young objects, and as baton's recycled cells): ${fmt(arenaLink)} ns, the floor of the then-link and call rows.\n`);
  console.log("| work | Node | target (Node / 10) | floor | baton | target / floor |");
  console.log("|---|---|---|---|---|---|");
  for (const row of rows) {
    const node = await row.node();
    const target = node / 10;
    const b = floor(row.baton, row.per || 1000);
    const room = row.floor === undefined ? "—" : `${(target / row.floor).toFixed(2)}`;
    console.log(`| ${row.label} | ${fmt(node)} | ${fmt(target)} | ${fmt(row.floor)} | ${fmt(b)} | ${room} |`);
  }
}

const wanted = process.argv.slice(2);
(async () => {
  generatorTables();
  if (!wanted.length || wanted.includes("promises")) await promisesTable();
  if (!wanted.length || wanted.includes("async_gen")) await asyncGenTable();
  if (!wanted.length || wanted.includes("sagas")) await sagasTable();
  if (!wanted.length || wanted.includes("memory")) memoryTable();
  if (!wanted.length || wanted.includes("floors")) await floorsTable();
})();
