// What the random-program oracles share (not an oracle itself): a seeded
// random stream, the JavaScript source of a `try` statement, and running
// each program in a Node process of its own.
const { execFile } = require("child_process");

// mulberry32: small, seedable, the same stream everywhere.
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

// A random generator body: blocks of `leafKinds` kinds of statements of the
// body's own, drawn by `leaf(kind, label, depth, block, inCleanup)`, and of
// `try` statements (with a catch block, a finally block or both) and logs,
// nested up to `maxDepth`. `inCleanup` is set inside finally blocks, and
// inside catch blocks too with `catchIsCleanup`. Returns `block`:
// `block(0)` draws a body.
function blocks(r, { leafKinds, maxDepth, leaf, catchIsCleanup = false }) {
  let labels = 0;
  const label = () => labels++;
  const block = (depth, inFinally = false) => {
    const stmts = [];
    const len = 1 + r.int(depth === 0 ? 5 : 3);
    for (let i = 0; i < len; i++) {
      const kind = r.int(depth >= maxDepth ? leafKinds : leafKinds + 4);
      if (kind < leafKinds) {
        const st = leaf(kind, label, depth, (d) => block(d, inFinally), inFinally);
        if (st) stmts.push(st);
      } else if (kind < leafKinds + 3) {
        const st = { s: "try", id: label(), body: block(depth + 1, inFinally) };
        const shape = r.int(3);
        if (shape !== 1) st.catch = block(depth + 1, inFinally || catchIsCleanup);
        if (shape !== 0) st.finally = block(depth + 1, true);
        stmts.push(st);
      } else stmts.push({ s: "log", id: label() });
    }
    return stmts;
  };
  return block;
}

// Promises made up front for a program's bodies to yield or await:
// fulfilled, rejected, or settled by a 0 ms timer.
function promiseTable(r) {
  return Array.from({ length: 1 + r.int(4) }, (_, i) => {
    const k = r.int(4);
    if (k === 0) return { k: "resolved", v: 10 + i };
    if (k === 1) return { k: "rejected", r: "p" + i };
    return { k: "timer", ok: r.chance(0.6), v: 20 + i, r: "q" + i };
  });
}

// The promises of `promiseTable`, made; a timer logs when it settles one.
function makePromises(table, log) {
  return table.map((p) => {
    if (p.k === "resolved") return Promise.resolve(p.v);
    if (p.k === "rejected") return Promise.reject(p.r);
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        log("timer settles");
        p.ok ? resolve(p.v) : reject(p.r);
      }, 0),
    );
  });
}

// What a script does with its arguments: run one program (`one <program>`)
// or make them all from `seed` and run each.
// A soak run (`soak.sh`) sets SEED and PROGRAMS to draw other programs.
function main(script, seed, count, generate, run) {
  if (process.argv[2] === "one") {
    run(JSON.parse(process.argv[3]));
  } else {
    const r = rng(soakSeed(seed));
    runEach(script, Array.from({ length: soakCount(count) }, () => generate(r)));
  }
}

// The seed a suite draws its programs from, unless SEED says another.
function soakSeed(seed) {
  return Number(process.env.SEED ?? seed);
}

// How many programs a suite draws, unless PROGRAMS says how many.
function soakCount(count) {
  return Number(process.env.PROGRAMS ?? count);
}

// The source of a race or an `all` (`st.e`) of the parts `st.of`, under
// the keys a, b, c, in task `g`: `part(p)` gives a part's effect and how
// its value is shown. It logs "<g> <all|race> gave k=v …" for the parts
// that gave something.
function groupSource(st, indent, g, part) {
  const parts = st.of.map((p, j) => ["abc"[j], ...part(p)]);
  let out = `${indent}{\n${indent}  const R = yield ${st.e}({\n`;
  out += parts.map(([k, effect]) => `${indent}    ${k}: ${effect},\n`).join("");
  out += `${indent}  });\n${indent}  const S = { ${parts.map(([k, , show]) => `${k}: ${show}`).join(", ")} };\n`;
  out += `${indent}  const got = Object.keys(S).filter((k) => k in R);\n`;
  out += `${indent}  log("${g} ${st.e} gave " + got.map((k) => k + "=" + S[k](R[k])).join(" "));\n${indent}}\n`;
  return out;
}

