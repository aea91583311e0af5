// Random programs of channels, run by redux-saga: the expected traces for
// `tests/random_channels.rs`, which runs the same sagas on baton's runtime.
//
// Seed 003 has no channels; redux-saga (`../package.json` pins it) is the
// reference. `node channels.js` makes PROGRAMS programs from a fixed seed
// and prints, for each, a line `== <program as JSON>` and then what Node
// logs running it, each program in a process of its own.
//
// A program has two channels, C0 and C1, each with a buffer of one of
// redux-saga's kinds (none, fixed(1), expanding(1), dropping(1),
// sliding(1)), and an event channel E (with such a buffer too) whose
// source emits at set times and may end (END); code outside the sagas puts
// to C0 and C1 at set times. A root saga forks two or three workers, then
// waits, cancels workers and closes channels. A worker puts to the
// channels, takes from them and from E (`takeMaybe`: a closed channel
// gives END), flushes them, closes them, waits, throws, and catches and
// cleans up with try / catch / finally (a channel with no buffer is not
// flushed: redux-saga's none() has no flush). A put to a full fixed buffer
// throws "Channel's Buffer overflow!" at the putter (from outside, at the
// caller). A worker also races, or gathers with `all`, takes from the
// channels and from E, puts and delays (the usual take-or-time-out). Every
// line starts with the virtual time and its task: `m` for
// the root, `w<k>` for worker k, `o` for the code outside, `e` for the
// event source.
//
// Cleanup (a finally block) is synchronous, as in `fork_trees.js`, and for
// the same reasons. Time is virtual and every duration is UNIT times a
// distinct power of two, as in `watchers.js`.
const { groupSource, workersLog, main, blockSource, runRoot, tryStatement, virtualTime, workerStepSource } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261206;
const UNIT = 10;
const BITS = 14;
const BUFFERS = ["none", "fixed", "expanding", "dropping", "sliding"];

function generate(r) {
  const free = Array.from({ length: BITS }, (_, i) => i);
  const anyBit = () => UNIT * 2 ** free.splice(r.int(free.length), 1)[0];
  const pick = (ts) => ts[r.int(ts.length)];
  let labels = 0;
  const label = () => labels++;
  const chans = [pick(BUFFERS), pick(BUFFERS)];
  const emits = Array.from({ length: r.int(4) }, () => ({ at: anyBit(), v: 50 + label() }));
  const event = { buffer: pick(BUFFERS), emits, end: r.chance(0.5) ? anyBit() : null };
  const outside = Array.from({ length: r.int(3) }, () => ({ at: anyBit(), c: r.int(2), v: 70 + label() }));
  const workers = 2 + r.int(2);
  // redux-saga's buffers.none() cannot be flushed (it has no flush).
  const flushable = [0, 1].filter((c) => chans[c] !== "none");
  const block = (depth, cleanup) => {
    const stmts = [];
    const len = 1 + r.int(depth === 0 ? 5 : 2);
    for (let i = 0; i < len; i++) {
      if (!cleanup && r.chance(0.08)) {
        const of = Array.from({ length: 1 + r.int(3) }, () => {
          if (r.chance(0.3) && free.length > 0) return { p: "delay", ms: anyBit() };
          if (r.chance(0.2)) return { p: "cput", c: r.int(2), v: label() };
          return r.chance(0.6) ? { p: "ctake", c: r.int(2) } : { p: "etake" };
        });
        stmts.push({ s: "group", e: r.chance(0.5) ? "all" : "race", of });
        continue;
      }
      const kind = r.int(depth >= 2 ? 10 : 12);
      if (kind === 0) stmts.push({ s: "log", id: label() });
      else if (kind <= 2 && !cleanup) stmts.push({ s: "cput", c: r.int(2), v: label() });
      else if (kind <= 4 && !cleanup) stmts.push({ s: "ctake", c: r.int(2) });
      else if (kind === 5 && !cleanup) stmts.push({ s: "etake" });
      else if (kind === 6 && r.chance(0.7) && flushable.length > 0) stmts.push({ s: "cflush", c: pick(flushable) });
      else if (kind === 6 && event.buffer !== "none") stmts.push({ s: "eflush" });
      else if (kind === 7 && r.chance(0.4)) stmts.push(r.chance(0.7) ? { s: "cclose", c: r.int(2) } : { s: "eclose" });
      else if (kind === 8 && !cleanup && free.length > 0) stmts.push({ s: "delay", ms: anyBit() });
      else if (kind === 9 && !cleanup && r.chance(0.2)) stmts.push({ s: "throw", r: "t" + label() });
      else if (kind >= 10) stmts.push(tryStatement(r, label(), block, depth, cleanup));
    }
    return stmts;
  };
  const bodies = Array.from({ length: workers }, () => block(0, false));
  const root = [];
  for (let i = 0, n = 1 + r.int(3); i < n; i++) {
    const kind = r.int(4);
    if (kind === 0 && free.length > 0) root.push({ s: "delay", ms: anyBit() });
    else if (kind === 1) root.push({ s: "cancel", w: r.int(workers) });
    else if (kind === 2) root.push({ s: "cclose", c: r.int(2) });
    else root.push({ s: "log", id: label() });
  }
  return { chans, event, outside, bodies, root };
}

