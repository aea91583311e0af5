// Random watchers, run by redux-saga: the expected traces for
// `tests/random_watchers.rs`, which runs the same sagas on baton's runtime.
//
// Seed 003 takes actions from a store but has no watchers; baton's
// take_every, take_latest, take_leading, debounce and throttle are
// redux-saga's helpers, and redux-saga is their reference
// (`../package.json` pins it). `node watchers.js` makes PROGRAMS programs
// from a fixed seed and prints, for each, a line `== <program as JSON>` and
// then what Node logs running it, each program in a process of its own.
//
// A program is a root saga that starts one or two watchers (one on actions
// of type A, one on B), each with a worker of its own, and a logger of the
// C actions workers put; timers dispatch A and B actions from outside, to
// a redux store with the saga middleware, and sometimes redux-saga's END
// (which ends every take: the watchers end, their running workers go on);
// at its end the root cancels the
// watchers it started (taking their running workers with them) and
// returns. A worker logs, waits (or races a take and a delay), calls
// functions that answer or refuse,
// puts a C action (or, the first watcher's, a B action the second one
// takes), reads the store (the count of actions it has seen), throws, asks
// whether it is cancelled, and catches and cleans up with try / catch /
// finally. Every line starts with the virtual time and the task that
// logged it: `d` for a dispatch, `m` for the root, `x<n>` and `y<n>` for
// the workers of action n, `c<n>` for the logger of a C action.
//
// Cleanup (a finally block) is synchronous, as in `fork_trees.js`, and for
// the same reasons.
//
// Time is virtual on both sides: setTimeout and clearTimeout are replaced
// by a queue fired in order of due time (each callback a macrotask of its
// own, with the microtasks it queues run before the next), so nothing waits
// for real time. Every duration a program uses is UNIT times a distinct
// power of two (a throttle's window keeps the next two powers free, as it
// is waited up to six times in a row), and a timer falls due at the sum of
// the durations on the chain of events that led to it, so no two timers of
// different durations are ever due at once: their order would be Node's
// choice of the moment, not a rule either side keeps.
const { main, trySource, virtualTime } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261205;
const UNIT = 10;
const BITS = 12;
const KINDS = ["every", "latest", "leading", "debounce", "throttle"];

function generate(r) {
  const free = Array.from({ length: BITS }, (_, i) => i);
  const take = (i) => free.splice(i, 1)[0];
  const anyBit = () => UNIT * 2 ** take(r.int(free.length));
  // A throttle's window: its power and the next two are taken.
  const windowBits = () => {
    const starts = free.filter((b) => free.includes(b + 1) && free.includes(b + 2));
    const b = starts[r.int(starts.length)];
    for (const k of [b, b + 1, b + 2]) take(free.indexOf(k));
    return UNIT * 2 ** b;
  };
  let labels = 0;
  const label = () => labels++;
  const pick = (ts) => ts[r.int(ts.length)];
  let puts = ["C"];
  let types = [];
  const block = (depth, cleanup, budget) => {
    const stmts = [];
    const len = 1 + r.int(depth === 0 ? 4 : 2);
    for (let i = 0; i < len; i++) {
      const kind = r.int(depth >= 2 ? 9 : 11);
      if (kind === 0) stmts.push({ s: "log", id: label() });
      else if (kind === 1 && !cleanup) stmts.push({ s: "call", v: label() });
      else if (kind === 2 && !cleanup && r.chance(0.4)) stmts.push({ s: "refuse", r: "e" + label() });
      else if (kind === 3 && !cleanup && budget.delays > 0 && free.length > 0) {
        budget.delays--;
        // Sometimes the usual take-or-time-out: a race of a take (of an
        // action a watcher takes too, or of a worker's C) and a delay.
        if (r.chance(0.4)) stmts.push({ s: "wait", type: pick([...types, "C"]), ms: anyBit() });
        else stmts.push({ s: "delay", ms: anyBit() });
      } else if (kind === 4 && !cleanup) stmts.push({ s: "put", type: pick(puts), v: 100 + label() });
      else if (kind === 5 && !cleanup) stmts.push({ s: "select" });
      else if (kind === 6 && !cleanup && r.chance(0.3)) stmts.push({ s: "throw", r: "t" + label() });
      else if (kind === 7 || kind === 8) stmts.push({ s: "cancelled" });
      else if (kind >= 9) {
        const st = { s: "try", id: label(), body: block(depth + 1, cleanup, budget) };
        const shape = r.int(3);
        if (shape !== 1) st.catch = block(depth + 1, cleanup, budget);
        if (shape !== 0) st.finally = block(depth + 1, true, budget);
        stmts.push(st);
      }
    }
    return stmts;
  };
  // Windows first (a throttle's needs three powers in a row), then the
  // dispatches, then the workers' delays from what is left.
  const watchers = ["A", "B"].slice(0, 1 + r.int(2)).map((type) => {
    const kind = KINDS[r.int(KINDS.length)];
    const w = { kind, type };
    if (kind === "throttle") w.ms = windowBits();
    if (kind === "debounce") w.ms = anyBit();
    return w;
  });
  types = watchers.map((w) => w.type);
  const dispatches = Array.from({ length: 2 + r.int(5) }, (_, n) => ({
    at: anyBit(),
    type: types[r.int(types.length)],
    n,
  }));
  // Sometimes redux-saga's END, which ends the watchers' takes.
  if (r.chance(0.4) && free.length > 0) dispatches.push({ at: anyBit(), type: "END", n: dispatches.length });
  dispatches.sort((a, b) => a.at - b.at);
  // The first watcher's workers may put actions the second one takes.
  for (const [i, w] of watchers.entries()) {
    puts = i === 0 && watchers.length === 2 ? ["B", "C"] : ["C"];
    w.body = block(0, false, { delays: 2 });
  }
  // The root's end: usually after everything else has had its time.
  const end = r.chance(0.7) || free.length === 0 ? UNIT * 2 ** BITS : anyBit();
  return { watchers, dispatches, end };
}

