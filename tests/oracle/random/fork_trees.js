// Random fork trees, run by redux-saga: the expected traces for
// `tests/random_fork_trees.rs`, which runs the same sagas on baton's runtime.
//
// Seed 003 names FORK but does not run it; where the seed is silent, the
// reference is redux-saga (`../package.json` pins it; `npm ci` there
// installs it). `node fork_trees.js` makes PROGRAMS programs from a fixed
// seed and prints, for each, a line `== <program as JSON>` and then what
// Node logs running it, each program in a process of its own. A program is
// a root saga that forks and spawns children (which may fork their own),
// joins and cancels them (or itself), calls functions that answer or
// refuse (and, in Node's callback style, `cps`), reads and sets its
// context (which the runtime seeds), waits on delays, puts to and takes
// from two channels (each with a buffer of redux-saga's kinds) and closes
// them, puts to and takes from the store, throws, asks whether it is
// cancelled, and catches and cleans up with try / catch / finally. Every line starts with the virtual time
// and the task that logged it.
//
// Races and `all`s only of takes and forks: seed 003's runners perform
// races and `all`s, and resume the saga a microtask after a call or a
// delay settles them (a race, a microtask after its winner, with every
// part started first), where redux-saga resumes it at once; decided by a
// take or a fork, which seed 003 does not have, baton resumes it at once
// too. Puts to and takes from the store (S0 and S1 actions) follow
// redux-saga, as baton's store does.
//
// Cleanup (a finally block) runs synchronously and does not throw: it logs,
// asks `cancelled()` and cancels, but does not call, wait or join. redux-saga
// ends a halted task at once and lets its cleanup run on, where baton
// settles it once its cleanup has finished (see the saga module's docs);
// and an error thrown by the cleanup of a cancelled task escapes
// redux-saga's runner, leaving its parent unsettled. For the same reason
// the root's outcome is logged apart (`=`), not as one of its task's lines.
// A task aborted from inside its own fork or put (its child failing as it
// starts or wakes) logs `cancelled()` in its cleanup as baton keeps it,
// true, where redux-saga says false (see `inside` below).
//
// Time is virtual on both sides (`virtualTime` in `_random.js`): a delay
// is redux-saga's own (`call` of a promise settled by a timer, which a
// cancellation clears). Delays are UNIT times distinct powers of two, so
// no two timers are ever due at once and Node fires them in the order of
// their virtual times: a timer falls due at the sum of the delays on the
// chain of events that led to it, and distinct chains have distinct sums.
const { groupSource, main, blockSource, runRoot, virtualTime, workersLog } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261204;
const UNIT = 20;
const MAX_DELAYS = 5;
const MAX_TASKS = 6;
const BUFFERS = ["none", "expanding", "dropping", "sliding", "fixed"];

