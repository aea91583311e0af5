// Random programs for the runner, run by Node: the expected traces for
// `tests/random_runner.rs`, which runs the same programs on baton.
//
// `node runner.js` makes PROGRAMS programs from a fixed seed and prints, for
// each, a line `== <program as JSON>` and then what Node logs running it,
// each program in a process of its own. A program is a few generator
// bodies driven by seed 002's `run()` (`../runner/_run.js`) at once — each
// yielding promises that are fulfilled, rejected, settled by a timer or
// made fresh, catching and cleaning up with try / catch / finally, throwing,
// returning — beside chains of plain `then` ticks and timers. Every run's
// outcome is logged, and so are unhandled and late-handled rejections.
const { execFile } = require("child_process");

const PROGRAMS = 1000;
const SEED = 20261206;

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
      if (kind <= 1) stmts.push({ s: "yield", p: r.int(promises.length) });
      else if (kind === 2) stmts.push({ s: "fresh", v: labels++ });
      else if (kind === 3) stmts.push({ s: "ticks", id: labels++, n: 1 + r.int(3) });
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
  const runs = Array.from({ length: 1 + r.int(3) }, (_, i) => ({
    name: "g" + i,
    body: block(0),
    end: 900 + i,
    when: r.chance(0.7) ? "sync" : "timer",
  }));
  const ticks = r.chance(0.5) ? 1 + r.int(5) : 0;
  return { promises, runs, ticks };
}

function source(stmts, name, indent = "  ") {
  let out = "";
  for (const st of stmts) {
    switch (st.s) {
      case "yield":
        out += `${indent}log("${name} got " + (yield P[${st.p}]));\n`;
        break;
      case "fresh":
        out += `${indent}log("${name} got " + (yield Promise.resolve(${st.v})));\n`;
        break;
      case "ticks":
        out += `${indent}ticks("${name} ${st.id}", ${st.n});\n`;
        break;
      case "throw":
        out += `${indent}throw "${st.r}";\n`;
        break;
      case "log":
        out += `${indent}log("${name} at ${st.id}");\n`;
        break;
      case "try":
        out += `${indent}try {\n${source(st.body, name, indent + "  ")}${indent}}`;
        if (st.catch)
          out += ` catch (e) {\n${indent}  log("${name} catch ${st.id} caught " + e);\n${source(st.catch, name, indent + "  ")}${indent}}`;
        if (st.finally)
          out += ` finally {\n${indent}  log("${name} finally ${st.id}");\n${source(st.finally, name, indent + "  ")}${indent}}`;
        out += "\n";
        break;
    }
  }
  return out;
}

function go(program) {
  const { run } = require("../runner/_run.js");
  const log = (s) => console.log(s);
  const reasons = new WeakMap();
  process.on("unhandledRejection", (reason, promise) => {
    reasons.set(promise, reason);
    log("unhandled " + reason);
  });
  process.on("rejectionHandled", (promise) => log("handled later " + reasons.get(promise)));
  // n chained `then` links, each logging its turn.
  const ticks = (label, n) => {
    let p = Promise.resolve();
    for (let i = 1; i <= n; i++) p = p.then(() => log(`${label} tick ${i}`));
  };
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
  for (const g of program.runs) {
    const body = new Function("log", "P", "ticks", `return function* () {\n${source(g.body, g.name)}  return ${g.end};\n};`)(
      log,
      P,
      ticks,
    );
    const start = () => {
      log(`${g.name} starts`);
      run(body).then(
        (v) => log(`${g.name} resolved ${v}`),
        (e) => log(`${g.name} rejected ${e}`),
      );
    };
    if (g.when === "sync") start();
    else setTimeout(start, 0);
  }
  if (program.ticks > 0) ticks("script", program.ticks);
  log("script end");
}

if (process.argv[2] === "one") {
  go(JSON.parse(process.argv[3]));
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
