// Node's side of benches/async_gen.rs: ns per item for an async generator
// consumed by for await, and the same 4-stage pipeline over 200,000 items.
"use strict";
const { medianNs } = require("./measure");

const { numbers, pipeline } = require("./_stages");

// benches/async_gen.rs's map_concurrent: the stage its oracle pins.
const { mapConcurrent } = require("../../tests/oracle/async_gen/_map_concurrent");

module.exports = {
  "for_await/node": () =>
    medianNs(async () => {
      let sum = 0;
      for await (const n of numbers(1000)) sum += n;
      return sum;
    }, 1000, 100, 2),
  "yield_star/node": () =>
    medianNs(async () => {
      async function* outer() { yield* numbers(1000); }
      let sum = 0;
      for await (const n of outer()) sum += n;
      return sum;
    }, 1000, 100, 2),
  "next_promise/node": () =>
    medianNs(async () => {
      const source = numbers(1000);
      let sum = 0;
      for (;;) {
        const step = await source.next();
        if (step.done) break;
        sum += step.value;
      }
      return sum;
    }, 1000, 100, 2),
  "map_concurrent/node": () =>
    medianNs(async () => {
      let sum = 0;
      for await (const n of mapConcurrent(numbers(1000), 4, (n) => Promise.resolve(n * 2))) sum += n;
      return sum;
    }, 1000, 100, 2),
  "pipeline_200k/node": () =>
    medianNs(async () => {
      let count = 0;
      const stages = pipeline(200000);
      for await (const b of stages) count += b.length;
      if (count !== 100000) throw new Error("wrong count " + count);
    }, 200000, 8, 2),
  // 100,000 numbers posted by a worker thread, read by the main thread as
  // an async iterable (`events.on`) and summed; the worker is started
  // once. postMessage has no bound, where baton's channel has room for
  // 1,024.
  "between_loops_100k/node": async () => {
    const { Worker } = require("worker_threads");
    const { on } = require("events");
    const worker = new Worker(
      "const { parentPort } = require('worker_threads');" +
        "parentPort.on('message', (n) => { for (let i = 0; i < n; i++) parentPort.postMessage(i); });",
      { eval: true },
    );
    const N = 100000;
    const round = async () => {
      const messages = on(worker, "message");
      worker.postMessage(N);
      let sum = 0, got = 0;
      for await (const [i] of messages) {
        sum += i;
        if (++got === N) break;
      }
      if (sum !== (N * (N - 1)) / 2) throw new Error("wrong sum " + sum);
    };
    try {
      return await medianNs(round, N, 10, 2);
    } finally {
      await worker.terminate();
    }
  },
};

if (require.main === module) {
  (async () => {
    for (const [name, f] of Object.entries(module.exports)) console.log(name, (await f()).toFixed(1));
  })();
}
