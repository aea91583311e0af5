// Random saga programs, run by Node: the expected traces for
// `tests/random_sagas.rs`, which runs the same sagas on baton's runtime.
//
// `node sagas.js` makes PROGRAMS programs from a fixed seed and prints, for
// each, a line `== <program as JSON>` and then what Node logs running it,
// each program in a process of its own. A program is a few sagas run at
// once by seed 003's `runEnhanced` (`../saga/_saga.js`) — yielding calls
// answered or refused at once, `all` and `race` of them, and 0 ms delays,
// catching refusals and cleaning up with try / catch / finally — beside a
// chain of ticks. Every saga's outcome is logged.
const { main } = require("./_random.js");
const { bodies, makeSaga } = require("./_saga_calls.js");

const PROGRAMS = 1000;
const SEED = 20261208;

function generate(r) {
  const block = bodies(r);
  const sagas = Array.from({ length: 1 + r.int(3) }, (_, i) => ({
    name: "s" + i,
    body: block(0),
    end: 900 + i,
    when: r.chance(0.7) ? "sync" : "timer",
  }));
  return { sagas, ticks: r.int(12) };
}

function run(program) {
  const { runEnhanced } = require("../saga/_saga.js");
  const log = (s) => console.log(s);
  process.on("unhandledRejection", (reason) => log("unhandled " + reason));
  for (const saga of program.sagas) {
    const body = makeSaga(saga.body, saga.name, saga.end, log);
    const start = () => {
      log(`${saga.name} starts`);
      runEnhanced(body).then(
        (v) => log(`${saga.name} resolved ${v}`),
        (e) => log(`${saga.name} rejected ${e.message ?? e}`),
      );
    };
    if (saga.when === "sync") start();
    else setTimeout(start, 0);
  }
  let p = Promise.resolve();
  for (let i = 1; i <= program.ticks; i++) p = p.then(() => log("tick " + i));
  log("script end");
}

main(__filename, SEED, PROGRAMS, generate, run);
