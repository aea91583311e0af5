// Median ns per operation of `run(n)` (which performs n operations), after
// warm-up, over repeated samples: the same statistic as criterion's median.
"use strict";

function measure(run, { samples = 30, targetMs = 50 } = {}) {
  let n = 1000;
  // Warm up (lets V8 optimise) and size a batch to about targetMs.
  for (;;) {
    const t0 = process.hrtime.bigint();
    run(n);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms > targetMs / 2) break;
    n *= 2;
  }
  const perOp = [];
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    run(n);
    perOp.push(Number(process.hrtime.bigint() - t0) / n);
  }
  perOp.sort((a, b) => a - b);
  return perOp[Math.floor(perOp.length / 2)];
}

// Median ns per operation of the async `run()` (which performs `ops`
// operations), over `samples` runs after `warmup` runs that let the JIT
// settle.
async function medianNs(run, ops, samples = 15, warmup = 3) {
  const out = [];
  for (let i = 0; i < samples + warmup; i++) {
    const t0 = process.hrtime.bigint();
    await run();
    const ns = Number(process.hrtime.bigint() - t0) / ops;
    if (i >= warmup) out.push(ns);
  }
  out.sort((a, b) => a - b);
  return out[Math.floor(out.length / 2)];
}

module.exports = { measure, medianNs };
