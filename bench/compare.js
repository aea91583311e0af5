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
      { label: "counting, values summed", baton: "counting/baton", boxed: "counting/baton_boxed", rust: "counting/hand_written", node: "counting/node", nodeHand: "counting/node_hand_written" },
      { label: "ping-pong (next(v)), values summed", baton: "ping_pong/baton", boxed: "ping_pong/baton_boxed", rust: "ping_pong/hand_written", node: "ping_pong/node", nodeHand: "ping_pong/node_hand_written" },
      { label: "counting, each step escapes", baton: "counting_opaque/baton", boxed: "counting_opaque/baton_boxed", rust: "counting_opaque/hand_written", node: "counting/node", nodeHand: "counting/node_hand_written" },
      { label: "ping-pong, each step escapes", baton: "ping_pong_opaque/baton", boxed: "ping_pong_opaque/baton_boxed", rust: "ping_pong_opaque/hand_written", node: "ping_pong/node", nodeHand: "ping_pong/node_hand_written" },
      { label: "create + 2 resumes + drop", baton: "create_run_drop/baton", node: "create_run_drop/node" },
    ],
  },
};

function criterionMedian(id) {
  if (!id) return undefined;
  const file = path.join(root, "target", "criterion", id.replace(/\//g, "_"), "new", "estimates.json");
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")).median.point_estimate;
}

const fmt = (x) => (x === undefined ? "—" : x < 10 ? x.toFixed(2) : x.toFixed(1));
const ratio = (a, b) => (a === undefined || b === undefined ? "—" : `${(a / b).toFixed(1)}x`);

const wanted = process.argv.slice(2);
for (const [name, suite] of Object.entries(suites)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n## ${name} (${suite.unit}, medians)\n`);
  console.log("| benchmark | baton | baton, boxed body | hand-written Rust | Node | Node, hand-written | Node / baton | baton / hand-written Rust |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const row of suite.rows) {
    const baton = criterionMedian(row.baton);
    const boxed = criterionMedian(row.boxed);
    const rust = criterionMedian(row.rust);
    const node = row.node && measure(suite.node[row.node]());
    const nodeHand = row.nodeHand && measure(suite.node[row.nodeHand]());
    console.log(`| ${row.label} | ${fmt(baton)} | ${fmt(boxed)} | ${fmt(rust)} | ${fmt(node)} | ${fmt(nodeHand)} | ${ratio(node, baton)} | ${ratio(baton, rust)} |`);
  }
}
