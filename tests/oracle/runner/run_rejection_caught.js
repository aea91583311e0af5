// A rejected yield is thrown in at the yield, where try/catch handles it
// and the generator carries on.
const { run, log, ticks } = require("./_run");
ticks(5);
run(function* () {
  try {
    yield Promise.reject("boom");
    log("not reached");
  } catch (e) {
    log("caught " + e);
  }
  const v = yield Promise.resolve("after");
  log("continued with " + v);
  return "done";
}).then((v) => log("run resolved with " + v));
