// for await over arrays of promises (the async-from-sync iterator), beside
// a chain of ticks: two turns a step, the end of the array included, and
// one more to close the loop on a break.
const { log, ticks } = require("./_util");
ticks(10);
(async () => {
  for await (const v of [Promise.resolve("a"), Promise.resolve("b")]) log("pair: item " + v);
  log("pair: done");
})();
(async () => {
  for await (const v of []) log("never");
  log("empty: done");
})();
(async () => {
  for await (const v of [Promise.resolve("c"), Promise.resolve("d")]) {
    log("broken: item " + v);
    break;
  }
  log("broken: done");
})();
(async () => {
  try {
    for await (const v of [Promise.reject("no"), Promise.resolve("e")]) log("never " + v);
  } catch (e) {
    log("rejected: caught " + e);
  }
})();
log("script end");