// The source of a worker's block; `g`, the worker's name, is a variable of
// the worker.
function source(stmts, indent) {
  let out = "";
  for (const st of stmts) {
    switch (st.s) {
      case "log":
        out += `${indent}log(g + " at ${st.id}");\n`;
        break;
      case "call":
        out += `${indent}log(g + " called " + (yield call(answer, ${st.v})));\n`;
        break;
      case "refuse":
        out += `${indent}yield call(refuse, "${st.r}");\n`;
        break;
      case "delay":
        out += `${indent}yield delay(${st.ms});\n${indent}log(g + " delayed ${st.ms}");\n`;
        break;
      case "put":
        out += `${indent}yield put({ type: "${st.type}", n: ${st.v} });\n${indent}log(g + " put ${st.type}${st.v}");\n`;
        break;
      case "select":
        out += `${indent}log(g + " selected " + (yield select()));\n`;
        break;
      case "wait":
        out += `${indent}{\n${indent}  const R = yield race({ got: take("${st.type}"), timeout: delay(${st.ms}) });\n`;
        out += `${indent}  log(g + ("got" in R ? " got ${st.type}" + R.got.n : " timed out ${st.ms}"));\n${indent}}\n`;
        break;
      case "throw":
        out += `${indent}throw "${st.r}";\n`;
        break;
      case "cancelled":
        out += `${indent}log(g + " cancelled? " + (yield cancelled()));\n`;
        break;
      case "try":
        out += trySource(st, indent, source, '" + g + " ');
        break;
    }
  }
  return out;
}

function run(program) {
  const clock = virtualTime();
  const { applyMiddleware, createStore } = require("redux");
  const createSagaMiddleware = require("redux-saga").default;
  const { END } = require("redux-saga");
  const effects = require("redux-saga/effects");
  const { call, cancel, cancelled, delay, put, race, select, take, takeEvery } = effects;
  const helper = {
    every: effects.takeEvery,
    latest: effects.takeLatest,
    leading: effects.takeLeading,
    debounce: effects.debounce,
    throttle: effects.throttle,
  };
  const log = (s) => console.log(`${clock.now} ${s}`);
  const answer = (v) => Promise.resolve(v);
  const refuse = (why) => Promise.reject(why);
  const worker = (w, i) =>
    new Function(
      "log",
      "call",
      "cancelled",
      "delay",
      "put",
      "select",
      "answer",
      "refuse",
      "race",
      "take",
      `return function* (action) {\n  const g = "${"xy"[i]}" + action.n;\n  log(g + " started");\n` +
        `${source(w.body, "  ")}  log(g + " ended");\n};`,
    )(log, call, cancelled, delay, put, select, answer, refuse, race, take);
  const logger = function* (action) {
    log(`c${action.n} got C${action.n}`);
  };

  // A redux store counting the actions (not redux's own), with the saga
  // middleware.
  const sagas = createSagaMiddleware({ onError: (e) => log(`! failed ${e}`) });
  const counting = (count = 0, action) => (action.type.startsWith("@@redux") ? count : count + 1);
  const store = createStore(counting, applyMiddleware(sagas));
  for (const d of program.dispatches) {
    setTimeout(() => {
      if (d.type === "END") {
        log("d END");
        store.dispatch(END);
        return;
      }
      log(`d ${d.type}${d.n}`);
      store.dispatch({ type: d.type, n: d.n });
    }, d.at);
  }
  const root = function* () {
    const started = [];
    for (const [i, w] of program.watchers.entries()) {
      const args = w.ms === undefined ? [w.type, worker(w, i)] : [w.ms, w.type, worker(w, i)];
      started.push(yield helper[w.kind](...args));
    }
    started.push(yield takeEvery("C", logger));
    yield delay(program.end);
    log("m ends");
    for (const task of started) yield cancel(task);
    log("m cancelled the watchers");
    return 99;
  };
  sagas
    .run(root)
    .toPromise()
    .then(
      (v) => log(`= m resolved ${String(v)}`),
      (e) => log(`= m rejected ${e}`),
    );
}

main(__filename, SEED, PROGRAMS, generate, run);