function generate(r) {
  let labels = 0;
  const label = () => labels++;
  let delays = 0;
  let tasks = 0;
  const pick = (ts) => ts[r.int(ts.length)];
  // A block of a body: `visible` are the tasks forked before it in its
  // body's enclosing blocks; `forks` how deep its body is in the tree.
  const block = (depth, forks, visible, cleanup) => {
    const stmts = [];
    const seen = [...visible];
    const len = 1 + r.int(depth === 0 ? 5 : 3);
    for (let i = 0; i < len; i++) {
      // Channel puts and takes more often than the rest: they have the
      // most rules.
      if (!cleanup && r.chance(0.15)) {
        stmts.push(r.chance(0.5) ? { s: "cput", c: r.int(2), v: label() } : { s: "ctake", c: r.int(2) });
        continue;
      }
      // And the store's: S0 and S1 actions, put and taken.
      if (!cleanup && r.chance(0.15)) {
        stmts.push(r.chance(0.5) ? { s: "sput", k: r.int(2), v: label() } : { s: "stake", k: r.int(2) });
        continue;
      }
      // The context: read a key (K0 the runtime's, K1 not), or set one.
      if (r.chance(0.15)) {
        const k = r.int(2);
        stmts.push(r.chance(0.5) ? { s: "cget", k } : { s: "cset", k, v: label() });
        continue;
      }
      // A function in Node's callback style (cps), answering at once or
      // after a delay, or failing.
      if (!cleanup && r.chance(0.08)) {
        const st = { s: "cps", v: label() };
        if (r.chance(0.3)) st.fail = "e" + label();
        if (r.chance(0.5) && delays < MAX_DELAYS) st.ms = UNIT << delays++;
        stmts.push(st);
        continue;
      }
      // A race or an `all` of takes, puts and forks: effects redux-saga
      // resumes the saga with at once (a take finding its message, a put,
      // a fork), or inside the put that answers the take.
      if (!cleanup && r.chance(0.06)) {
        const of = Array.from({ length: 1 + r.int(3) }, () => {
          if (r.chance(0.35) && forks < 2 && tasks < MAX_TASKS) {
            const t = tasks++;
            return { p: "fork", t, body: block(0, forks + 1, [], false), end: 100 + t };
          }
          if (r.chance(0.25)) return r.chance(0.5) ? { p: "cput", c: r.int(2), v: label() } : { p: "sput", k: r.int(2), v: label() };
          return r.chance(0.5) ? { p: "ctake", c: r.int(2) } : { p: "stake", k: r.int(2) };
        });
        stmts.push({ s: "group", e: r.chance(0.5) ? "all" : "race", of });
        continue;
      }
      const kind = r.int(depth >= 2 ? 12 : 15);
      if (kind === 0) stmts.push({ s: "log", id: label() });
      else if (kind === 1 && !cleanup) stmts.push({ s: "call", v: label() });
      else if (kind === 2 && !cleanup) stmts.push({ s: "refuse", r: "e" + label() });
      else if (kind === 3 && !cleanup && delays < MAX_DELAYS) stmts.push({ s: "delay", ms: UNIT << delays++ });
      else if (kind === 4 && !cleanup && forks < 2 && tasks < MAX_TASKS) {
        const t = tasks++;
        const s = r.chance(0.7) ? "fork" : "spawn";
        stmts.push({ s, t, body: block(0, forks + 1, [], false), end: 100 + t });
        seen.push(t);
      } else if (kind === 5 && !cleanup && seen.length) stmts.push({ s: "join", t: pick(seen) });
      else if (kind === 6 && seen.length) stmts.push({ s: "cancel", t: pick(seen) });
      else if (kind === 6 && !cleanup && r.chance(0.3)) stmts.push({ s: "cancelself" });
      else if (kind === 7 && !cleanup) stmts.push({ s: "throw", r: "t" + label() });
      else if (kind === 8) stmts.push({ s: "cancelled" });
      else if (kind === 9 && !cleanup) stmts.push({ s: "cput", c: r.int(2), v: label() });
      else if (kind === 10 && !cleanup) stmts.push({ s: "ctake", c: r.int(2) });
      else if (kind === 11 && r.chance(0.3)) stmts.push({ s: "cclose", c: r.int(2) });
      else if (kind >= 12) {
        const st = { s: "try", id: label(), body: block(depth + 1, forks, seen, cleanup) };
        const shape = r.int(3);
        if (shape !== 1) st.catch = block(depth + 1, forks, seen, cleanup);
        if (shape !== 0) st.finally = block(depth + 1, forks, seen, true);
        stmts.push(st);
      }
    }
    return stmts;
  };
  const chans = [pick(BUFFERS), pick(BUFFERS)];
  const body = block(0, 0, [], false);
  // Half the roots set a key first, which the tasks they start inherit.
  if (r.chance(0.5)) body.unshift({ s: "cset", k: r.int(2), v: label() });
  return { chans, body };
}

// An effect through which a child can abort the task performing it (a
// fork whose child fails as it starts, a put whose taker fails as it
// wakes), marked while it is performed. Aborted there, the task's cleanup
// sees the mark: redux-saga, whose task has already ended, tells that
// cleanup `cancelled()` is false, where baton keeps it true throughout the
// cleanup of a halted body (a departure the saga module documents), so
// the trace logs true. An error the effect throws into the task (a full
// buffer) clears the mark on its way out.
function inside(effect, indent) {
  return `${indent}inside = true;\n${indent}try {\n${indent}  ${effect}${indent}} catch (e) {\n${indent}  inside = false;\n${indent}  throw e;\n${indent}}\n${indent}inside = false;\n`;
}

