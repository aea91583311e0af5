// Seed 004's async iterator helpers, as the seed writes them (`for await`
// in an async generator), and a pipeline's stages built from a program's
// list: what `pipelines.js` and `helpers.js` share (not an oracle itself).

async function* asyncMap(it, fn) {
  for await (const x of it) yield fn(x);
}

async function* asyncFilter(it, keep) {
  for await (const x of it) if (keep(x)) yield x;
}

async function* asyncTake(it, count) {
  let taken = 0;
  for await (const x of it) {
    yield x;
    if (++taken >= count) return;
  }
}

async function* batch(items, size) {
  let buffer = [];
  for await (const item of items) {
    buffer.push(item);
    if (buffer.length >= size) {
      yield buffer;
      buffer = [];
    }
  }
  if (buffer.length > 0) {
    yield buffer;
  }
}

// A program's source: yields (some after an await), failing at its end if
// `program.fails`, with cleanup in a finally block.
async function* source(program, log) {
  try {
    for (const s of program.source) {
      if (s.pause) await null;
      log("source yields " + s.v);
      yield s.v;
    }
    if (program.fails) {
      log("source fails");
      throw new Error("source failed");
    }
    log("source exhausted");
  } finally {
    log("source cleanup");
  }
}

// Stage `i` of a program over `it`: a map or a filter that logs what it
// gets, or a take; `other(st, i, it)` builds any other kind.
function stage(it, st, i, log, other) {
  if (st.s === "map")
    return asyncMap(it, (x) => {
      log(`map ${i} got ${x}`);
      return x + st.add;
    });
  if (st.s === "filter")
    return asyncFilter(it, (x) => {
      log(`filter ${i} got ${x}`);
      return x % st.mod !== 0;
    });
  if (st.s === "take") return asyncTake(it, st.n);
  return other(st, i, it);
}

module.exports = { asyncMap, asyncFilter, asyncTake, batch, source, stage };