// A `try` statement; `block(stmts, indent)` is the source of a block, and
// `prefix` starts each line the statement logs.
function trySource(st, indent, block, prefix = "") {
  let out = `${indent}try {\n${block(st.body, indent + "  ")}${indent}}`;
  if (st.catch)
    out += ` catch (e) {\n${indent}  log("${prefix}catch ${st.id} caught " + e);\n${block(st.catch, indent + "  ")}${indent}}`;
  if (st.finally)
    out += ` finally {\n${indent}  log("${prefix}finally ${st.id}");\n${block(st.finally, indent + "  ")}${indent}}`;
  return out + "\n";
}

// The source of a statement every body has (throw, log, try), or null.
function sharedSource(st, indent, block, prefix = "") {
  if (st.s === "throw") return `${indent}throw "${st.r}";\n`;
  if (st.s === "log") return `${indent}log("${prefix}at ${st.id}");\n`;
  if (st.s === "try") return trySource(st, indent, block, prefix);
  return null;
}

// The source of a block: the statements every body has through
// `sharedSource`, a suite's own through `own(st, indent)`; `prefix` starts
// each line the shared statements log.
function blockSource(stmts, indent, own, prefix = "") {
  const block = (inner, deeper) => blockSource(inner, deeper, own, prefix);
  return stmts.map((st) => sharedSource(st, indent, block, prefix) ?? own(st, indent)).join("");
}

// The source of a generator body, synchronous or async (`await` and
// `yield*` to an async generator only in an async one).
function bodySource(stmts, indent = "  ") {
  const own = (st, indent) => {
    let out = "";
    switch (st.s) {
      case "yield":
        out += `${indent}log("got " + ((yield ${st.v}) ?? 0));\n`;
        break;
      case "await":
        out += `${indent}log("awaited " + (await P[${st.p}]));\n`;
        break;
      case "yieldp":
        out += `${indent}log("got " + ((yield P[${st.p}]) ?? 0));\n`;
        break;
      case "return":
        out += `${indent}return ${st.v};\n`;
        break;
      case "delegate":
        out += `${indent}log("delegate ${st.id} returned " + (yield* (function* () {\n${bodySource(st.body, indent + "  ")}${indent}})()));\n`;
        break;
      case "idelegate":
        out += `${indent}log("delegate ${st.id} returned " + (yield* [${st.ps.map((p) => `P[${p}]`).join(", ")}]));\n`;
        break;
      case "adelegate":
        out += `${indent}log("delegate ${st.id} returned " + (yield* (async function* () {\n${bodySource(st.body, indent + "  ")}${indent}  return ${st.end};\n${indent}})()));\n`;
        break;
    }
    return out;
  };
  return blockSource(stmts, indent, own);
}

