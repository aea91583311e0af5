// Seed 001: an async function returns its result through a promise.
const t0 = Date.now();
const log = (s) => console.log(`[${(Math.round((Date.now() - t0) / 100) / 10).toFixed(1)}s] ${s}`);
let promise1 = new Promise((resolve) => {
  setTimeout(() => resolve("🐶"), 2000);
});
let promise2 = new Promise((resolve) => {
  setTimeout(() => resolve("🐷"), 5000);
});
async function c() {
  let dog = await promise1;
  let pig = await promise2;
  return dog + pig;
}
let overallPromise = c();
overallPromise.then((result) => log(result + "!"));
log("main: done");
