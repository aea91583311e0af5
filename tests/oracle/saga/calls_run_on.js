// Calls answered at once, one after another: a lone saga steps turn after
// turn, two interleave turn by turn, and microtasks or sagas started in
// between take their turns in order; a rejection is thrown in.
const { call, runEnhanced } = require("./_saga");
const { log, runsOn, sideSteps } = require("../promises/_runs_on");
const answer = (v) => Promise.resolve(v);
const refuse = (why) => Promise.reject(new Error(why));
function* walker(name, n) {
  for (let i = 1; i <= n; i++) {
    const v = yield call(answer, i);
    log(name + " got " + v);
    sideSteps(name, i, (inner, m) => runEnhanced(walker, inner, m));
    if (name === "lone" && i === 2) {
      try {
        yield call(refuse, "boom");
      } catch (e) {
        log(name + " caught " + e.message);
      }
    }
  }
  log(name + " done");
  return name;
}
runsOn((name, n) => runEnhanced(walker, name, n));
