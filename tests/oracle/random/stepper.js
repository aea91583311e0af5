// Random sagas stepped by a test, run by Node: the expected traces for
// `tests/random_stepper.rs`, which steps the same sagas with baton's
// cloneable `Stepper`.
//
// `node stepper.js` makes PROGRAMS programs from a fixed seed and prints,
// for each, a line `== <program as JSON>` and then what Node logs running
// it, each program in a process of its own. A program is a saga body of
// `sagas.js`'s kind (calls answered or refused, `all` and `race` of them,
// 0 ms delays, throws, try / catch / finally) and a script a test follows
// with redux-saga's `cloneableGenerator`: start the saga, feed the effect
// it stands at a result made of a number (a call's value, an `all`'s
// values from it on, a race's winner chosen by it), throw into it, return
// it, clone the stepper where it stands (the clone replays what it was
// fed: the body's lines are logged again), or switch to another of the
// steppers made so far (a finished one is not cloned). Nothing is performed: every result is fed. Each
// step logs the effect it led to, or how the saga ended.
const { blocks, main, blockSource } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261213;
const KEYS = ["a", "b", "c"];

function generate(r) {
  const call = (labels) => (r.chance(0.75) ? { e: "call", v: labels() } : { e: "refuse", r: "e" + labels() });
  const block = blocks(r, {
    leafKinds: 5,
    maxDepth: 2,
    leaf: (kind, label) => {
      if (kind <= 1) return { s: "effect", effect: call(label) };
      if (kind === 2) return { s: "effect", effect: { e: "all", of: Array.from({ length: r.int(4) }, () => call(label)) } };
      if (kind === 3) {
        const of = Array.from({ length: 1 + r.int(3) }, () => call(label));
        return { s: "effect", effect: r.chance(0.5) ? { e: "race", of } : { e: "delay" } };
      }
      return r.chance(0.4) ? { s: "throw", r: "t" + label() } : { s: "effect", effect: call(label) };
    },
  });
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

function effectSource(effect) {
  switch (effect.e) {
    case "call":
      return `call(answer, ${effect.v})`;
    case "refuse":
      return `call(refuse, "${effect.r}")`;
    case "all":
      return `all([${effect.of.map(effectSource).join(", ")}])`;
    case "race":
      return `race({ ${effect.of.map((e, i) => `${KEYS[i]}: ${effectSource(e)}`).join(", ")} })`;
    case "delay":
      return "delay(0)";
  }
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
  const { call, all, race, delay } = require("../saga/_saga.js");
  const { cloneableGenerator } = require("@redux-saga/testing-utils");
  const log = (s) => console.log(s);
  const answer = (v) => Promise.resolve(v);
  const refuse = (why) => Promise.reject(why);
  const show = (v) => {
    if (Array.isArray(v)) return v.join(",");
    if (v !== null && typeof v === "object") return Object.entries(v).map(([k, x]) => `${k}=${x}`).join(",");
    return String(v);
  };
  const own = (st, indent) => `${indent}log("got " + show(yield ${effectSource(st.effect)}));\n`;
  const body = new Function(
    "log",
    "show",
    "call",
    "all",
    "race",
    "delay",
    "answer",
    "refuse",
    `return function* () {\n${blockSource(program.body, "  ", own)}  return ${program.end};\n};`,
  )(log, show, call, all, race, delay, answer, refuse);

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
