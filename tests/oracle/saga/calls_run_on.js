// Calls answered at once, one after another: a lone saga steps turn after
// turn, two interleave turn by turn, and microtasks or sagas started in
// between take their turns in order; a rejection is thrown in.
const { call, runEnhanced } = require("./_saga");
const log = (s) => console.log(s);
const answer = (v) => Promise.resolve(v);
const refuse = (why) => Promise.reject(new Error(why));
function* walker(name, n) {
  for (let i = 1; i <= n; i++) {
    const v = yield call(answer, i);
    log(name + " got " + v);
    if (name === "a" && i === 2) queueMicrotask(() => log("microtask queued by a"));
    if (name === "c" && i === 1) runEnhanced(walker, "inner", 2);
    if (name === "lone" && i === 2) {
      try {
        yield call(refuse, "boom");
      } catch (e) {
        log(name + " caught " + e.message);
      }
    }
  }
  log(name + " done");
  return name;
}
runEnhanced(walker, "a", 4);
runEnhanced(walker, "b", 2);
Promise.resolve()
  .then(() => log("then 1"))
  .then(() => log("then 2"));
log("script end");
setTimeout(() => {
  log("timeout");
  runEnhanced(walker, "c", 3).then((v) => log("settled " + v));
}, 0);
setTimeout(() => {
  runEnhanced(walker, "lone", 3).then((v) => log("settled " + v));
}, 1);
