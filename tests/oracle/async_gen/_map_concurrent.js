// The stage `map_concurrent.js` pins baton's `map_concurrent` to, written
// as a JavaScript async generator; the benchmarks' Node side runs it too
// (not an oracle itself).
async function* mapConcurrent(it, limit, fn) {
  const inFlight = [];
  let done = false;
  let thrown = false;
  try {
    while (true) {
      while (!done && inFlight.length < limit) {
        let r;
        try {
          r = await it.next();
        } catch (e) {
          done = true;
          throw e;
        }
        if (r.done) done = true;
        else {
          const p = fn(r.value);
          p.catch(() => {}); // a step let go of fails unheard
          inFlight.push(p);
        }
      }
      if (inFlight.length === 0) return;
      let value;
      try {
        value = await inFlight.shift();
      } catch (e) {
        thrown = true;
        throw e;
      }
      yield value;
    }
  } finally {
    // As a for-await loop closes its iterator: a throw's error wins over
    // the close's.
    if (!done) {
      try {
        await it.return();
      } catch (e) {
        if (!thrown) throw e;
      }
    }
  }
}

module.exports = { mapConcurrent };
