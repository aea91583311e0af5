// for await over an async generator, beside a chain of ticks: each item
// reaches the loop body at the same microtask turn as in Node. A second
// loop over a generator with an await between yields, then an early break.
const { log, ticks } = require("./_util");
async function* two() {
  yield 1;
  yield 2;
  return undefined; // as a Rust body's final Ok(..): awaited, one turn
}
async function* slow() {
  try {
    yield "a";
    await Promise.resolve();
    yield "b";
    yield "c";
  } finally {
    log("slow: cleanup");
  }
}
ticks(24);
(async () => {
  for await (const v of two()) log("two: item " + v);
  log("two: done");
  for await (const v of slow()) {
    log("slow: item " + v);
    if (v === "b") break;
  }
  log("slow: done");
})();
log("script end");
