// Random async generator programs, run by Node: the expected traces for
// `tests/random_async_generators.rs`, which runs the same programs on baton.
//
// `node async_generators.js` makes PROGRAMS programs from a fixed seed and
// prints, for each, a line `== <program as JSON>` and then what Node logs
// running it, each program in a process of its own. A program is an async
// generator body (yields, awaits of promises that are fulfilled, rejected,
// or settled by a timer, try / catch / finally with yields and awaits
// anywhere in them, throw, and a final return), promises made up front,
// and requests to the generator made without waiting for each other —
// `next(v)`, `throw(e)`, `return(v)` — from the script, from microtasks and
// from timers, and at most one for-await loop that may break early. Every
// request logs how it settles; unhandled and late-handled rejections are
// logged too.
const { execFile } = require("child_process");

const PROGRAMS = 1000;
const SEED = 20261205;

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
  // Promises made up front; a timer one settles in a 0 ms timer.
  const promises = Array.from({ length: 1 + r.int(4) }, (_, i) => {
    const k = r.int(4);
    if (k === 0) return { k: "resolved", v: 10 + i };
    if (k === 1) return { k: "rejected", r: "p" + i };
    return { k: "timer", ok: r.chance(0.6), v: 20 + i, r: "q" + i };
  });
  let labels = 0;
  const block = (depth) => {
    const stmts = [];
    const len = 1 + r.int(depth === 0 ? 5 : 3);
    for (let i = 0; i < len; i++) {
      const kind = r.int(depth >= 2 ? 4 : 9);
      if (kind <= 1) stmts.push({ s: "yield", v: labels++ });
      else if (kind <= 3) stmts.push({ s: "await", p: r.int(promises.length) });
      else if (kind === 4) stmts.push({ s: "throw", r: "t" + labels++ });
      else if (kind <= 7) {
        const t = { s: "try", id: labels++, body: block(depth + 1) };
        const shape = r.int(3);
        if (shape !== 1) t.catch = block(depth + 1);
        if (shape !== 0) t.finally = block(depth + 1);
        stmts.push(t);
      } else stmts.push({ s: "log", id: labels++ });
    }
    return stmts;
  };
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
  return { promises, body, end: 999, requests, loop };
}

function source(stmts, indent = "  ") {
  let out = "";
  for (const st of stmts) {
    switch (st.s) {
      case "yield":
        out += `${indent}log("got " + ((yield ${st.v}) ?? 0));\n`;
        break;
      case "await":
        out += `${indent}log("awaited " + (await P[${st.p}]));\n`;
        break;
      case "throw":
        out += `${indent}throw "${st.r}";\n`;
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
    }
  }
  return out;
}

function run(program) {
  const log = (s) => console.log(s);
  const reasons = new WeakMap();
  process.on("unhandledRejection", (reason, promise) => {
    reasons.set(promise, reason);
    log("unhandled " + reason);
  });
  process.on("rejectionHandled", (promise) => log("handled later " + reasons.get(promise)));
  const P = program.promises.map((p) => {
    if (p.k === "resolved") return Promise.resolve(p.v);
    if (p.k === "rejected") return Promise.reject(p.r);
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        log("timer settles");
        p.ok ? resolve(p.v) : reject(p.r);
      }, 0),
    );
  });
  const make = new Function("log", "P", `return async function* () {\n${source(program.body)}  return ${program.end};\n};`);
  const g = make(log, P)();
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
  for (const q of program.requests) {
    if (q.when === "sync") request(q);
    else if (q.when === "micro") queueMicrotask(() => request(q));
    else setTimeout(() => request(q), 0);
  }
  log("script end");
}

if (process.argv[2] === "one") {
  run(JSON.parse(process.argv[3]));
} else {
  const r = rng(SEED);
  const programs = Array.from({ length: PROGRAMS }, () => JSON.stringify(generate(r)));
  const traces = new Array(PROGRAMS);
  let next = 0;
  const worker = async () => {
    while (next < PROGRAMS) {
      const i = next++;
      traces[i] = await new Promise((resolve, reject) =>
        execFile(process.execPath, [__filename, "one", programs[i]], (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        ),
      );
    }
  };
  Promise.all([worker(), worker()]).then(() => {
    programs.forEach((program, i) => process.stdout.write(`== ${program}\n${traces[i]}`));
  });
}
