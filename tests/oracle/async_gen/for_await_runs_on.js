// for await over async generators of settled values: a lone loop takes
// its items turn after turn, two interleave turn by turn, and microtasks
// or loops started in between take their turns in order.
const { log, runsOn, sideSteps } = require("../promises/_runs_on");
async function* count(n) {
  for (let i = 1; i <= n; i++) yield i;
  return undefined; // as a Rust body's final Ok(..): awaited, one turn
}
async function walker(name, n) {
  for await (const i of count(n)) {
    log(name + " got " + i);
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
