// Random programs of a multicast channel, run by redux-saga: the expected
// traces for `tests/random_multicast.rs`, which runs the same sagas on
// baton's runtime.
//
// Seed 003 has no channels; redux-saga (`../package.json` pins it) is the
// reference. `node multicast.js` makes PROGRAMS programs from a fixed seed
// and prints, for each, a line `== <program as JSON>` and then what Node
// logs running it, each program in a process of its own.
//
// A program has one multicast channel M; code outside the sagas puts
// actions of type A or B to it at set times. A root saga forks two or
// three workers, then waits, cancels workers and closes M. A worker puts
// to M, takes from it (`take` or `takeMaybe`, of A, of B or of anything),
// closes it, waits, throws, and catches and cleans up with try / catch /
// finally; it also races, or gathers with `all`, takes, puts and delays. A `take` of a closed channel ends the saga; a `takeMaybe` gets
// END. Every line starts with the virtual time and its task: `m` for the
// root, `w<k>` for worker k, `o` for the code outside.
//
// Cleanup (a finally block) is synchronous, as in `fork_trees.js`, and for
// the same reasons. Time is virtual and every duration is UNIT times a
// distinct power of two, as in `watchers.js`.
const { groupSource, workersLog, main, blockSource, runRoot, tryStatement, virtualTime, workerStepSource } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261204;
const UNIT = 10;
const BITS = 14;
const TYPES = ["A", "B"];
const PATTERNS = ["*", "A", "B"];

function generate(r) {
  const free = Array.from({ length: BITS }, (_, i) => i);
  const anyBit = () => UNIT * 2 ** free.splice(r.int(free.length), 1)[0];
  const pick = (ts) => ts[r.int(ts.length)];
  let labels = 0;
  const label = () => labels++;
  const outside = Array.from({ length: r.int(4) }, () => ({ at: anyBit(), t: pick(TYPES), v: 70 + label() }));
  const workers = 2 + r.int(2);
  const block = (depth, cleanup) => {
    const stmts = [];
    const len = 1 + r.int(depth === 0 ? 5 : 2);
    for (let i = 0; i < len; i++) {
      if (!cleanup && r.chance(0.08)) {
        const of = Array.from({ length: 1 + r.int(3) }, () => {
          if (r.chance(0.3) && free.length > 0) return { p: "delay", ms: anyBit() };
          if (r.chance(0.2)) return { p: "mput", t: pick(TYPES), v: label() };
          return { p: "mtake", pat: pick(PATTERNS), maybe: r.chance(0.6) };
        });
        stmts.push({ s: "group", e: r.chance(0.5) ? "all" : "race", of });
        continue;
      }
      const kind = r.int(depth >= 2 ? 9 : 11);
      if (kind === 0) stmts.push({ s: "log", id: label() });
      else if (kind <= 2 && !cleanup) stmts.push({ s: "mput", t: pick(TYPES), v: label() });
      else if (kind <= 5 && !cleanup) stmts.push({ s: "mtake", p: pick(PATTERNS), maybe: r.chance(0.6) });
      else if (kind === 6 && r.chance(0.3)) stmts.push({ s: "mclose" });
      else if (kind === 7 && !cleanup && free.length > 0) stmts.push({ s: "delay", ms: anyBit() });
      else if (kind === 8 && !cleanup && r.chance(0.2)) stmts.push({ s: "throw", r: "t" + label() });
      else if (kind >= 9) stmts.push(tryStatement(r, label(), block, depth, cleanup));
    }
    return stmts;
  };
  const bodies = Array.from({ length: workers }, () => block(0, false));
  const root = [];
  for (let i = 0, n = 1 + r.int(3); i < n; i++) {
    const kind = r.int(4);
    if (kind === 0 && free.length > 0) root.push({ s: "delay", ms: anyBit() });
    else if (kind === 1) root.push({ s: "cancel", w: r.int(workers) });
    else if (kind === 2 && r.chance(0.5)) root.push({ s: "mclose" });
    else root.push({ s: "log", id: label() });
  }
  return { outside, bodies, root };
}

// The source of a block of task `g`'s body (`g` is a constant string).
function source(stmts, g, indent = "  ") {
  const own = (st, indent) => {
    const shared = workerStepSource(st, indent, g);
    if (shared !== null) return shared;
    let out = "";
    switch (st.s) {
      case "mput":
        out += `${indent}yield put(M, { type: "${st.t}", v: ${st.v} });\n${indent}log("${g} put ${st.t}${st.v} to m");\n`;
        break;
      case "mtake": {
        const effect = st.maybe ? "takeMaybe" : "take";
        out += `${indent}log("${g} took " + shown(yield ${effect}(M, "${st.p}")) + " from m by ${effect} ${st.p}");\n`;
        break;
      }
      case "mclose":
        out += `${indent}M.close();\n${indent}log("${g} closed m");\n`;
        break;
      case "group": {
        const part = (p) => {
          if (p.p === "mtake") return [`${p.maybe ? "takeMaybe" : "take"}(M, "${p.pat}")`, "shown"];
          if (p.p === "mput") return [`put(M, { type: "${p.t}", v: ${p.v} })`, `() => "put ${p.t}${p.v}"`];
          return [`delay(${p.ms}, "waited")`, `() => "waited"`];
        };
        out += groupSource(st, indent, g, part);
        break;
      }
    }
    return out;
  };
  return blockSource(stmts, indent, own, `${g} `);
}

function run(program) {
  const clock = virtualTime();
  const { END, multicastChannel } = require("redux-saga");
  const { all, cancel, delay, put, race, take, takeMaybe } = require("redux-saga/effects");
  const log = workersLog(clock);
  const shown = (m) => (m === END ? "END" : `${m.type}${m.v}`);
  const M = multicastChannel();
  for (const { at, t, v } of program.outside) {
    setTimeout(() => {
      M.put({ type: t, v });
      log(`o put ${t}${v} to m`);
    }, at);
  }
  const names = ["log", "put", "take", "takeMaybe", "delay", "cancel", "shown", "M", "W", "all", "race"];
  const W = [];
  const saga = (body, g, end) =>
    new Function(...names, `return function* () {\n${source(body, g)}  return ${end};\n};`)(
      log, put, take, takeMaybe, delay, cancel, shown, M, W, all, race,
    );
  const root = function* () {
    for (const [k, body] of program.bodies.entries()) {
      W.push(yield fork(saga(body, `w${k}`, 100 + k)));
    }
    yield* saga(program.root, "m", 99)();
    return 99;
  };
  const { fork } = require("redux-saga/effects");
  runRoot(root, log);
}

main(__filename, SEED, PROGRAMS, generate, run);
