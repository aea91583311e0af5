// Shared by the async generator oracles (not an oracle itself).
const t0 = Date.now();
const log = (s) => console.log(s);
const stamp = (s) => log(`[${Math.round((Date.now() - t0) / 100) * 100}ms] ${s}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// n microtask ticks, logged in order, to show where other work falls.
const ticks = (n) => {
  let p = Promise.resolve();
  for (let i = 1; i <= n; i++) p = p.then(() => log("tick " + i));
};
// A handler that logs an iterator result under a label.
const show = (label) => (r) => log(label + ": " + JSON.stringify(r));
module.exports = { log, stamp, sleep, ticks, show };