// Runs `node <script> one <program>` for each program, two at a time (each
// mostly waits for its timers), and prints `== <program>` and its trace.
function runEach(script, programs) {
  const json = programs.map((p) => JSON.stringify(p));
  const traces = new Array(json.length);
  let next = 0;
  const worker = async () => {
    while (next < json.length) {
      const i = next++;
      traces[i] = await new Promise((resolve, reject) =>
        execFile(process.execPath, [script, "one", json[i]], (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        ),
      );
    }
  };
  Promise.all([worker(), worker()]).then(() => {
    json.forEach((program, i) => process.stdout.write(`== ${program}\n${traces[i]}`));
  });
}

// Starts each run (a generator named `g.name`, driven by `drive(g)` to a
// promise): at once, or from a 0 ms timer when its `when` says so; logs
// that it starts and how it settles.
function startRuns(runs, log, drive) {
  for (const g of runs) {
    const start = () => {
      log(`${g.name} starts`);
      drive(g).then(
        (v) => log(`${g.name} resolved ${v}`),
        (e) => log(`${g.name} rejected ${e}`),
      );
    };
    if (g.when === "sync") start();
    else setTimeout(start, 0);
  }
}

// Runs saga `root` with redux-saga's runSaga, its puts going to `channel`
// (a store's saga channel; a fresh one if none), and logs how it ends as
// the Rust side's `log_root` does: `= m resolved <v>` or `= m rejected
// <e>`, and a failure `onError` hears as `! failed <e>`. redux-saga breaks
// down on some programs (a saga whose put or close wakes a taker that
// fails is aborted while its body runs: "Generator is already running"
// escapes its runner): the trace is marked `!!` there and ends, and the
// Rust side does not compare it.
function runRoot(root, log, channel, context) {
  const { runSaga, stdChannel } = require("redux-saga");
  const actions = channel ?? stdChannel();
  process.on("uncaughtException", (e) => {
    log(`!! redux-saga broke: ${e.message}`);
    process.exit(0);
  });
  logReentry(log);
  const env = {
    channel: actions,
    dispatch: (action) => actions.put(action),
    getState: () => ({}),
    onError: (e) => log(`! failed ${e}`),
    context: context ?? {},
  };
  runSaga(env, root)
    .toPromise()
    .then(
      (v) => log(`= m resolved ${String(v)}`),
      (e) => log(`= m rejected ${e}`),
    );
}

// A log of lines stamped with the virtual time, for a root that forks its
// workers (w0, w1, …): a worker's line after the root's outcome marks the
// trace broken. An attached child cannot outlive its parent; in
// redux-saga one does when the parent is aborted while the child is being
// forked (a sibling the child woke as it started failed, or an `all`
// went on forking its parts after one failed as it started), as the child
// joins its parent's queue only once it has started, after the queue has
// cancelled what it held. `attached` tells such a child's lines, `who`
// names it in the mark.
function workersLog(clock, attached = (s) => /^w\d/.test(s), who = "a forked worker") {
  let over = false;
  let told = false;
  return (s) => {
    if (over && !told && attached(String(s))) {
      told = true;
      console.log(`${clock.now} !! redux-saga broke: ${who} outlived its root`);
    }
    if (String(s).startsWith("= m ")) over = true;
    console.log(`${clock.now} ${s}`);
  };
}

// Marks the trace broken where redux-saga resumes a generator that is
// running (a child that fails inside its parent's step aborts the parent
// at once): the TypeError this throws may be swallowed, or caught by the
// program's own catch, and what follows is no longer redux-saga's design.
function logReentry(log) {
  const generatorPrototype = Object.getPrototypeOf(function* () {}).prototype;
  let told = false;
  for (const method of ["next", "throw", "return"]) {
    const resume = generatorPrototype[method];
    generatorPrototype[method] = function (arg) {
      try {
        return resume.call(this, arg);
      } catch (e) {
        if (!told && e instanceof TypeError && e.message === "Generator is already running") {
          told = true;
          log(`!! redux-saga broke: ${e.message}`);
        }
        throw e;
      }
    };
  }
}

// Logs unhandled and late-handled rejections as the Rust side does.
function logRejections(log, name = String) {
  const reasons = new WeakMap();
  process.on("unhandledRejection", (reason, promise) => {
    reasons.set(promise, reason);
    log("unhandled " + name(reason));
  });
  process.on("rejectionHandled", (promise) => log("handled later " + name(reasons.get(promise))));
}

// Virtual time for a program run by redux-saga: setTimeout and clearTimeout
// are replaced by a queue fired in order of due time (each callback a
// macrotask of its own, with the microtasks it queues run before the
// next), so nothing waits for real time. Returns the clock (`clock.now`).
// Install it before redux-saga is loaded.
function virtualTime() {
  const clock = { now: 0 };
  let seq = 0;
  const due = [];
  globalThis.setTimeout = (f, ms, ...args) => {
    const timer = { at: clock.now + Number(ms), seq: seq++, f, args };
    due.push(timer);
    return timer;
  };
  globalThis.clearTimeout = (timer) => {
    const i = due.indexOf(timer);
    if (i >= 0) due.splice(i, 1);
  };
  const fire = () => {
    if (due.length === 0) return;
    due.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const timer = due.shift();
    clock.now = timer.at;
    timer.f(...timer.args);
    setImmediate(fire);
  };
  setImmediate(fire);
  return clock;
}

// The source of a step the channel suites' workers and root share (a
// delay; a cancel of worker W[w]), or null.
function workerStepSource(st, indent, g) {
  if (st.s === "delay") return `${indent}yield delay(${st.ms});\n${indent}log("${g} delayed ${st.ms}");\n`;
  if (st.s === "cancel") return `${indent}yield cancel(W[${st.w}]);\n${indent}log("${g} cancelled w${st.w}");\n`;
  return null;
}

// A generated try statement: its body, then (one draw of its shape) a
// catch, a finally, or both; a finally is a cleanup block.
function tryStatement(r, id, block, depth, cleanup) {
  const st = { s: "try", id, body: block(depth + 1, cleanup) };
  const shape = r.int(3);
  if (shape !== 1) st.catch = block(depth + 1, cleanup);
  if (shape !== 0) st.finally = block(depth + 1, true);
  return st;
}

module.exports = {
  groupSource,
  soakSeed,
  soakCount,
  tryStatement,
  workerStepSource,
  rng,
  virtualTime,
  blocks,
  promiseTable,
  makePromises,
  main,
  sharedSource,
  blockSource,
  workersLog,
  trySource,
  bodySource,
  runEach,
  startRuns,
  runRoot,
  logRejections,
};
