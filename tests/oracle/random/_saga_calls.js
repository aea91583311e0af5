// What the suites of seed-003-style saga bodies share (not an oracle
// itself): bodies of calls answered or refused, `all` and `race` of them,
// 0 ms delays, throws and try / catch / finally, and their JavaScript
// source, each line a body logs starting with its saga's name.
const { blocks, blockSource } = require("./_random.js");

const KEYS = ["a", "b", "c"];

// A body drawer: `body(0)` draws one. A throw is drawn where it falls
// with `throwChance`, else a call (1: always a throw, drawing nothing).
function bodies(r, { throwChance = 1 } = {}) {
  const call = (labels) => (r.chance(0.75) ? { e: "call", v: labels() } : { e: "refuse", r: "e" + labels() });
  return blocks(r, {
    leafKinds: 5,
    maxDepth: 2,
    leaf: (kind, label) => {
      if (kind <= 1) return { s: "effect", effect: call(label) };
      if (kind === 2) return { s: "effect", effect: { e: "all", of: Array.from({ length: r.int(4) }, () => call(label)) } };
      if (kind === 3) {
        const of = Array.from({ length: 1 + r.int(3) }, () => call(label));
        return { s: "effect", effect: r.chance(0.5) ? { e: "race", of } : { e: "delay" } };
      }
      if (throwChance === 1 || r.chance(throwChance)) return { s: "throw", r: "t" + label() };
      return { s: "effect", effect: call(label) };
    },
  });
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

// The source of a block of saga `name`'s body: it logs what each effect
// gave as "<name> got <value>".
function source(stmts, name, indent = "  ") {
  const own = (st, indent) => `${indent}log("${name} got " + show(yield ${effectSource(st.effect)}));\n`;
  return blockSource(stmts, indent, own, `${name} `);
}

// How a body shows what an effect gave: an `all`'s values joined, a
// race's winner as key=value.
function show(v) {
  if (Array.isArray(v)) return v.join(",");
  if (v !== null && typeof v === "object") return Object.entries(v).map(([k, x]) => `${k}=${x}`).join(",");
  return String(v);
}

// Saga `name`'s generator function, of body `stmts` returning `end`, its
// lines logged through `log`; its calls are seed 003's effects
// (`../saga/_saga.js`) of functions answering or refusing at once.
function makeSaga(stmts, name, end, log) {
  const { call, all, race, delay } = require("../saga/_saga.js");
  const answer = (v) => Promise.resolve(v);
  const refuse = (why) => Promise.reject(why);
  return new Function(
    "log",
    "show",
    "call",
    "all",
    "race",
    "delay",
    "answer",
    "refuse",
    `return function* () {\n${source(stmts, name)}  return ${end};\n};`,
  )(log, show, call, all, race, delay, answer, refuse);
}

module.exports = { KEYS, bodies, makeSaga, show };
