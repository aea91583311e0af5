// Random async pipelines, run by Node: the expected traces for
// `tests/random_pipelines.rs`, which runs the same pipelines on baton's
// helpers.
//
// `node pipelines.js` makes PROGRAMS programs from a fixed seed and prints,
// for each, a line `== <program as JSON>` and then what Node logs running
// it. A program is an async generator source (yields, some after an
// await, with cleanup in a finally block), up to three stages of seed
// 004's helpers (asyncMap, asyncFilter, asyncTake, and batch last), a
// for-await loop that may break early, and a chain of ticks beside it: the
// order of pulls, cleanups and items against the ticks is Node's.
const { rng, main } = require("./_random.js");
const { batch, source, stage } = require("./_stages.js");

const PROGRAMS = 1000;
const SEED = 20261207;

function generate(r) {
  const source = Array.from({ length: r.int(7) }, (_, i) => ({ v: i + 1, pause: r.chance(0.3) }));
  const stages = Array.from({ length: r.int(4) }, () => {
    const k = r.int(3);
    if (k === 0) return { s: "map", add: 10 * (1 + r.int(3)) };
    if (k === 1) return { s: "filter", mod: 2 + r.int(2) };
    return { s: "take", n: 1 + r.int(4) };
  });
  if (r.chance(0.3)) stages.push({ s: "batch", size: 1 + r.int(3) });
  return { source, stages, breakAt: r.int(4), ticks: r.int(16) };
}

function run(program) {
  const log = (s) => console.log(s);
  let it = source(program, log);
  program.stages.forEach((st, i) => {
    it = stage(it, st, i, log, (st, i, it) => batch(it, st.size));
  });
  let p = Promise.resolve();
  for (let i = 1; i <= program.ticks; i++) p = p.then(() => log("tick " + i));
  (async () => {
    let seen = 0;
    for await (const v of it) {
      log("loop got " + v);
      if (++seen === program.breakAt) break;
    }
    log("loop done");
  })();
  log("script end");
}

main(__filename, SEED, PROGRAMS, generate, run);
