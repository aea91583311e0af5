// Random promise programs, run by Node: the expected traces for
// `tests/random_programs.rs`, which runs the same programs on baton.
//
// `node programs.js` makes PROGRAMS programs from a fixed seed and prints,
// for each, a line `== <program as JSON>` and then what Node logs running
// it, each program in a process of its own. A program is a script of
// promise operations on numbered promises (made resolved, rejected or
// pending; then / catch / finally / then with both handlers; all,
// allSettled, race, any; async functions awaiting them, thenables and
// plain values; for await over arrays of them), with side
// effects in handlers (settling a pending promise, queueing a
// microtask, setting or clearing a timer), handlers and settling
// functions that return or resolve with promises and thenables, top-level
// timers, and the unhandled / handled-later rejection reports.
const { main, logRejections } = require("./_random.js");

const PROGRAMS = 1000;
const SEED = 20261203;

function generate(r) {
  const ops = [];
  const pending = [];
  const timers = [];
  let n = 0;
  const pick = () => r.int(n);
  // Side effects inside a handler, a microtask, a timer or an async body.
  // A nested timer waits 50 ms: half way to the next top-level one (every
  // 100 ms), so the real time Node's timers run on cannot reorder them,
  // even on a loaded machine.
  const effects = (depth) => {
    const fx = [];
    const count = r.int(3);
    for (let i = 0; i < count; i++) {
      const kind = r.int(depth > 0 ? 2 : 5);
      if (kind === 3) {
        const tag = "n" + r.int(1000);
        timers.push(tag);
        fx.push({ e: "timeout", tag, fx: effects(depth + 1) });
        continue;
      }
      if (kind === 4) {
        if (timers.length > 0) fx.push({ e: "clear", tag: timers[r.int(timers.length)] });
        continue;
      }
      if (kind === 0 && pending.length > 0) {
        const id = pending[r.int(pending.length)];
        const how = r.int(4);
        if (how === 0) fx.push({ e: "resolve", id, v: r.int(100) });
        else if (how === 1) fx.push({ e: "reject", id, r: "s" + id + "_" + r.int(10) });
        else if (how === 2) fx.push({ e: "thenable", id, t: thenable() });
        else {
          const src = pick();
          if (src !== id) fx.push({ e: "adopt", id, src });
        }
      } else if (kind === 2) {
        fx.push({ e: "micro", tag: "m" + r.int(1000), fx: effects(depth + 1) });
      }
    }
    return fx;
  };
  // What a handler returns: a value, a throw, or a promise to adopt.
  // A thenable (an object with a `then` method): its `then` resolves,
  // rejects or adopts a promise, at once or from a microtask.
  let thenables = 0;
  const thenable = () => {
    const tag = "h" + thenables++;
    const at = r.chance(0.5) ? "sync" : "micro";
    const k = r.int(3);
    if (k === 0) return { tag, at, k: "value", v: r.int(100) };
    if (k === 1) return { tag, at, k: "reject", r: "j" + r.int(1000) };
    return { tag, at, k: "adopt", src: pick() };
  };
  // A value, a throw, a promise to adopt, or a thenable.
  const outcome = (mayAdopt) => {
    const k = r.int(mayAdopt ? 4 : 2);
    if (k === 0) return { k: "value", v: r.int(100) };
    if (k === 1) return { k: "throw", r: "x" + r.int(1000) };
    if (k === 2) return { k: "adopt", src: pick() };
    return { k: "thenable", t: thenable() };
  };
  const handler = (mayAdopt = true) => ({ fx: effects(0), out: outcome(mayAdopt) });
  const steps = 3 + r.int(18);
  for (let s = 0; s < steps; s++) {
    const kind = n === 0 ? r.int(3) : r.int(16);
    const id = n;
    switch (kind) {
      case 0:
        ops.push({ op: "resolved", id, v: r.int(100) });
        n++;
        break;
      case 1:
        ops.push({ op: "rejected", id, r: "r" + id });
        n++;
        break;
      case 2:
        ops.push({ op: "pending", id });
        pending.push(id);
        n++;
        break;
      case 3:
      case 4:
        ops.push({ op: "then", id, src: pick(), h: handler() });
        n++;
        break;
      case 5:
        ops.push({ op: "catch", id, src: pick(), h: handler() });
        n++;
        break;
      case 6:
        // A promise returned by a finally handler would be adopted through
        // a derived promise in Rust (its value type is `()`): not drawn.
        ops.push({ op: "finally", id, src: pick(), h: handler(false) });
        n++;
        break;
      case 7:
        ops.push({ op: "both", id, src: pick(), h: handler(), h2: handler() });
        n++;
        break;
      case 8: {
        const kinds = ["all", "allSettled", "race", "any"];
        const srcs = Array.from({ length: r.int(4) }, pick);
        const which = kinds[r.int(4)];
        if (which === "any") {
          ops.push({ op: "any", srcs });
        } else {
          ops.push({ op: which, id, srcs });
          n++;
        }
        break;
      }
      case 9:
      case 10: {
        const body = [];
        const len = 1 + r.int(3);
        for (let i = 0; i < len; i++) {
          if (r.chance(0.7)) {
            // Await a promise, a thenable or a plain value.
            const k = r.int(5);
            const step = { s: "await", catch: r.chance(0.5) };
            if (k < 3) step.src = pick();
            else if (k === 3) step.t = thenable();
            else step.v = r.int(100);
            body.push(step);
          }
          else body.push({ s: "fx", fx: effects(0) });
        }
        ops.push({ op: "async", id, body, out: outcome(true) });
        n++;
        break;
      }
      case 11:
        ops.push({ op: "observe", src: pick() });
        break;
      case 12:
        ops.push({ op: "micro", tag: "m" + r.int(1000), fx: effects(1) });
        break;
      case 14: {
        // for await over an array of promises (the sync-iterable fallback).
        const srcs = Array.from({ length: r.int(4) }, pick);
        ops.push({ op: "forAwait", tag: "f" + s, srcs, breakAt: r.int(3) });
        break;
      }
      case 13: {
        const tag = "t" + s;
        ops.push({ op: "timeout", delay: 100 * r.int(3), tag, fx: effects(0), observe: pick() });
        timers.push(tag);
        break;
      }
      default: {
        const fx = effects(0);
        if (fx.length > 0) ops.push({ op: "fx", fx });
      }
    }
  }
  return { ops };
}

