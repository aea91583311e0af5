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
const { blocks, main, blockSource } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261208;
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
      return { s: "throw", r: "t" + label() };
    },
  });
  const sagas = Array.from({ length: 1 + r.int(3) }, (_, i) => ({
    name: "s" + i,
    body: block(0),
    end: 900 + i,
    when: r.chance(0.7) ? "sync" : "timer",
  }));
  return { sagas, ticks: r.int(12) };
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

function source(stmts, name, indent = "  ") {
  const own = (st, indent) => `${indent}log("${name} got " + show(yield ${effectSource(st.effect)}));\n`;
  return blockSource(stmts, indent, own, `${name} `);
}

function run(program) {
  const { call, all, race, delay, runEnhanced } = require("../saga/_saga.js");
  const log = (s) => console.log(s);
  const answer = (v) => Promise.resolve(v);
  const refuse = (why) => Promise.reject(why);
  const show = (v) => {
    if (Array.isArray(v)) return v.join(",");
    if (v !== null && typeof v === "object") return Object.entries(v).map(([k, x]) => `${k}=${x}`).join(",");
    return String(v);
  };
  process.on("unhandledRejection", (reason) => log("unhandled " + reason));
  for (const saga of program.sagas) {
    const body = new Function(
      "log",
      "show",
      "call",
      "all",
      "race",
      "delay",
      "answer",
      "refuse",
      `return function* () {\n${source(saga.body, saga.name)}  return ${saga.end};\n};`,
    )(log, show, call, all, race, delay, answer, refuse);
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
