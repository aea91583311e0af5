// Awaits of a promise still pending when awaited (it fulfils a turn
// later), each followed by an await of a settled one: a walker resumed by
// the promise's reaction takes its next turns in order with the rest; "b"
// and "lone" (but at its step 2), whose promise another async function
// awaits first, resume after that one and before its next turn; "lone" at
// step 2, whose promise gets a handler after it waits (and fulfils two
// turns later), takes its next turn after that handler.
const { log, runsOn, sideSteps, woken } = require("./_runs_on");
async function walker(name, n) {
  for (let i = 1; i <= n; i++) {
    const v = await woken(name, i);
    log(name + " woke with " + v);
    const w = await Promise.resolve(10 * i);
    log(name + " got " + w);
    sideSteps(name, i, walker);
    if (name === "lone" && i === 2) {
      try {
        await Promise.reject(new Error("boom"));
      } catch (e) {
        log(name + " caught " + e.message);
      }
    }
  }
  log(name + " done");
  return name;
}
runsOn(walker);
