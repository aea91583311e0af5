// Awaits of settled promises, one after another: a lone async function
// resumes turn after turn, two interleave turn by turn, and microtasks or
// async functions started in between take their turns in order.
const { log, runsOn, sideSteps } = require("./_runs_on");
async function walker(name, n) {
  for (let i = 1; i <= n; i++) {
    const v = await Promise.resolve(i);
    log(name + " got " + v);
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
