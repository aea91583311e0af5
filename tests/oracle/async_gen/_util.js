// Shared by the async generator oracles (not an oracle itself).
const t0 = Date.now();
const log = (s) => console.log(s);
const stamp = (s) => log(`[${Math.round((Date.now() - t0) / 100) * 100}ms] ${s}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
module.exports = { log, stamp, sleep };
