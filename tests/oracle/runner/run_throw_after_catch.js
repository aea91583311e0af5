// A generator that throws after catching rejects the outer promise; so
// does a rejection nobody catches.
const { run, log } = require("./_run");
run(function* () {
  try {
    yield Promise.reject("first");
  } catch (e) {
    log("caught " + e + ", rethrowing");
    throw "second";
  }
}).catch((e) => log("run rejected with " + e));
run(function* () {
  yield Promise.resolve("fine");
  yield Promise.reject("uncaught");
  log("not reached");
}).catch((e) => log("run rejected with " + e));
