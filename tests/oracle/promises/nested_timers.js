// Timers that set timers and queue microtasks: each callback is followed
// by a microtask checkpoint. (Delays are spaced so that Node's real-time
// jitter cannot reorder them.)
const log = (s) => console.log(s);
setTimeout(() => {
  log("outer 10");
  setTimeout(() => log("inner 0 from 10"), 0);
  Promise.resolve().then(() => log("microtask from outer 10"));
}, 10);
setTimeout(() => {
  log("outer 10 second");
  Promise.resolve().then(() => log("microtask from outer 10 second"));
}, 10);
setTimeout(() => {
  log("outer 30");
  setTimeout(() => log("inner 20 from 30"), 20);
}, 30);
setTimeout(() => log("outer 40"), 40);
setTimeout(() => log("outer 60"), 60);
