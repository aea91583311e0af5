// Bytes per pending promise and per suspended async function in V8, from
// heapUsed around creating 1,000,000 of them. Run with --expose-gc.
"use strict";
const N = 1000000;

function heap() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

function pendingPromises() {
  const keep = new Array(N);
  const before = heap();
  for (let i = 0; i < N; i++) keep[i] = new Promise(() => {});
  const bytes = (heap() - before) / N;
  keep.length = 0;
  return bytes;
}

function suspendedAsyncFunctions() {
  let open;
  const gate = new Promise((r) => (open = r));
  const keep = new Array(N);
  const before = heap();
  for (let i = 0; i < N; i++) keep[i] = (async () => (await gate) + 1)();
  const bytes = (heap() - before) / N;
  open(0);
  return bytes;
}

// 1,000,000 seed-003 sagas suspended on a 1 s delay: heap per saga, and
// the process's peak resident set growth while they run.
async function suspendedSagas() {
  const { runEnhanced, delay } = require("./sagas");
  const sleeper = function* () { yield delay(1000); return 1; };
  const keep = new Array(N);
  const rss0 = process.memoryUsage().rss;
  const before = heap();
  for (let i = 0; i < N; i++) keep[i] = runEnhanced(sleeper);
  const bytes = (heap() - before) / N;
  const peak = process.memoryUsage().rss - rss0;
  await Promise.all(keep);
  return [bytes, peak];
}

const result = {
  pending_promise_bytes: pendingPromises(),
  suspended_task_bytes: suspendedAsyncFunctions(),
};
if (require.main === module) {
  suspendedSagas().then(([bytes, peak]) => {
    result.suspended_saga_bytes = bytes;
    result.sagas_1m_peak_bytes = peak;
    console.log(JSON.stringify(result));
  });
}
module.exports = result;
