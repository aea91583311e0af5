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

module.exports = { measure };
