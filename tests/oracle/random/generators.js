// Random generator programs, run by Node: the expected traces for
// `tests/random_generators.rs`, which runs the same programs on baton.
//
// `node generators.js` makes PROGRAMS programs from a fixed seed and prints,
// for each, a line `== <program as JSON>` and then what Node logs running
// it. A program is a generator body (yields that log what comes back in;
// try / catch / finally, with yields and returns anywhere in them; throw;
// return; `yield*` to an inner body of the same kinds) and a script of
// `next(v)`, `throw(e)` and `return(v)` calls, each logged with its result.

const { rng, blocks, bodySource, soakSeed, soakCount } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261204;

function generate(r) {
  const block = blocks(r, {
    leafKinds: 6,
    maxDepth: 3,
    leaf: (kind, label, depth, block) => {
      if (kind <= 2) return { s: "yield", v: label() };
      if (kind === 3) return { s: "throw", r: "t" + label() };
      if (kind === 4) return r.chance(0.5) ? { s: "return", v: 100 + label() } : null;
      if (depth >= 3) return null;
      return { s: "delegate", id: label(), body: [...block(depth + 1), { s: "return", v: 200 + label() }] };
    },
  });
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

function run(program, log) {
  const make = new Function("log", `return function* () {\n${bodySource(program.body)}};`)(log);
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

const r = rng(soakSeed(SEED));
for (let i = 0, n = soakCount(PROGRAMS); i < n; i++) {
  const program = generate(r);
  const lines = [];
  run(program, (s) => lines.push(s));
  process.stdout.write(`== ${JSON.stringify(program)}\n${lines.map((l) => l + "\n").join("")}`);
}