// The same around a race or an `all` (a block of its own, with its log).
function insideGroup(group, indent) {
  return `${indent}inside = true;\n${indent}try {\n${group}${indent}} catch (e) {\n${indent}  inside = false;\n${indent}  throw e;\n${indent}}\n${indent}inside = false;\n`;
}

function source(stmts, g, indent = "  ") {
  const own = (st, indent) => {
    let out = "";
    switch (st.s) {
      case "call":
        out += `${indent}log("${g} called " + (yield call(answer, ${st.v})));\n`;
        break;
      case "refuse":
        out += `${indent}yield call(refuse, "${st.r}");\n`;
        break;
      case "cps": {
        const args = `${st.v}, ${st.ms ?? 0}, ${JSON.stringify(st.fail ?? null)}`;
        out += `${indent}log("${g} cps gave " + (yield cps(nodeStyle, ${args})));\n`;
        break;
      }
      case "delay":
        out += `${indent}yield call(wait, ${st.ms});\n${indent}log("${g} delayed ${st.ms}");\n`;
        break;
      case "fork":
      case "spawn": {
        let effect = `T[${st.t}] = yield ${st.s}(function* () {\n${indent}  const T = [];\n${indent}  let inside = false;\n`;
        effect += `${source(st.body, "c" + st.t, indent + "  ")}${indent}  return ${st.end};\n${indent}});\n`;
        out += st.s === "fork" ? inside(effect, indent) : indent + effect;
        out += `${indent}log("${g} ${st.s}ed c${st.t}");\n`;
        break;
      }
      case "join":
        out += `${indent}log("${g} joined c${st.t} " + (yield join(T[${st.t}])));\n`;
        break;
      case "cancel":
        out += `${indent}yield cancel(T[${st.t}]);\n${indent}log("${g} cancelled c${st.t}");\n`;
        break;
      case "cancelself":
        out += `${indent}yield cancel();\n${indent}log("${g} went on after cancelling itself");\n`;
        break;
      case "cput":
        out += `${inside(`yield put(C[${st.c}], ${st.v});\n`, indent)}${indent}log("${g} put ${st.v} to ${st.c}");\n`;
        break;
      case "ctake":
        out += `${indent}log("${g} took " + shown(yield takeMaybe(C[${st.c}])) + " from ${st.c}");\n`;
        break;
      case "sput":
        out += `${inside(`yield put({ type: "S${st.k}", v: ${st.v} });\n`, indent)}${indent}log("${g} put ${st.v} as S${st.k}");\n`;
        break;
      case "stake":
        out += `${indent}log("${g} took " + (yield take("S${st.k}")).v + " as S${st.k}");\n`;
        break;
      case "cclose":
        out += `${indent}C[${st.c}].close();\n${indent}log("${g} closed ${st.c}");\n`;
        break;
      case "cancelled":
        out += `${indent}log("${g} cancelled? " + ((yield cancelled()) || inside));\n`;
        break;
      case "group": {
        // Its forks' tasks are shown, not kept: a race's losers never start.
        const part = (p) => {
          if (p.p === "ctake") return [`takeMaybe(C[${p.c}])`, "(m) => shown(m)"];
          if (p.p === "stake") return [`take("S${p.k}")`, "(a) => a.v"];
          if (p.p === "cput") return [`put(C[${p.c}], ${p.v})`, `() => "put ${p.v}"`];
          if (p.p === "sput") return [`put({ type: "S${p.k}", v: ${p.v} })`, `() => "put ${p.v}"`];
          const child = `function* () {\n${indent}    const T = [];\n${indent}    let inside = false;\n${source(p.body, "c" + p.t, indent + "    ")}`;
          return [`fork(${child}${indent}    return ${p.end};\n${indent}  })`, `() => "c${p.t}"`];
        };
        const group = groupSource(st, indent, g, part);
        out += st.of.some((p) => p.p !== "ctake" && p.p !== "stake") ? insideGroup(group, indent) : group;
        break;
      }
      case "cget":
        out += `${indent}log("${g} read K${st.k} " + (yield getContext("K${st.k}")));\n`;
        break;
      case "cset":
        out += `${indent}yield setContext({ K${st.k}: "v${st.v}" });\n${indent}log("${g} set K${st.k}");\n`;
        break;
    }
    return out;
  };
  return blockSource(stmts, indent, own, `${g} `);
}

