// Node's side of benches/promises.rs. Each function returns ns per
// operation (the median of several runs).
"use strict";
const { medianNs } = require("./measure");
// Seed 002's runner, as the runner oracles use it.
const { run } = require("../../tests/oracle/runner/_run");
// Seed 003's token and runCancellable, as the cancellation oracles use them.
const { CancellationToken, runCancellable } = require("../../tests/oracle/runner/_cancellable");

const N = 1000;

module.exports = {
  "run_yield/node": () =>
    medianNs(() => {
      const ready = Promise.resolve(1);
      return run(function* () {
        let sum = 0;
        for (let i = 0; i < N; i++) sum += yield ready;
        return sum;
      });
    }, N, 200),
  "then_link/node": () =>
    medianNs(async () => {
      let p = Promise.resolve(0);
      for (let i = 0; i < N; i++) p = p.then((v) => v + 1);
      await p;
    }, N, 200),
  "await/node": () =>
    medianNs(async () => {
      const ready = Promise.resolve(1);
      let sum = 0;
      for (let i = 0; i < N; i++) sum += await ready;
      return sum;
    }, N, 200),
  "await_woken/node": () =>
    medianNs(async () => {
      const ready = Promise.resolve(1);
      let sum = 0;
      for (let i = 0; i < N; i++) {
        let resolve;
        const later = new Promise((r) => (resolve = r));
        queueMicrotask(() => resolve(1));
        sum += await later;
        sum += await ready;
      }
      return sum;
    }, N, 200),
  "race/node": () =>
    medianNs(async () => {
      const ready = Promise.resolve(1);
      const never = new Promise(() => {});
      let sum = 0;
      for (let i = 0; i < N; i++) sum += await Promise.race([ready, never]);
      return sum;
    }, N, 200),
  "all_100k/node": () =>
    medianNs(async () => {
      const ps = [];
      for (let i = 0; i < 100000; i++) ps.push(Promise.resolve(i));
      const v = await Promise.all(ps);
      return v.length;
    }, 100000, 10),
  "timers_1m/node": () =>
    medianNs(
      () =>
        new Promise((resolve) => {
          let fired = 0;
          for (let i = 0; i < 1000000; i++) {
            setTimeout(() => {
              if (++fired === 1000000) resolve();
            }, 1);
          }
        }),
      1, 5),
  "run_cancellable/node": () =>
    medianNs(() => {
      const token = new CancellationToken();
      const ready = Promise.resolve(1);
      const runs = [];
      for (let i = 0; i < N; i++) {
        runs.push(runCancellable(function* () { return yield ready; }, token));
      }
      return Promise.all(runs);
    }, N, 200),
  "spawn_await/node": () =>
    medianNs(async () => {
      const all = [];
      for (let i = 0; i < N; i++) all.push((async () => (await Promise.resolve(1)) + 1)());
      await Promise.all(all);
    }, N, 200),
};

if (require.main === module) {
  (async () => {
    for (const [name, f] of Object.entries(module.exports)) console.log(name, (await f()).toFixed(1));
  })();
}
