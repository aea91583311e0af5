// run() over promises still pending when yielded (each fulfils a turn
// later), each followed by a settled one: a run resumed by the promise's
// reaction takes its next turns in order with the rest; "b" and "lone"
// (but at its step 2), whose promise an async function awaits first,
// resume after that one and before its next turn; "lone" at step 2, whose
// promise gets a handler after it waits (and fulfils two turns later),
// takes its next turn after that handler.
const { run } = require("./_run");
const { log, runsOn, sideSteps, woken } = require("../promises/_runs_on");
function walker(name, n) {
  return run(function* () {
    for (let i = 1; i <= n; i++) {
      const v = yield woken(name, i);
      log(name + " woke with " + v);
      const w = yield Promise.resolve(10 * i);
      log(name + " got " + w);
      sideSteps(name, i, walker);
    }
    log(name + " done");
    return name;
  });
}
runsOn(walker);
