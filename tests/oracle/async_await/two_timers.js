// Seed 001: c() awaits two promises resolved by timers after 2 s and 5 s;
// main finishes first. Times are printed rounded to 0.1 s.
const t0 = Date.now();
const log = (s) => console.log(`[${(Math.round((Date.now() - t0) / 100) / 10).toFixed(1)}s] ${s}`);
let promise1 = new Promise((resolve) => {
  setTimeout(() => resolve(), 2000);
});
let promise2 = new Promise((resolve) => {
  setTimeout(() => resolve(), 5000);
});
async function c() {
  log("c: awaiting promise1");
  await promise1;
  log("c: promise1 done, awaiting promise2");
  await promise2;
  log("c: promise2 done");
}
log("main: calling c()");
c();
log("main: done");
