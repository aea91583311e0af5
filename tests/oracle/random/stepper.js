// Random sagas stepped by a test, run by Node: the expected traces for
// `tests/random_stepper.rs`, which steps the same sagas with baton's
// cloneable `Stepper`.
//
// `node stepper.js` makes PROGRAMS programs from a fixed seed and prints,
// for each, a line `== <program as JSON>` and then what Node logs running
// it, each program in a process of its own. A program is a saga body of
// `sagas.js`'s kind (`_saga_calls.js`: calls answered or refused, `all`
// and `race` of them, 0 ms delays, throws, try / catch / finally) and a
// script a test follows with redux-saga's `cloneableGenerator`: start the
// saga, feed the effect it stands at a result made of a number (a call's
// value, an `all`'s values from it on, a race's winner chosen by it),
// throw into it, return it, clone the stepper where it stands (the clone
// replays what it was fed: the body's lines are logged again; a finished
// one is not cloned), or switch to another of the steppers made so far.
// Nothing is performed: every result is fed. Each step logs the effect it
// led to, or how the saga ended.
const { main } = require("./_random.js");
const { bodies, makeSaga, show } = require("./_saga_calls.js");

const PROGRAMS = 1000;
const SEED = 20261213;

function generate(r) {
  const block = bodies(r, { throwChance: 0.4 });
  const script = [{ op: "start" }];
  for (let i = 0, n = 4 + r.int(16); i < n; i++) {
    const k = r.int(14);
    if (k < 8) script.push({ op: "next", n: r.int(10) });
    else if (k < 9) script.push({ op: "throw", r: "x" + i });
    else if (k < 10) script.push({ op: "return" });
    else if (k < 12) script.push({ op: "clone" });
    else script.push({ op: "switch", to: r.int(4) });
  }
  return { body: block(0), end: 900 + r.int(10), script };
}

// An effect as baton's `Description` shows it.
function describe(effect) {
  switch (effect.type) {
    case "CALL":
      return `Call ${effect.fn.name}(${effect.args.map((a) => JSON.stringify(a)).join(", ")})`;
    case "ALL":
      return `All all(${effect.effects.map(describe).join(", ")})`;
    case "RACE":
      return `Race race(${Object.entries(effect.effects).map(([k, e]) => `${k}: ${describe(e)}`).join(", ")})`;
    case "DELAY":
      return `Delay delay(${effect.ms})`;
  }
}

// The result fed to `effect`, made of `n`.
function result(effect, n) {
  switch (effect.type) {
    case "CALL":
      return n;
    case "ALL":
      return effect.effects.map((_, i) => n + i);
    case "RACE": {
      const keys = Object.keys(effect.effects);
      return { [keys[n % keys.length]]: n };
    }
    case "DELAY":
      return undefined;
  }
}

function run(program) {
  const { cloneableGenerator } = require("@redux-saga/testing-utils");
  const log = (s) => console.log(s);
  const body = makeSaga(program.body, "s", program.end, log);

  // Each stepper, with the effect it stands at (null: not started, or
  // finished).
  const steppers = [];
  let at = 0;
  const step = (s, what, resume) => {
    let outcome;
    try {
      const { value, done } = resume();
      if (done) {
        s.finished = true;
        s.effect = null;
        outcome = `returned ${value === undefined ? "(return)" : value}`;
      } else {
        s.effect = value;
        outcome = describe(value);
      }
    } catch (e) {
      s.finished = true;
      s.effect = null;
      outcome = `threw ${e}`;
    }
    log(`${at}: ${what} -> ${outcome}`);
  };
  for (const op of program.script) {
    const s = steppers[at];
    if (op.op === "start") {
      steppers.push({ gen: cloneableGenerator(body)(), effect: null, finished: false });
      step(steppers[0], "start", () => steppers[0].gen.next());
    } else if (op.op === "clone" && s.finished) {
      // redux-saga's clone replays the throw that ended such a saga and
      // throws it again (baton's gives a finished clone): not cloned.
      log(`${at}: clone -> (finished)`);
    } else if (op.op === "clone") {
      steppers.push({ gen: s.gen.clone(), effect: s.effect, finished: s.finished });
      at = steppers.length - 1;
      log(`clone -> ${at}`);
    } else if (op.op === "switch") {
      at = op.to % steppers.length;
      log(`switch -> ${at}`);
    } else if (s.finished) {
      log(`${at}: ${op.op} -> (finished)`);
    } else if (op.op === "next") {
      const fed = result(s.effect, op.n);
      step(s, `next ${show(fed)}`, () => s.gen.next(fed));
    } else if (op.op === "throw") {
      step(s, `throw ${op.r}`, () => s.gen.throw(op.r));
    } else {
      step(s, "return", () => s.gen.return());
    }
  }
}

main(__filename, SEED, PROGRAMS, generate, run);
