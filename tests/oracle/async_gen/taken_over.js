// A for-await loop over an async generator whose body awaits before each
// yield and awaits in its cleanup, beside a chain of ticks: started by a
// next() before the loop and left after two items, or looped to its end.
// `tests/pinned_async_gen.rs` runs the same on an `AsyncGen` the loop
// holds alone (taken over and driven pinned) and on one another handle
// shares (its machine serves the loop): each logs what Node logs here.
const { log, ticks } = require("./_util");

async function* numbers() {
  try {
    for (let i = 1; i <= 4; i++) {
      const v = await Promise.resolve(i * 10);
      log(`yield ${v}`);
      yield v;
    }
  } finally {
    await Promise.resolve();
    log("cleanup awaited");
  }
  return 0; // as the Rust body's final Ok(0): awaited, one turn
}

function scenario(started, breakAfter) {
  const g = numbers();
  (async () => {
    if (started) {
      const s = await g.next(0);
      log(`next(0) -> {${s.value}, ${s.done}}`);
    }
    let seen = 0;
    for await (const x of g) {
      log(`loop got ${x}`);
      if (++seen === breakAfter) break;
    }
    log("loop ended");
  })();
  ticks(14);
  log("script end");
}

(async () => {
  for (const [started, breakAfter] of [[true, 2], [false, 10]]) {
    log(`== started ${started}, break after ${breakAfter}`);
    scenario(started, breakAfter);
    await new Promise((r) => setTimeout(r, 0));
  }
})();
