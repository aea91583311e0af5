// Random generator programs, run by Node: the expected traces for
// `tests/random_generators.rs`, which runs the same programs on baton.
//
// `node generators.js` makes PROGRAMS programs from a fixed seed and prints,
// for each, a line `== <program as JSON>` and then what Node logs running
// it. A program is a generator body (yields that log what comes back in;
// try / catch / finally, with yields and returns anywhere in them; throw;
// return; `yield*` to an inner body of the same kinds) and a script of
// `next(v)`, `throw(e)` and `return(v)` calls, each logged with its result.

const PROGRAMS = 1000;
const SEED = 20261204;

function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (n) => Math.floor(next() * n), chance: (p) => next() < p };
}

function generate(r) {
  let labels = 0;
  const block = (depth) => {
    const stmts = [];
    const len = 1 + r.int(depth === 0 ? 5 : 3);
    for (let i = 0; i < len; i++) {
      const kind = r.int(depth >= 3 ? 3 : 10);
      if (kind <= 2) stmts.push({ s: "yield", v: labels++ });
      else if (kind === 3) stmts.push({ s: "throw", r: "t" + labels++ });
      else if (kind === 4 && r.chance(0.5)) stmts.push({ s: "return", v: 100 + labels++ });
      else if (kind <= 7) {
        const t = { s: "try", id: labels++, body: block(depth + 1) };
        const shape = r.int(3);
        if (shape !== 1) t.catch = block(depth + 1);
        if (shape !== 0) t.finally = block(depth + 1);
        stmts.push(t);
      } else if (kind === 8) {
        stmts.push({ s: "delegate", id: labels++, body: [...block(depth + 1), { s: "return", v: 200 + labels++ }] });
      } else stmts.push({ s: "log", id: labels++ });
    }
    return stmts;
  };
  const body = [...block(0), { s: "return", v: 999 }];
  const calls = [];
  const count = 1 + r.int(9);
  for (let i = 0; i < count; i++) {
    const k = r.int(10);
    if (k < 6) calls.push({ c: "next", v: 10 * i + 1 });
    else if (k < 8) calls.push({ c: "throw", r: "x" + i });
    else calls.push({ c: "return", v: 500 + i });
  }
  return { body, calls };
}

// The body as JavaScript source.
function source(stmts, indent = "  ") {
  let out = "";
  for (const st of stmts) {
    switch (st.s) {
      case "yield":
        out += `${indent}log("got " + (yield ${st.v}));\n`;
        break;
      case "throw":
        out += `${indent}throw "${st.r}";\n`;
        break;
      case "return":
        out += `${indent}return ${st.v};\n`;
        break;
      case "log":
        out += `${indent}log("at ${st.id}");\n`;
        break;
      case "try":
        out += `${indent}try {\n${source(st.body, indent + "  ")}${indent}}`;
        if (st.catch)
          out += ` catch (e) {\n${indent}  log("catch ${st.id} caught " + e);\n${source(st.catch, indent + "  ")}${indent}}`;
        if (st.finally)
          out += ` finally {\n${indent}  log("finally ${st.id}");\n${source(st.finally, indent + "  ")}${indent}}`;
        out += "\n";
        break;
      case "delegate":
        out += `${indent}log("delegate ${st.id} returned " + (yield* (function* () {\n${source(st.body, indent + "  ")}${indent}})()));\n`;
        break;
    }
  }
  return out;
}

function run(program, log) {
  const make = new Function("log", `return function* () {\n${source(program.body)}};`)(log);
  const g = make();
  const show = (step) => `{${step.value}, ${step.done}}`;
  for (const call of program.calls) {
    const arg = call.c === "throw" ? call.r : call.v;
    log(`${call.c}(${arg})`);
    try {
      log("-> " + show(g[call.c](arg)));
    } catch (e) {
      log("-> threw " + e);
    }
  }
}

const r = rng(SEED);
for (let i = 0; i < PROGRAMS; i++) {
  const program = generate(r);
  const lines = [];
  run(program, (s) => lines.push(s));
  process.stdout.write(`== ${JSON.stringify(program)}\n${lines.map((l) => l + "\n").join("")}`);
}
