// run() over settled promises, one after another: a lone run steps turn
// after turn, two interleave turn by turn, and microtasks or runs started
// in between take their turns in order; a settled rejection is thrown in.
const { run, log, ticks } = require("./_run");
function walker(name, n) {
  return run(function* () {
    for (let i = 1; i <= n; i++) {
      const v = yield Promise.resolve(i);
      log(name + " got " + v);
      if (name === "a" && i === 2) queueMicrotask(() => log("microtask queued by a"));
      if (name === "c" && i === 1) walker("inner", 2);
      if (name === "lone" && i === 2) {
        try {
          yield Promise.reject("boom");
        } catch (e) {
          log(name + " caught " + e);
        }
      }
    }
    log(name + " done");
    return name;
  });
}
walker("a", 4);
walker("b", 2);
ticks(3);
log("script end");
setTimeout(() => {
  log("timeout");
  walker("c", 3).then((v) => log("settled " + v));
}, 0);
setTimeout(() => {
  walker("lone", 3).then((v) => log("settled " + v));
}, 1);
