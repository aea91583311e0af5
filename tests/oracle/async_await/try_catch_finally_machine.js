// Seed 001: the same try/catch/finally; its Rust port is the state machine
// regenerator lowers it to, driven like _asyncToGenerator: same trace.
const t0 = Date.now();
const log = (s) => console.log(`[${(Math.round((Date.now() - t0) / 100) / 10).toFixed(1)}s] ${s}`);
let promise1 = new Promise((resolve) => {
  setTimeout(() => resolve("🐶"), 200);
});
let promise2 = new Promise((resolve, reject) => {
  setTimeout(() => reject("💥"), 500);
});
async function c() {
  try {
    let value1 = await promise1;
    log("got " + value1);
    let value2 = await promise2;
    log("🙈");
    return value1 + value2;
  } catch (e) {
    log("catch " + e);
  } finally {
    log("finally");
  }
}
let overallPromise = c();
overallPromise.then((result) => log(result));
