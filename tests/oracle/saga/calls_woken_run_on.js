// Calls answered a turn later, each followed by one answered at once: a
// saga resumed by the first call's promise takes its next turns in order
// with the rest; "b" and "lone" (but at its step 2), whose promise an
// async function awaits first, resume after that one and before its next
// turn; "lone" at step 2, whose promise gets a handler after the saga
// waits on it (fulfilling two turns later), takes its next turn after
// that handler.
const { call, runEnhanced } = require("./_saga");
const { log, runsOn, sideSteps, woken } = require("../promises/_runs_on");
const answer = (v) => Promise.resolve(v);
function* walker(name, n) {
  for (let i = 1; i <= n; i++) {
    const v = yield call(woken, name, i);
    log(name + " woke with " + v);
    const w = yield call(answer, 10 * i);
    log(name + " got " + w);
    sideSteps(name, i, (inner, m) => runEnhanced(walker, inner, m));
  }
  log(name + " done");
  return name;
}
runsOn((name, n) => runEnhanced(walker, name, n));
