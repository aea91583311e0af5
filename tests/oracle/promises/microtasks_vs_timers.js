// The script runs to completion, then every microtask, then timers.
const log = (s) => console.log(s);
setTimeout(() => log("timeout 0"), 0);
Promise.resolve().then(() => log("promise then"));
queueMicrotask(() => log("queueMicrotask"));
setTimeout(() => log("timeout 1"), 1);
Promise.resolve().then(() => {
  log("then, queueing another");
  queueMicrotask(() => log("nested microtask"));
});
log("script end");