// Runs one program; everything it does is logged.
function run(program) {
  const log = (s) => console.log(s);
  // A promise resolved with itself rejects with a TypeError whose wording
  // is the engine's own: both sides print it as "cycle".
  const name = (reason) => {
    if (reason instanceof AggregateError) return "aggregate";
    if (reason instanceof TypeError && reason.message.startsWith("Chaining cycle")) return "cycle";
    return String(reason);
  };
  logRejections(log, name);
  const P = [];
  const R = [];
  const T = {};
  const thenable = (t) => ({
    then(resolve, reject) {
      log(`thenable ${t.tag} called`);
      const act = () => {
        if (t.k === "value") resolve(t.v);
        else if (t.k === "reject") reject(t.r);
        else resolve(P[t.src]);
      };
      if (t.at === "sync") act();
      else queueMicrotask(act);
    },
  });
  const fx = (list) => {
    for (const f of list) {
      if (f.e === "resolve") R[f.id].resolve(f.v);
      else if (f.e === "reject") R[f.id].reject(f.r);
      else if (f.e === "adopt") R[f.id].resolve(P[f.src]);
      else if (f.e === "thenable") R[f.id].resolve(thenable(f.t));
      else if (f.e === "timeout")
        T[f.tag] = setTimeout(() => {
          log("timeout " + f.tag);
          fx(f.fx);
        }, 50);
      else if (f.e === "clear") clearTimeout(T[f.tag]);
      else if (f.e === "micro")
        queueMicrotask(() => {
          log("micro " + f.tag);
          fx(f.fx);
        });
    }
  };
  const out = (o) => {
    if (o.k === "value") return o.v;
    if (o.k === "throw") throw o.r;
    if (o.k === "thenable") return thenable(o.t);
    return P[o.src];
  };
  const sum = (vs) => vs.reduce((a, b) => a + b, 0);
  for (const op of program.ops) {
    const id = op.id;
    switch (op.op) {
      case "resolved":
        P[id] = Promise.resolve(op.v);
        break;
      case "rejected":
        P[id] = Promise.reject(op.r);
        break;
      case "pending":
        P[id] = new Promise((resolve, reject) => (R[id] = { resolve, reject }));
        break;
      case "then":
        P[id] = P[op.src].then((v) => {
          log(`then${id} got ${v}`);
          fx(op.h.fx);
          return out(op.h.out);
        });
        break;
      case "catch":
        P[id] = P[op.src].catch((e) => {
          log(`catch${id} got ${name(e)}`);
          fx(op.h.fx);
          return out(op.h.out);
        });
        break;
      case "finally":
        P[id] = P[op.src].finally(() => {
          log(`finally${id}`);
          fx(op.h.fx);
          return out(op.h.out);
        });
        break;
      case "both":
        P[id] = P[op.src].then(
          (v) => {
            log(`both${id} got ${v}`);
            fx(op.h.fx);
            return out(op.h.out);
          },
          (e) => {
            log(`both${id} caught ${name(e)}`);
            fx(op.h2.fx);
            return out(op.h2.out);
          },
        );
        break;
      case "all":
        P[id] = Promise.all(op.srcs.map((s) => P[s])).then(sum);
        break;
      case "allSettled":
        P[id] = Promise.allSettled(op.srcs.map((s) => P[s])).then((rs) =>
          sum(rs.map((r) => (r.status === "fulfilled" ? r.value : 1000))),
        );
        break;
      case "race":
        P[id] = Promise.race(op.srcs.map((s) => P[s]));
        break;
      case "any":
        Promise.any(op.srcs.map((s) => P[s])).then(
          (v) => log(`any got ${v}`),
          (e) => log(`any failed ${e.errors.map(name).join(",")}`),
        );
        break;
      case "async":
        P[id] = (async () => {
          log(`async${id} start`);
          for (const step of op.body) {
            const awaited = () => (step.t ? thenable(step.t) : "v" in step ? step.v : P[step.src]);
            if (step.s === "fx") {
              fx(step.fx);
            } else if (step.catch) {
              try {
                log(`async${id} got ${await awaited()}`);
              } catch (e) {
                log(`async${id} caught ${name(e)}`);
              }
            } else {
              log(`async${id} got ${await awaited()}`);
            }
          }
          return out(op.out);
        })();
        break;
      case "forAwait":
        (async () => {
          let seen = 0;
          try {
            for await (const v of op.srcs.map((s) => P[s])) {
              log(`loop ${op.tag} got ${v}`);
              if (++seen === op.breakAt) break;
            }
            log(`loop ${op.tag} done`);
          } catch (e) {
            log(`loop ${op.tag} threw ${name(e)}`);
          }
        })();
        break;
      case "observe":
        P[op.src].then(
          (v) => log(`p${op.src} fulfilled ${v}`),
          (e) => log(`p${op.src} rejected ${name(e)}`),
        );
        break;
      case "micro":
        fx([{ e: "micro", tag: op.tag, fx: op.fx }]);
        break;
      case "timeout":
        T[op.tag] = setTimeout(() => {
          log(`timeout ${op.tag}`);
          fx(op.fx);
          P[op.observe].then(
            (v) => log(`p${op.observe} fulfilled ${v}`),
            (e) => log(`p${op.observe} rejected ${name(e)}`),
          );
        }, op.delay);
        break;
      case "fx":
        fx(op.fx);
        break;
    }
  }
  log("script end");
}

main(__filename, SEED, PROGRAMS, generate, run);
