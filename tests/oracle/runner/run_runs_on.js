// run() over settled promises, one after another: a lone run steps turn
// after turn, two interleave turn by turn, and microtasks or runs started
// in between take their turns in order; a settled rejection is thrown in.
const { run } = require("./_run");
const { log, runsOn, sideSteps } = require("../promises/_runs_on");
function walker(name, n) {
  return run(function* () {
    for (let i = 1; i <= n; i++) {
      const v = yield Promise.resolve(i);
      log(name + " got " + v);
      sideSteps(name, i, walker);
      if (name === "lone" && i === 2) {
        try {
          yield Promise.reject(new Error("boom"));
        } catch (e) {
          log(name + " caught " + e.message);
        }
      }
    }
    log(name + " done");
    return name;
  });
}
runsOn(walker);