// The source of a block of task `g`'s body (`g` is a constant string).
function source(stmts, g, indent = "  ") {
  const own = (st, indent) => {
    const shared = workerStepSource(st, indent, g);
    if (shared !== null) return shared;
    let out = "";
    switch (st.s) {
      case "cput":
        out += `${indent}yield put(C[${st.c}], ${st.v});\n${indent}log("${g} put ${st.v} to c${st.c}");\n`;
        break;
      case "ctake":
        out += `${indent}log("${g} took " + shown(yield takeMaybe(C[${st.c}])) + " from c${st.c}");\n`;
        break;
      case "etake":
        out += `${indent}log("${g} took " + shown(yield takeMaybe(E)) + " from e");\n`;
        break;
      case "cflush":
        out += `${indent}log("${g} flushed " + shown(yield flush(C[${st.c}])) + " from c${st.c}");\n`;
        break;
      case "eflush":
        out += `${indent}log("${g} flushed " + shown(yield flush(E)) + " from e");\n`;
        break;
      case "cclose":
        out += `${indent}C[${st.c}].close();\n${indent}log("${g} closed c${st.c}");\n`;
        break;
      case "eclose":
        out += `${indent}E.close();\n${indent}log("${g} closed e");\n`;
        break;
      case "group": {
        const part = (p) => {
          if (p.p === "ctake") return [`takeMaybe(C[${p.c}])`, "shown"];
          if (p.p === "etake") return ["takeMaybe(E)", "shown"];
          if (p.p === "cput") return [`put(C[${p.c}], ${p.v})`, `() => "put ${p.v}"`];
          return [`delay(${p.ms}, "waited")`, "shown"];
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
  const { END, buffers, channel, eventChannel } = require("redux-saga");
  const { all, cancel, delay, flush, fork, put, race, takeMaybe } = require("redux-saga/effects");
  const made = {
    none: () => buffers.none(),
    fixed: () => buffers.fixed(1),
    expanding: () => buffers.expanding(1),
    dropping: () => buffers.dropping(1),
    sliding: () => buffers.sliding(1),
  };
  const log = workersLog(clock);
  const shown = (m) => (m === END ? "END" : Array.isArray(m) ? `[${m.join(",")}]` : m);
  const C = program.chans.map((b) => channel(made[b]()));
  const E = eventChannel((emit) => {
    for (const { at, v } of program.event.emits) {
      setTimeout(() => {
        log(`e emits ${v}`);
        try {
          emit(v);
        } catch (e) {
          log(`e refused ${v}: ${e}`);
        }
      }, at);
    }
    if (program.event.end !== null) {
      setTimeout(() => {
        log("e ends");
        emit(END);
      }, program.event.end);
    }
    return () => log("e unsubscribed");
  }, made[program.event.buffer]());
  for (const { at, c, v } of program.outside) {
    setTimeout(() => {
      try {
        C[c].put(v);
        log(`o put ${v} to c${c}`);
      } catch (e) {
        log(`o refused ${v}: ${e}`);
      }
    }, at);
  }
  const names = ["log", "put", "takeMaybe", "flush", "delay", "cancel", "shown", "C", "E", "W", "all", "race"];
  const W = [];
  const saga = (body, g, end) =>
    new Function(...names, `return function* () {\n${source(body, g)}  return ${end};\n};`)(
      log, put, takeMaybe, flush, delay, cancel, shown, C, E, W, all, race,
    );
  const root = function* () {
    for (const [k, body] of program.bodies.entries()) {
      W.push(yield fork(saga(body, `w${k}`, 100 + k)));
    }
    yield* saga(program.root, "m", 99)();
    return 99;
  };
  runRoot(root, log);
}

main(__filename, SEED, PROGRAMS, generate, run);
