// Random async generator bodies (those of `async_generators.js`), each
// asked by one consumer for item after item, as a for-await loop or a
// pipeline's stage asks, each request awaited, and a microtask queued
// after each, among ticks and timers; in the programs with an odd number
// of ticks, every third request is made and not awaited (its answer lost,
// a failure unhandled). The expected traces for
// `tests/random_consumers.rs`, which runs the same programs on baton's
// `AsyncGen` and `PinnedAsyncGen`.
const { main } = require("./_random.js");
const { generate, start } = require("./async_generators.js");

const PROGRAMS = 1000;
const SEED = 20261206;

function run(program) {
  const log = (s) => console.log(s);
  const g = start(program, log);
  const asks = program.requests.length + 2;
  const drops = program.ticks % 2 === 1;
  (async () => {
    for (let i = 0; i < asks; i++) {
      if (drops && i % 3 === 2) {
        g.next();
        log(`request ${i} left`);
      } else {
        try {
          const step = await g.next();
          log(step.done ? `request ${i} done` : `request ${i} got ${step.value}`);
        } catch (e) {
          log(`request ${i} threw ${e}`);
        }
      }
      queueMicrotask(() => log(`after ${i}`));
    }
  })();
  let ticks = Promise.resolve();
  for (let i = 1; i <= program.ticks; i++) ticks = ticks.then(() => log("tick " + i));
  log("script end");
}

main(__filename, SEED, PROGRAMS, generate, run);
