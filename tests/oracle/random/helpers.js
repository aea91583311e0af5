// Random programs of async iterator helpers, run by Node: the expected
// traces for `tests/random_helpers.rs`, which runs the same programs on
// baton's `AsyncIteratorExt`.
//
// Node 20 has no async iterator helpers; they are written here as seed 004
// writes its own (`for await` in an async generator or an async function),
// which is how the helpers proposal defines them: a lazy stage pulls one
// item at a time, and a consumer that stops early (find, some, every, a
// loop's break) closes its source and waits for that cleanup.
//
// `node helpers.js` makes PROGRAMS programs from a fixed seed and prints,
// for each, a line `== <program as JSON>` and then what Node logs running
// it, each program in a process of its own. A program is an async
// generator source (yields, some after an await, that may fail at its
// end, with cleanup in a finally block), up to three stages (map, filter,
// take, drop, flatMap over an inner async generator that may fail,
// mapConcurrent with steps that settle out of order and may fail), one
// consumer (a for-await loop that may break, forEach, reduce, find, some,
// every, toArray) awaited by an async function, and a chain of ticks
// beside it.
const { rng, main } = require("./_random.js");
const { source, stage } = require("./_stages.js");
const { mapConcurrent } = require("../async_gen/_map_concurrent.js");

const PROGRAMS = 1000;
const SEED = 20261224;

async function* asyncDrop(it, count) {
  let dropped = 0;
  for await (const x of it) {
    if (dropped < count) {
      dropped++;
      continue;
    }
    yield x;
  }
}

async function* asyncFlatMap(it, fn) {
  for await (const x of it) for await (const y of fn(x)) yield y;
}

async function forEach(it, fn) {
  for await (const x of it) fn(x);
}

async function reduce(it, fn, acc) {
  for await (const x of it) acc = fn(acc, x);
  return acc;
}

async function find(it, found) {
  for await (const x of it) if (found(x)) return x;
  return undefined;
}

async function some(it, test) {
  for await (const x of it) if (test(x)) return true;
  return false;
}

async function every(it, test) {
  for await (const x of it) if (!test(x)) return false;
  return true;
}

async function toArray(it) {
  const out = [];
  for await (const x of it) out.push(x);
  return out;
}

function generate(r) {
  const source = Array.from({ length: r.int(6) }, (_, i) => ({ v: i + 1, pause: r.chance(0.3) }));
  const stages = Array.from({ length: r.int(4) }, () => {
    const k = r.int(6);
    if (k === 0) return { s: "map", add: 10 * (1 + r.int(3)) };
    if (k === 1) return { s: "filter", mod: 2 + r.int(2) };
    if (k === 2) return { s: "take", n: 1 + r.int(3) };
    if (k === 3) return { s: "drop", n: r.int(3) };
    if (k === 4) return { s: "mapConcurrent", limit: 1 + r.int(3), failMod: r.chance(0.3) ? 2 + r.int(3) : 0 };
    return { s: "flatMap", k: r.int(3), pause: r.chance(0.4), failMod: r.chance(0.3) ? 2 + r.int(3) : 0 };
  });
  const ends = ["loop", "forEach", "reduce", "find", "some", "every", "toArray"];
  const end = { e: ends[r.int(ends.length)], mod: 2 + r.int(3), breakAt: r.int(4) };
  return { source, fails: r.chance(0.2), stages, end, ticks: r.int(16) };
}

function run(program) {
  const log = (s) => console.log(s);
  function inner(i, st, x) {
    return (async function* () {
      try {
        for (let j = 1; j <= st.k; j++) {
          if (st.pause) await null;
          log(`inner ${i} of ${x} yields ${x * 10 + j}`);
          yield x * 10 + j;
        }
        if (st.failMod && x % st.failMod === 0) {
          log(`inner ${i} of ${x} fails`);
          throw new Error(`inner of ${x} failed`);
        }
      } finally {
        log(`inner ${i} of ${x} cleanup`);
      }
    })();
  }
  // Step `x` of mapConcurrent stage `i`: settles after `x % 3` more turns,
  // so steps settle out of order; may fail.
  function concurrentStep(i, st, x) {
    log(`mapConcurrent ${i} starts ${x}`);
    let p = Promise.resolve();
    for (let h = 0; h < x % 3; h++) p = p.then(() => {});
    return p.then(() => {
      log(`mapConcurrent ${i} settles ${x}`);
      if (st.failMod && x % st.failMod === 0) throw new Error(`step of ${x} failed`);
      return x + 100;
    });
  }
  let it = source(program, log);
  const other = (st, i, it) => {
    if (st.s === "drop") return asyncDrop(it, st.n);
    if (st.s === "mapConcurrent") return mapConcurrent(it, st.limit, (x) => concurrentStep(i, st, x));
    return asyncFlatMap(it, (x) => inner(i, st, x));
  };
  program.stages.forEach((st, i) => {
    it = stage(it, st, i, log, other);
  });
  let p = Promise.resolve();
  for (let i = 1; i <= program.ticks; i++) p = p.then(() => log("tick " + i));
  const { e, mod, breakAt } = program.end;
  const test = (x) => {
    log(`${e} tests ${x}`);
    return x % mod === 0;
  };
  (async () => {
    try {
      if (e === "loop") {
        let seen = 0;
        for await (const x of it) {
          log("loop got " + x);
          if (++seen === breakAt) break;
        }
        log("loop ends");
      } else if (e === "forEach") {
        await forEach(it, (x) => log("forEach got " + x));
        log("forEach ends");
      } else if (e === "reduce") {
        const sum = await reduce(
          it,
          (acc, x) => {
            log(`reduce adds ${x} to ${acc}`);
            return acc + x;
          },
          0,
        );
        log("reduce -> " + sum);
      } else if (e === "find") {
        log("find -> " + (await find(it, test)));
      } else if (e === "some") {
        log("some -> " + (await some(it, test)));
      } else if (e === "every") {
        log("every -> " + (await every(it, (x) => !test(x))));
      } else {
        log("toArray -> [" + (await toArray(it)).join(",") + "]");
      }
    } catch (error) {
      log(`${e} failed: ${error.message}`);
    }
    log("done");
  })();
  log("script end");
}

main(__filename, SEED, PROGRAMS, generate, run);
