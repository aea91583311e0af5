// Random async generator programs, run by Node: the expected traces for
// `tests/random_async_generators.rs`, which runs the same programs on baton.
//
// `node async_generators.js` makes PROGRAMS programs from a fixed seed and
// prints, for each, a line `== <program as JSON>` and then what Node logs
// running it, each program in a process of its own. A program is an async
// generator body (yields of values and of promises, awaits of promises
// that are fulfilled, rejected, or settled by a timer, try / catch /
// finally with yields and awaits
// anywhere in them, throw, `yield*` to an inner async generator body or
// to an array of promises, and a final return), promises made up front,
// and requests to the generator made without waiting for each other —
// `next(v)`, `throw(e)`, `return(v)` — from the script, from microtasks and
// from timers, at most one for-await loop that may break early, and a
// chain of ticks that shows every turn. Every
// request logs how it settles; unhandled and late-handled rejections are
// logged too.
const { blocks, promiseTable, makePromises, main, bodySource, logRejections } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261205;

function generate(r) {
  const promises = promiseTable(r);
  const block = blocks(r, {
    leafKinds: 8,
    maxDepth: 2,
    leaf: (kind, label, depth, block) => {
      if (kind <= 1) return { s: "yield", v: label() };
      if (kind <= 3) return { s: "await", p: r.int(promises.length) };
      if (kind === 4) return { s: "throw", r: "t" + label() };
      if (kind === 5) return { s: "yieldp", p: r.int(promises.length) };
      if (kind === 6) {
        const ps = Array.from({ length: r.int(4) }, () => r.int(promises.length));
        return { s: "idelegate", id: label(), ps };
      }
      if (depth >= 2) return null;
      return { s: "adelegate", id: label(), body: block(depth + 1), end: 200 + label() };
    },
  });
  const body = block(0);
  const whens = ["sync", "sync", "micro", "timer"];
  const requests = [];
  const count = 1 + r.int(7);
  for (let i = 0; i < count; i++) {
    const when = whens[r.int(whens.length)];
    const k = r.int(10);
    if (k < 6) requests.push({ c: "next", v: 100 + i, when });
    else if (k < 8) requests.push({ c: "throw", r: "x" + i, when });
    else requests.push({ c: "return", v: 500 + i, when });
  }
  const loop = r.chance(0.3) ? { breakAfter: r.int(3) } : null;
  return { promises, body, end: 999, requests, loop, ticks: r.int(16) };
}

// The program's generator, its promises made, logging through `log`
// (rejections reported as Node reports them).
function start(program, log) {
  logRejections(log);
  const P = makePromises(program.promises, log);
  const make = new Function("log", "P", `return async function* () {\n${bodySource(program.body)}  return ${program.end};\n};`);
  return make(log, P)();
}

function run(program) {
  const log = (s) => console.log(s);
  const g = start(program, log);
  const show = (step) => `{${step.value}, ${step.done}}`;
  const request = (q) => {
    const arg = q.c === "throw" ? q.r : q.v;
    const name = `${q.c}(${arg})`;
    log("call " + name);
    g[q.c](arg).then(
      (step) => log(`${name} -> ${show(step)}`),
      (e) => log(`${name} threw ${e}`),
    );
  };
  if (program.loop) {
    (async () => {
      let n = 0;
      try {
        for await (const v of g) {
          log("loop got " + v);
          if (++n === program.loop.breakAfter) break;
        }
        log("loop ended");
      } catch (e) {
        log("loop threw " + e);
      }
    })();
  }
  let ticks = Promise.resolve();
  for (let i = 1; i <= program.ticks; i++) ticks = ticks.then(() => log("tick " + i));
  for (const q of program.requests) {
    if (q.when === "sync") request(q);
    else if (q.when === "micro") queueMicrotask(() => request(q));
    else setTimeout(() => request(q), 0);
  }
  log("script end");
}

// `consumers.js` draws its programs' bodies here too.
if (require.main === module) main(__filename, SEED, PROGRAMS, generate, run);
module.exports = { generate, start };