// The children attached to the root all the way up (forked by it, or by
// a child so attached; a spawned child and its own children are not).
function attachedToRoot(stmts, into = new Set()) {
  for (const st of stmts) {
    if (st.s === "fork") {
      into.add(st.t);
      attachedToRoot(st.body, into);
    }
    if (st.s === "group") {
      for (const p of st.of) {
        if (p.p === "fork") {
          into.add(p.t);
          attachedToRoot(p.body, into);
        }
      }
    }
    if (st.s === "try") {
      for (const block of [st.body, st.catch, st.finally]) if (block) attachedToRoot(block, into);
    }
  }
  return into;
}

function run(program) {
  const clock = virtualTime();
  const { CANCEL, END, buffers, channel } = require("redux-saga");
  const effects = require("redux-saga/effects");
  const { all, call, cancel, cancelled, cps, fork, join, put, race, spawn, take, takeMaybe } = effects;
  const { getContext, setContext } = effects;
  const made = { none: buffers.none, expanding: () => buffers.expanding(2) };
  made.dropping = () => buffers.dropping(1);
  made.sliding = () => buffers.sliding(1);
  made.fixed = () => buffers.fixed(1);
  const C = program.chans.map((b) => channel(made[b]()));
  const shown = (m) => (m === END ? "END" : m);
  // "Generator is already running" thrown into a saga is redux-saga
  // breaking down too (see `runRoot`): the trace is marked `!!` there.
  const BROKE = "Generator is already running";
  // A root-attached child's line after the root's outcome marks the
  // trace broken, as for the channel programs' workers (`workersLog`).
  const attached = attachedToRoot(program.body);
  const child = (line) => {
    const c = /^c(\d+) /.exec(line);
    return c !== null && attached.has(Number(c[1]));
  };
  const stamped = workersLog(clock, child, "a forked child");
  const log = (s) => stamped(String(s).includes(BROKE) ? `!! redux-saga broke: ${BROKE}` : s);
  // redux-saga's `delay` (its `delayP`).
  const wait = (ms) => {
    let timer;
    const promise = new Promise((resolve) => {
      timer = setTimeout(() => resolve(true), ms);
    });
    promise[CANCEL] = () => clearTimeout(timer);
    return promise;
  };
  const answer = (v) => Promise.resolve(v);
  const refuse = (why) => Promise.reject(why);
  // Node's callback style: `done(undefined, v)`, or `done(why)`; at once,
  // or after `ms` (a timer nothing clears: redux-saga's cps has no cancel).
  const nodeStyle = (v, ms, fail, done) => {
    const answer = () => (fail === null ? done(undefined, v) : done(fail));
    if (ms === 0) answer();
    else setTimeout(answer, ms);
  };
  const root = new Function(
    "log",
    "call",
    "cancel",
    "cancelled",
    "wait",
    "fork",
    "join",
    "spawn",
    "answer",
    "refuse",
    "C",
    "put",
    "takeMaybe",
    "take",
    "shown",
    "cps",
    "nodeStyle",
    "getContext",
    "setContext",
    "all",
    "race",
    `return function* () {\n  const T = [];\n  let inside = false;\n${source(program.body, "m")}  return 99;\n};`,
  )(log, call, cancel, cancelled, wait, fork, join, spawn, answer, refuse, C, put, takeMaybe, take, shown, cps, nodeStyle, getContext, setContext, all, race);
  // An error thrown by the cleanup of a cancelled saga escapes redux-saga's
  // runner (it rethrows it from the promise reaction that resumed the saga).
  process.on("unhandledRejection", (e) => log(`! failed ${e}`));
  runRoot(root, log, undefined, { K0: "root" });
}

main(__filename, SEED, PROGRAMS, generate, run);
