// run() steps the generator one microtask after each yielded promise
// settles; a plain value is treated as an already-resolved promise.
const { run, log, ticks } = require("./_run");
ticks(6);
run(function* () {
  log("generator starts synchronously");
  const a = yield Promise.resolve(1);
  log("got " + a);
  const b = yield 2;
  log("got " + b);
  const c = yield new Promise((r) => setTimeout(() => r(3), 5));
  log("got " + c);
  return a + b + c;
}).then((v) => log("run resolved with " + v));
log("script end");
