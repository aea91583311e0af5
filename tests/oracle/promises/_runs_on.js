// The scenario the `*_runs_on` oracles share (not an oracle itself):
// `walk(name, n)` starts a walker (an async function, a run(), a saga)
// that takes n settled steps, and returns its promise. Each walker, at
// step 2 of "a", queues a microtask; at step 1 of "c", starts "inner"; at
// step 2 of "c", chains a then; at step 2 of "lone", catches a rejection.
const log = (s) => console.log(s);
function runsOn(walk) {
  walk("a", 4);
  walk("b", 2);
  Promise.resolve()
    .then(() => log("then 1"))
    .then(() => log("then 2"));
  log("script end");
  setTimeout(() => {
    log("timeout");
    walk("c", 3).then((v) => log("settled " + v));
    log("timeout end");
  }, 0);
  setTimeout(() => {
    walk("lone", 3).then((v) => log("settled " + v));
  }, 1);
}
// What a walker does after step i, beside logging it.
function sideSteps(name, i, walk) {
  if (name === "a" && i === 2) queueMicrotask(() => log("microtask queued by a"));
  if (name === "c" && i === 1) walk("inner", 2);
  if (name === "c" && i === 2) Promise.resolve().then(() => log("then queued by c"));
}
// For the `*_woken_*` oracles: the promise a walker waits on at step i,
// still pending then. It fulfils a turn later, and for "b" and "lone" a
// second async function awaits it first; but for "lone" at step 2 it
// fulfils two turns later, with a handler added a turn after it is made,
// after the walker waits on it.
async function listen(name, later) {
  const v = await later;
  log(name + "'s listener heard " + v);
  await null;
  log(name + "'s listener went on");
}
function woken(name, i) {
  if (name === "lone" && i === 2) {
    const later = Promise.resolve().then().then(() => i);
    queueMicrotask(() => later.then((v) => log(name + "'s late listener heard " + v)));
    return later;
  }
  const later = Promise.resolve().then(() => i);
  if (name === "b" || name === "lone") listen(name, later);
  return later;
}
module.exports = { log, runsOn, sideSteps, woken };
